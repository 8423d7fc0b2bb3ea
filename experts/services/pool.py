"""Changes to the expert pool. Each service checks its rule, writes the audit log, and raises
``ExpertError`` with a message for the person when the change cannot be made."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from expertbank.crypto import keyed_hash, mask_iban, mask_identity_code, mask_text
from expertbank.finnish import normalise_iban, normalise_personal_identity_code
from expertbank.models import Message, User
from expertbank.services.audit import audit_record, changes_between, snapshot
from expertbank.services.invitations import InvitationError, invitation_create
from expertbank.services.notifications import message_send
from expertbank.services.users import user_create
from experts.models import (
    AreaDisclosure,
    BookerKind,
    ConsentRecord,
    Expert,
    ExpertDocument,
    PrivacyNotice,
    TaxCard,
)


class ExpertError(Exception):
    """A change to the pool cannot be made; the message says why."""


SENSITIVE_MASKERS = {
    "identity_code": mask_identity_code,
    "iban": mask_iban,
    "notes": mask_text,
}
M2M_FIELDS = {"languages", "areas", "work_kinds"}
# Fields kept on the expert's user account; changed and audited together with the profile.
USER_FIELDS = ["full_name", "phone", "language"]
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
# What an expert may change on their own profile; the rest is the coordinators'.
EXPERT_EDITABLE_FIELDS = {
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
    "max_gigs_per_month",
    "rest_days_after_heavy",
    "phone",
}


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


def _user_snapshot(user: User) -> dict[str, str]:
    return {name: getattr(user, name) for name in USER_FIELDS}


def _apply(expert: Expert, values: dict[str, Any]) -> tuple[dict[str, Iterable], dict[str, Any]]:
    """Set plain fields on ``expert``; return the many-to-many and user-account values."""
    m2m, user_values = {}, {}
    for name, value in values.items():
        if name in M2M_FIELDS:
            m2m[name] = value
            continue
        if name in USER_FIELDS:
            user_values[name] = value or ""
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
    return m2m, user_values


def _save(
    expert: Expert,
    *,
    by: User | None,
    action: str,
    before: dict,
    m2m: dict,
    user_values: dict,
    user_before: dict,
) -> None:
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
    if user_values:
        user = expert.user
        for name, value in user_values.items():
            setattr(user, name, value)
        user.save(update_fields=list(user_values))
    after = snapshot(expert, AUDITED_FIELDS)
    changes = changes_between(before, after, maskers=SENSITIVE_MASKERS)
    changes |= changes_between(user_before, _user_snapshot(expert.user))
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
    email = User.objects.normalize_email(email.strip()).lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ExpertError(_("%(email)s already has an account in the bank.") % {"email": email})
    user = user_create(email=email, full_name=full_name, language=language, phone=phone)
    expert = Expert(user=user)
    before = snapshot(expert, [f for f in AUDITED_FIELDS if f not in M2M_FIELDS]) | {
        name: [] for name in M2M_FIELDS
    }
    user_before = dict.fromkeys(USER_FIELDS, "")
    m2m, _user_values = _apply(expert, values)
    _save(
        expert,
        by=by,
        action="created",
        before=before,
        m2m=m2m,
        user_values={},
        user_before=user_before,
    )
    if invite:
        expert_invite(expert=expert, by=by)
    return expert


@transaction.atomic
def expert_update(*, expert: Expert, by: User | None, **values: Any) -> Expert:
    """Change an expert's profile (and name, phone, language on their account); sensitive
    values are logged masked."""
    expert = Expert.objects.select_for_update().select_related("user").get(pk=expert.pk)
    before = snapshot(expert, AUDITED_FIELDS)
    user_before = _user_snapshot(expert.user)
    m2m, user_values = _apply(expert, values)
    _save(
        expert,
        by=by,
        action="updated",
        before=before,
        m2m=m2m,
        user_values=user_values,
        user_before=user_before,
    )
    return expert


def expert_profile_update(*, expert: Expert, by: User, **values: Any) -> Expert:
    """The expert's own changes: only the fields an expert may edit."""
    refused = set(values) - EXPERT_EDITABLE_FIELDS
    if refused:
        raise ValueError(f"An expert may not change {', '.join(sorted(refused))}.")
    if (
        values.get("shown_as") == Expert.ShownAs.ALIAS
        and not (values.get("public_alias", expert.public_alias) or "").strip()
    ):
        raise ExpertError(_("Write an alias first, or choose to be shown by your real name."))
    return expert_update(expert=expert, by=by, **values)


@transaction.atomic
def expert_invite(*, expert: Expert, by: User | None) -> None:
    """Send (again) the link with which the expert sets a password; older links stop working."""
    user = expert.user
    try:
        invitation_create(
            email=user.email, invited_by=by, full_name=user.full_name, language=user.language
        )
    except InvitationError as exc:
        raise ExpertError(str(exc)) from exc
    audit_record(obj=expert, actor=by, action="invited", changes={})


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
        changes={"consent": ["", notice.version], **({"on_paper": ["", "✓"]} if on_paper else {})},
    )
    return record


@transaction.atomic
def consent_withdraw(*, expert: Expert, by: User | None) -> int:
    """Withdraw every open consent: the expert is no longer bookable."""
    Expert.objects.select_for_update().filter(pk=expert.pk).first()
    withdrawn = expert.consents.filter(withdrawn_at__isnull=True).update(
        withdrawn_at=timezone.now()
    )
    if withdrawn:
        audit_record(
            obj=expert, actor=by, action="consent withdrawn", changes={"consent": ["", ""]}
        )
    return withdrawn


@transaction.atomic
def disclosure_set(
    *,
    expert: Expert,
    by: User | None,
    pairs: Iterable[tuple[int, str]],
    shown_as: str | None = None,
) -> None:
    """Replace what the expert shows: (experience area id, kind of booker) pairs, and
    optionally whether bookers see the alias or the real name.

    Only the expert's own areas can be disclosed.
    """
    expert = Expert.objects.select_for_update().get(pk=expert.pk)
    if shown_as is not None and shown_as != expert.shown_as:
        if shown_as == Expert.ShownAs.ALIAS and not expert.public_alias.strip():
            raise ExpertError(_("Write an alias first, or choose to be shown by your real name."))
        expert_update(expert=expert, by=by, shown_as=shown_as)
    own = set(expert.areas.values_list("pk", flat=True))
    kinds = set(BookerKind.values)
    wanted = {(area_id, kind) for area_id, kind in pairs if area_id in own and kind in kinds}
    had = set(expert.disclosures.values_list("area_id", "booker_kind"))
    if wanted == had:
        return
    expert.disclosures.all().delete()
    AreaDisclosure.objects.bulk_create(
        AreaDisclosure(expert=expert, area_id=area_id, booker_kind=kind)
        for area_id, kind in sorted(wanted)
    )
    audit_record(
        obj=expert,
        actor=by,
        action="disclosure changed",
        changes={"disclosure": [str(len(had)), str(len(wanted))]},
    )


@transaction.atomic
def document_record(
    *,
    expert: Expert,
    by: User | None,
    kind: str,
    dated: date,
    valid_until: date | None = None,
    note: str = "",
) -> ExpertDocument:
    """Record a document seen or signed; it cannot expire before its date."""
    if kind not in ExpertDocument.Kind.values:
        raise ExpertError(_("Choose the kind of document."))
    if valid_until is not None and valid_until < dated:
        raise ExpertError(_("A document cannot expire before its date."))
    if dated > timezone.localdate():
        raise ExpertError(_("The date of a document cannot be in the future."))
    document = ExpertDocument.objects.create(
        expert=expert, kind=kind, dated=dated, valid_until=valid_until, note=note, recorded_by=by
    )
    audit_record(
        obj=expert,
        actor=by,
        action="document recorded",
        changes={document.kind: ["", f"{dated:%d.%m.%Y}"]},
    )
    return document


@transaction.atomic
def tax_card_record(
    *,
    expert: Expert,
    by: User | None,
    valid_from: date,
    valid_until: date,
    base_rate: Decimal | None = None,
    additional_rate: Decimal | None = None,
    income_limit: Decimal | None = None,
    prepayment_register: bool = False,
) -> TaxCard:
    """Record a tax card for fees. A later card (a revised one) wins from its first day on;
    without a base rate the payee must be in the prepayment register."""
    if valid_until < valid_from:
        raise ExpertError(_("A tax card cannot end before it starts."))
    if base_rate is None and not prepayment_register:
        raise ExpertError(
            _("Enter the base withholding rate, or mark the expert as in the prepayment register.")
        )
    if base_rate is not None and income_limit is not None and additional_rate is None:
        raise ExpertError(_("A tax card with an income limit needs the additional rate."))
    card = TaxCard.objects.create(
        expert=expert,
        valid_from=valid_from,
        valid_until=valid_until,
        base_rate=base_rate,
        additional_rate=additional_rate,
        income_limit=income_limit,
        prepayment_register=prepayment_register,
    )
    # The rates are sensitive: the log says only that a card for the period was recorded.
    audit_record(
        obj=expert,
        actor=by,
        action="tax card recorded",
        changes={"tax_card": ["", str(card)]},
    )
    return card


def expert_is_bookable(expert: Expert) -> bool:
    return Expert.objects.bookable().filter(pk=expert.pk).exists()


def consent_requests_send() -> int:
    """Ask every expert who can work and log in, but has no consent to the current privacy
    notice, to give it. Once per expert and notice version (the message key says so)."""
    notice = PrivacyNotice.current()
    if notice is None:
        return 0
    experts = (
        Expert.objects.filter(
            status__in=[Expert.Status.ACTIVE, Expert.Status.IN_TRAINING], user__is_active=True
        )
        .exclude(pk__in=Expert.objects.with_current_consent().values("pk"))
        .exclude(user__password__startswith=UNUSABLE_PASSWORD_PREFIX)
        .select_related("user")
    )
    keys = {expert.pk: f"consent-request:{notice.pk}:{expert.pk}" for expert in experts}
    done = set(Message.objects.filter(key__in=keys.values()).values_list("key", flat=True))
    url = settings.SITE_URL + reverse("experts:privacy")
    sent = 0
    for expert in experts:
        if keys[expert.pk] in done:
            continue
        message_send(
            kind="consent_request",
            key=keys[expert.pk],
            to_user=expert.user,
            context={"notice": notice, "url": url},
        )
        sent += 1
    return sent
