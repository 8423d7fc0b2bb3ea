"""Changes to the expert pool. Each service checks its rule, writes the audit log, and raises
``ExpertError`` with a message for the person when the change cannot be made."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from expertbank.crypto import keyed_hash, mask_iban, mask_identity_code, mask_text
from expertbank.finnish import normalise_iban, normalise_personal_identity_code
from expertbank.models import User
from expertbank.services.audit import audit_record, changes_between, snapshot
from expertbank.services.invitations import invitation_create
from expertbank.services.users import user_create
from experts.models import (
    AreaDisclosure,
    ConsentRecord,
    Expert,
    ExpertDocument,
    PrivacyNotice,
)


class ExpertError(Exception):
    """A change to the pool cannot be made; the message says why."""


SENSITIVE_MASKERS = {
    "identity_code": mask_identity_code,
    "iban": mask_iban,
    "notes": mask_text,
}
M2M_FIELDS = {"languages", "areas", "work_kinds"}
AUDITED_FIELDS = [
    "public_alias",
    "shown_as",
    "municipality",
    "region",
    "languages",
    "areas",
    "work_kinds",
    "remote_ok",
    "travel_radius_km",
    "bio",
    "status",
    "status_since",
    "certified_on",
    "max_gigs_per_month",
    "rest_days_after_heavy",
    "identity_code",
    "iban",
    "bic",
    "earnings_cap_yearly",
    "earnings_cap_monthly",
    "expenses_only",
    "notes",
]


def identity_code_duplicate(code: str, *, exclude: Expert | None = None) -> Expert | None:
    """The expert who already has this identity code, found by keyed hash (no decrypting)."""
    if not code:
        return None
    found = Expert.objects.filter(
        identity_code_hash=keyed_hash(normalise_personal_identity_code(code))
    )
    if exclude is not None and exclude.pk:
        found = found.exclude(pk=exclude.pk)
    return found.select_related("user").first()


def _apply(expert: Expert, values: dict[str, Any]) -> dict[str, Iterable]:
    m2m = {}
    for name, value in values.items():
        if name in M2M_FIELDS:
            m2m[name] = value
            continue
        if name not in AUDITED_FIELDS:
            raise ValueError(f"{name} is not a field an expert update may change.")
        if name == "identity_code":
            value = normalise_personal_identity_code(value) if value else ""
            expert.identity_code_hash = keyed_hash(value) if value else None
        elif name == "iban":
            value = normalise_iban(value) if value else ""
        elif name == "status" and value != expert.status:
            expert.status_since = values.get("status_since") or timezone.localdate()
        setattr(expert, name, value)
    return m2m


def _save(expert: Expert, *, by: User | None, action: str, before: dict, m2m: dict) -> None:
    duplicate = identity_code_duplicate(expert.identity_code, exclude=expert)
    if duplicate is not None:
        raise ExpertError(
            _("This personal identity code already belongs to %(name)s.") % {"name": duplicate.name}
        )
    try:
        with transaction.atomic():
            expert.save()
    except IntegrityError as exc:  # two saves of one code at once: the unique hash decides
        raise ExpertError(_("This personal identity code is already in the pool.")) from exc
    for name, value in m2m.items():
        getattr(expert, name).set(value)
    after = snapshot(expert, AUDITED_FIELDS)
    changes = changes_between(before, after, maskers=SENSITIVE_MASKERS)
    if changes or action == "created":
        audit_record(obj=expert, actor=by, action=action, changes=changes)


@transaction.atomic
def expert_create(
    *,
    email: str,
    full_name: str,
    by: User | None,
    language: str = "fi",
    phone: str = "",
    invite: bool = True,
    **values: Any,
) -> Expert:
    """Add a person to the pool; with ``invite`` they get a link to set their password."""
    if User.objects.filter(email__iexact=email.strip()).exists():
        raise ExpertError(
            _("%(email)s already has an account in the bank.") % {"email": email.strip()}
        )
    user = user_create(email=email, full_name=full_name, language=language, phone=phone)
    expert = Expert(user=user)
    before = snapshot(expert, [f for f in AUDITED_FIELDS if f not in M2M_FIELDS]) | {
        name: [] for name in M2M_FIELDS
    }
    m2m = _apply(expert, values)
    _save(expert, by=by, action="created", before=before, m2m=m2m)
    if invite:
        invitation_create(email=user.email, invited_by=by, full_name=full_name, language=language)
    return expert


@transaction.atomic
def expert_update(*, expert: Expert, by: User | None, **values: Any) -> Expert:
    """Change an expert's profile; sensitive values are logged masked."""
    expert = Expert.objects.select_for_update().get(pk=expert.pk)
    before = snapshot(expert, AUDITED_FIELDS)
    m2m = _apply(expert, values)
    _save(expert, by=by, action="updated", before=before, m2m=m2m)
    return expert


def current_consent(expert: Expert) -> ConsentRecord | None:
    notice = PrivacyNotice.current()
    if notice is None:
        return None
    return expert.consents.filter(notice=notice, withdrawn_at__isnull=True).first()


@transaction.atomic
def consent_give(*, expert: Expert, by: User | None, on_paper: bool = False) -> ConsentRecord:
    """Record consent to the current privacy notice (the expert's own, or on paper)."""
    notice = PrivacyNotice.current()
    if notice is None:
        raise ExpertError(_("There is no privacy notice to consent to yet."))
    Expert.objects.select_for_update().filter(pk=expert.pk).first()
    existing = expert.consents.filter(notice=notice, withdrawn_at__isnull=True).first()
    if existing is not None:
        return existing
    record = ConsentRecord.objects.create(
        expert=expert, notice=notice, on_paper=on_paper, recorded_by=by
    )
    audit_record(
        obj=expert,
        actor=by,
        action="consent given",
        changes={"consent": ["", f"{notice.version}{' (paper)' if on_paper else ''}"]},
    )
    return record


@transaction.atomic
def consent_withdraw(*, expert: Expert, by: User | None) -> int:
    """Withdraw every open consent: the expert is no longer bookable."""
    withdrawn = expert.consents.filter(withdrawn_at__isnull=True).update(
        withdrawn_at=timezone.now()
    )
    if withdrawn:
        audit_record(
            obj=expert, actor=by, action="consent withdrawn", changes={"consent": ["", ""]}
        )
    return withdrawn


@transaction.atomic
def disclosure_set(*, expert: Expert, by: User | None, pairs: Iterable[tuple[int, str]]) -> None:
    """Replace what the expert shows: (experience area id, kind of booker) pairs.

    Only the expert's own areas can be disclosed.
    """
    own = set(expert.areas.values_list("pk", flat=True))
    wanted = {(area_id, kind) for area_id, kind in pairs if area_id in own}
    expert.disclosures.all().delete()
    AreaDisclosure.objects.bulk_create(
        AreaDisclosure(expert=expert, area_id=area_id, booker_kind=kind)
        for area_id, kind in sorted(wanted)
    )
    audit_record(
        obj=expert,
        actor=by,
        action="disclosure changed",
        changes={"disclosure": ["", str(len(wanted))]},
    )


def document_record(
    *,
    expert: Expert,
    by: User | None,
    kind: str,
    dated: date,
    valid_until: date | None = None,
    note: str = "",
) -> ExpertDocument:
    if valid_until is not None and valid_until < dated:
        raise ExpertError(_("A document cannot expire before its date."))
    document = ExpertDocument.objects.create(
        expert=expert, kind=kind, dated=dated, valid_until=valid_until, note=note, recorded_by=by
    )
    audit_record(
        obj=expert,
        actor=by,
        action="document recorded",
        changes={document.get_kind_display(): ["", f"{dated:%d.%m.%Y}"]},
    )
    return document


def expert_is_bookable(expert: Expert) -> bool:
    return Expert.objects.bookable().filter(pk=expert.pk).exists()
