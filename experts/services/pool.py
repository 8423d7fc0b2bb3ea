"""Changes to an expert's profile and account. Each service checks its rule, writes the audit
log, and raises ``ExpertError`` with a message for the person when the change cannot be made.

Top-level actions (what views, tasks and commands call) run in their own durable transaction.
A service that another service, the admin or the demo data calls inside its transaction has an
``_impl`` twin that joins the caller's transaction instead; the action is a thin wrapper of it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from expertbank.crypto import keyed_hash, mask_iban, mask_identity_code, mask_text
from expertbank.finnish import normalise_iban, normalise_personal_identity_code
from expertbank.models import User
from expertbank.services.audit import audit_record, changes_between, snapshot
from expertbank.services.invitations import InvitationError, invitation_create
from expertbank.services.users import user_create
from experts.models import Expert


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
    "role",
    "status",
    "status_since",
    "certified_on",
    "paired_gigs_required",
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


def expert_values_check(expert: Expert, values: dict[str, Any]) -> None:
    """The rules of a profile change, whoever makes it: an expert shown to bookers by alias has
    an alias, and a monthly gig limit is at least one (no limit is empty, not zero)."""
    if {"shown_as", "public_alias"} & values.keys():
        shown_as = values.get("shown_as", expert.shown_as)
        alias = values.get("public_alias", expert.public_alias) or ""
        if shown_as == Expert.ShownAs.ALIAS and not alias.strip():
            raise ExpertError(_("Write an alias first, or choose to be shown by your real name."))
    limit = values.get("max_gigs_per_month")
    if limit is not None and limit < 1:
        raise ExpertError(_("At least one gig a month, or leave the field empty for no limit."))


def expert_create_impl(
    *,
    email: str,
    full_name: str,
    by: User | None,
    language: str = "fi",
    phone: str = "",
    invite: bool = True,
    **values: Any,
) -> Expert:
    """``expert_create`` inside the caller's transaction (applications, imports, demo data)."""
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
        expert_invite_impl(expert=expert, by=by)
    return expert


@transaction.atomic(durable=True)
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
    return expert_create_impl(
        email=email,
        full_name=full_name,
        by=by,
        language=language,
        phone=phone,
        invite=invite,
        **values,
    )


def expert_update_impl(*, expert: Expert, by: User | None, **values: Any) -> Expert:
    """``expert_update`` inside the caller's transaction (training, the admin, demo data)."""
    expert = Expert.objects.select_for_update().select_related("user").get(pk=expert.pk)
    expert_values_check(expert, values)
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


@transaction.atomic(durable=True)
def expert_update(*, expert: Expert, by: User | None, **values: Any) -> Expert:
    """Change an expert's profile (and name, phone, language on their account); sensitive
    values are logged masked."""
    return expert_update_impl(expert=expert, by=by, **values)


@transaction.atomic(durable=True)
def expert_profile_update(*, expert: Expert, by: User, **values: Any) -> Expert:
    """The expert's own changes: only the fields an expert may edit."""
    refused = set(values) - EXPERT_EDITABLE_FIELDS
    if refused:
        raise ValueError(f"An expert may not change {', '.join(sorted(refused))}.")
    return expert_update_impl(expert=expert, by=by, **values)


def expert_invite_impl(*, expert: Expert, by: User | None) -> None:
    """``expert_invite`` inside the caller's transaction (a new expert is invited at once)."""
    if expert.erased_at is not None:
        raise ExpertError(_("An erased expert cannot be invited."))
    user = expert.user
    try:
        invitation_create(
            email=user.email, invited_by=by, full_name=user.full_name, language=user.language
        )
    except InvitationError as exc:
        raise ExpertError(str(exc)) from exc
    audit_record(obj=expert, actor=by, action="invited", changes={})


@transaction.atomic(durable=True)
def expert_invite(*, expert: Expert, by: User | None) -> None:
    """Send (again) the link with which the expert sets a password; older links stop working.
    The e-mail is queued when the transaction commits."""
    expert_invite_impl(expert=expert, by=by)


def expert_is_bookable(expert: Expert) -> bool:
    return Expert.objects.bookable().filter(pk=expert.pk).exists()
