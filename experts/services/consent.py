"""Consent to the privacy notice and what each expert discloses to bookers.

Without consent to the current privacy notice an expert cannot be booked; consent is versioned,
dated and withdrawable, and every change is in the audit log.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.apps import apps
from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db import transaction
from django.db.models import Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from expertbank.models import Message, User
from expertbank.services.audit import audit_record
from expertbank.services.notifications import message_send
from experts.models import AreaDisclosure, BookerKind, ConsentRecord, Expert, PrivacyNotice
from experts.services.pool import ExpertError, expert_create_impl, expert_update_impl


def current_consent(expert: Expert) -> ConsentRecord | None:
    """The expert's consent to the current privacy notice (``PrivacyNotice.current``), with its
    notice: one query, the notice found by a subquery (the start page asks on every visit)."""
    current = PrivacyNotice.objects.filter(published_on__lte=timezone.localdate())
    return (
        expert.consents.filter(notice=Subquery(current.values("pk")[:1]), withdrawn_at__isnull=True)
        .select_related("notice")
        .first()
    )


def consent_give_impl(*, expert: Expert, by: User | None, on_paper: bool = False) -> ConsentRecord:
    """``consent_give`` inside the caller's transaction (demo data)."""
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


def consent_from_application_impl(
    *, expert: Expert, notice: PrivacyNotice, given_at, by: User | None
) -> ConsentRecord | None:
    """The consent a person gave on the public application form, recorded for the expert they
    became (inside the caller's transaction): the same notice version and the time it was given,
    so that nobody is asked again for a consent they already gave. A later notice version still
    needs its own consent, and a consent withdrawn after the application stays withdrawn."""
    Expert.objects.select_for_update().filter(pk=expert.pk).first()
    existing = expert.consents.filter(notice=notice, withdrawn_at__isnull=True).first()
    if existing is not None:
        return existing
    if expert.consents.filter(notice=notice, withdrawn_at__gte=given_at).exists():
        return None
    record = ConsentRecord.objects.create(
        expert=expert, notice=notice, given_at=given_at, recorded_by=None
    )
    audit_record(
        obj=expert,
        actor=by,
        action="consent given",
        changes={"consent": ["", notice.version], "given_in": ["", "application"]},
    )
    return record


def applicant_expert_impl(
    *,
    email: str,
    full_name: str,
    language: str,
    phone: str,
    notice: PrivacyNotice,
    consented_at,
    by: User | None,
    **values,
) -> tuple[Expert, bool]:
    """The expert a chosen applicant (a training cohort's, a customer panel's) is, inside the
    caller's transaction, and whether they are new: a new person becomes an expert with
    ``values`` and is invited to set a password; a person already in the pool is taken as they
    are; an account without an expert profile is refused (a coordinator adds them to the pool
    first). Either way the consent given on the form carries over."""
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        expert = expert_create_impl(
            email=email,
            full_name=full_name,
            by=by,
            language=language,
            phone=phone,
            invite=True,
            **values,
        )
    else:
        expert = Expert.objects.filter(user=user).select_related("user").first()
        if expert is None:
            raise ExpertError(
                _(
                    "%(email)s already has an account in the bank, but no expert profile. Add "
                    "them to the expert pool first, then decide the application."
                )
                % {"email": email}
            )
    consent_from_application_impl(expert=expert, notice=notice, given_at=consented_at, by=by)
    return expert, user is None


@transaction.atomic(durable=True)
def applicant_expert(**values) -> tuple[Expert, bool]:
    """``applicant_expert_impl`` as an action of its own (the pool's convention: each ``_impl``
    has its durable twin)."""
    return applicant_expert_impl(**values)


@transaction.atomic(durable=True)
def consent_from_application(
    *, expert: Expert, notice: PrivacyNotice, given_at, by: User | None
) -> ConsentRecord | None:
    """``consent_from_application_impl`` as an action of its own (e.g. for a repair by hand)."""
    return consent_from_application_impl(expert=expert, notice=notice, given_at=given_at, by=by)


@transaction.atomic(durable=True)
def consent_give(*, expert: Expert, by: User | None, on_paper: bool = False) -> ConsentRecord:
    """Record consent to the current privacy notice (the expert's own, or on paper)."""
    return consent_give_impl(expert=expert, by=by, on_paper=on_paper)


@transaction.atomic(durable=True)
def consent_withdraw(*, expert: Expert, by: User | None) -> int:
    """Withdraw every open consent: the expert is no longer bookable.

    In the same transaction every app that holds work for the expert is told, through its
    AppConfig's ``consent_withdrawn(*, expert, by, at)`` (bookings withdraws the open offers and
    flags the confirmed gigs to the coordinators): this app cannot import them.
    """
    # No key update: a booking service that plans a gig for the expert meanwhile holds the
    # booking and takes a key share of this row (the foreign key); a full update lock here, with
    # the bookings locked next, would deadlock with it.
    Expert.objects.select_for_update(no_key=True).filter(pk=expert.pk).first()
    now = timezone.now()
    withdrawn = expert.consents.filter(withdrawn_at__isnull=True).update(withdrawn_at=now)
    if withdrawn:
        audit_record(
            obj=expert, actor=by, action="consent withdrawn", changes={"consent": ["", ""]}
        )
        for config in apps.get_app_configs():
            hook = getattr(config, "consent_withdrawn", None)
            if hook is not None:
                hook(expert=expert, by=by, at=now)
    return withdrawn


def disclosure_set_impl(
    *,
    expert: Expert,
    by: User | None,
    pairs: Iterable[tuple[int, str]],
    shown_as: str | None = None,
) -> None:
    """``disclosure_set`` inside the caller's transaction (demo data)."""
    expert = Expert.objects.select_for_update().get(pk=expert.pk)
    if shown_as is not None and shown_as != expert.shown_as:
        expert = expert_update_impl(expert=expert, by=by, shown_as=shown_as)
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


@transaction.atomic(durable=True)
def disclosure_set(
    *,
    expert: Expert,
    by: User | None,
    pairs: Iterable[tuple[int, str]],
    shown_as: str | None = None,
) -> None:
    """Replace what the expert shows: (experience area id, kind of booker) pairs, and
    optionally whether bookers see the alias or the real name (by alias only with an alias).

    Only the expert's own areas can be disclosed.
    """
    disclosure_set_impl(expert=expert, by=by, pairs=pairs, shown_as=shown_as)


@transaction.atomic(durable=True)
def consent_requests_send() -> int:
    """Ask every expert who can work and log in, but has no consent to the current privacy
    notice, to give it. Once per expert and notice version (the message key says so); the
    e-mails are queued when the transaction commits."""
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
