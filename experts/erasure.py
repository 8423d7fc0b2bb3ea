"""Erasure: one expert's personal and health data pseudonymised at once, for good.

Each app registers an ``Eraser`` for its own rows in ``AppConfig.ready`` (this app cannot import
bookings or invoicing, which sit above it); ``erase_expert`` runs them all in one transaction,
furthest app first, then empties the login and replaces the expert's values wherever other text
quotes them. Files are deleted from storage when the transaction commits.

What the books need is kept with the least that identifies it — amounts, dates, numbers and the
pseudonymous expert "#pk" — until the law lets it go (``experts_erased_purge``, a retention rule:
fee vouchers 6 years, the books 10 years after the end of the financial year); then the expert's
remaining rows, the expert and the login are deleted.

Erasing is refused while the expert is owed money or has work ahead (each app says why).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.core.files.storage import Storage
from django.db import models, transaction
from django.db.models import ProtectedError
from django.db.models.fields.files import FieldFile
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from expertbank.models import User
from expertbank.roles import Role, forget_roles, user_roles
from expertbank.services.audit import audit_record
from expertbank.services.erasure import (
    Scrubber,
    audit_pseudonymise,
    scrub_everywhere,
    user_erase,
)
from experts.models import Expert, ExpertImport


class ErasureRefused(Exception):
    """The expert cannot be erased now; the message says why, in words for a coordinator."""


@dataclass
class ErasureContext:
    """What every eraser shares: who is erased, the names that replace theirs, the objects whose
    audit log is pseudonymised, and the files to delete once the transaction commits."""

    expert: Expert
    user: User
    by: User | None
    name: str
    email: str
    scrubber: Scrubber
    audit_targets: list[models.Model] = field(default_factory=list)
    files: list[tuple[Storage, str]] = field(default_factory=list)

    def delete_file(self, file: FieldFile) -> None:
        if file and file.name:
            self.files.append((file.storage, file.name))

    def audited(self, objects) -> None:
        self.audit_targets.extend(objects)


@dataclass(frozen=True)
class Eraser:
    """One app's part. ``order``: lower runs first (the apps furthest from the core first).

    - ``erase(ctx)`` empties or deletes the app's rows of the expert;
    - ``refusals(expert)`` lists reasons not to erase now (translated sentences);
    - ``values(expert)`` adds identifying values to replace in other text (e.g. an application's
      e-mail address);
    - ``kept_until(expert)`` is the last day the app's remaining rows must be kept by law;
    - ``purge(expert, today, dry_run)`` removes what has passed its own period before that;
    - ``release(expert, dry_run)`` removes the rest once every app's period has passed.
    """

    name: str
    order: int
    erase: Callable[[ErasureContext], None]
    refusals: Callable[[Expert], list[str]] | None = None
    values: Callable[[Expert], list[str]] | None = None
    kept_until: Callable[[Expert], date | None] | None = None
    purge: Callable[..., int] | None = None
    release: Callable[..., int] | None = None


_erasers: dict[str, Eraser] = {}


def register(eraser: Eraser) -> None:
    """Add (or replace, by name) an eraser; apps call this from ``AppConfig.ready``."""
    _erasers[eraser.name] = eraser


def erasers() -> list[Eraser]:
    return sorted(_erasers.values(), key=lambda eraser: (eraser.order, eraser.name))


def erased_name(expert: Expert) -> str:
    """The name that replaces the expert's, in the site's language (it is stored)."""
    with translation.override(settings.LANGUAGE_CODE):
        return _("Erased expert #%(number)s") % {"number": expert.pk}


def erased_email(user: User) -> str:
    # ".invalid" can never receive mail (RFC 2606); the pk keeps it unique.
    return f"erased-{user.pk}@erased.invalid"


def expert_erasure_refusals(expert: Expert) -> list[str]:
    """Why ``expert`` cannot be erased now; empty when it can."""
    if expert.erased_at is not None:
        return [_("This expert is already erased.")]
    reasons = []
    other_roles = user_roles(expert.user) - {Role.EXPERT}
    if other_roles or expert.user.is_superuser:
        reasons.append(
            _(
                "The login is also used as a coordinator, trainer or booking unit member. "
                "Remove those roles first."
            )
        )
    for eraser in erasers():
        if eraser.refusals is not None:
            reasons += eraser.refusals(expert)
    return reasons


def expert_can_erase(expert: Expert) -> bool:
    return not expert_erasure_refusals(expert)


@transaction.atomic(durable=True)
def erase_expert(*, expert: Expert, by: User | None) -> Expert:
    """Pseudonymise the expert's personal and health data everywhere, irreversibly.

    Refused (``ErasureRefused``, nothing changed) while ``expert_erasure_refusals`` lists a
    reason. The audit log records who erased whom and when, never the erased values.
    """
    expert = Expert.objects.select_for_update().select_related("user").get(pk=expert.pk)
    forget_roles(expert.user)
    reasons = expert_erasure_refusals(expert)
    if reasons:
        raise ErasureRefused(" ".join(reasons))
    user = expert.user
    values = [user.full_name, user.email, user.phone, expert.public_alias]
    values += [expert.identity_code, expert.iban, expert.iban.replace(" ", "")]
    values += list(user.emailaddress_set.values_list("email", flat=True))
    for eraser in erasers():
        if eraser.values is not None:
            values += eraser.values(expert)
    name = erased_name(expert)
    ctx = ErasureContext(
        expert=expert,
        user=user,
        by=by,
        name=name,
        email=erased_email(user),
        scrubber=Scrubber(values, name),
    )
    for eraser in erasers():
        eraser.erase(ctx)
    user_erase(user=user, name=ctx.name, email=ctx.email)
    scrub_everywhere(ctx.scrubber)
    audit_pseudonymise([*ctx.audit_targets, expert, user], object_repr=ctx.name)
    audit_record(obj=expert, actor=by, action="erased", changes={})
    files = list(ctx.files)
    transaction.on_commit(lambda: [storage.delete(name) for storage, name in files])
    expert.refresh_from_db()
    return expert


# --- The experts app's own part --------------------------------------------------------------


EXPERT_EMPTIED = {
    "public_alias": "",
    "shown_as": Expert.ShownAs.NAME,
    "municipality": "",
    "region": "",
    "bio": "",
    "travel_radius_km": None,
    "max_gigs_per_month": None,
    "rest_days_after_heavy": 0,
    "identity_code": "",
    "identity_code_hash": None,
    "iban": "",
    "bic": "",
    "earnings_cap_yearly": None,
    "earnings_cap_monthly": None,
    "notes": "",
}


def _experts_erase(ctx: ErasureContext) -> None:
    expert = ctx.expert
    ctx.audited(expert.documents.all())
    ctx.audited(expert.tax_cards.all())
    ctx.audited(expert.consents.all())
    expert.documents.all().delete()
    expert.consents.all().delete()
    expert.disclosures.all().delete()
    expert.slots.all().delete()
    expert.blackouts.all().delete()
    for card in expert.tax_cards.all():
        # A card a fee statement was withheld under stays with the statement (no personal text).
        try:
            with transaction.atomic():
                card.delete()
        except ProtectedError:
            pass
    expert.languages.clear()
    expert.areas.clear()
    expert.work_kinds.clear()
    for name, value in EXPERT_EMPTIED.items():
        setattr(expert, name, value)
    expert.status = Expert.Status.RETIRED
    expert.status_since = timezone.localdate()
    expert.erased_at = timezone.now()
    expert.save()
    # An import still waiting for confirmation may list the expert: it is emptied.
    for upload in ExpertImport.objects.filter(status=ExpertImport.Status.PREVIEWED):
        if ctx.scrubber.matches(upload.content):
            upload.content = ""
            upload.status = ExpertImport.Status.DISCARDED
            upload.finished_at = timezone.now()
            upload.save(update_fields=["content", "status", "finished_at"])


def _experts_release(*, expert: Expert, dry_run: bool) -> int:
    """The last step: the pseudonymous expert and login themselves."""
    if dry_run:
        return 1
    user = expert.user
    expert.tax_cards.all().delete()
    expert.delete()
    user.delete()
    return 1


EXPERTS_ERASER = Eraser(name="experts", order=90, erase=_experts_erase, release=_experts_release)


# --- After the retention periods -------------------------------------------------------------


def expert_kept_until(expert: Expert) -> date | None:
    """The last day any app must keep the erased expert's remaining rows (``None``: none)."""
    days = [
        day
        for eraser in erasers()
        if eraser.kept_until is not None
        for day in [eraser.kept_until(expert)]
        if day is not None
    ]
    return max(days, default=None)


def experts_erased_purge(*, now: datetime, dry_run: bool) -> int:
    """Remove what the books kept of erased experts once its period has passed: first each
    app's own records past their period, then — when nothing is left to keep — the rest, the
    expert and the login. Returns the rows removed (or due, with ``dry_run``)."""
    today = timezone.localdate(now)
    removed = 0
    erased = Expert.objects.filter(erased_at__isnull=False).select_related("user").order_by("pk")
    for expert in erased:
        for eraser in erasers():
            if eraser.purge is not None:
                removed += eraser.purge(expert=expert, today=today, dry_run=dry_run)
        kept_until = expert_kept_until(expert)
        if kept_until is not None and kept_until >= today:
            continue
        for eraser in erasers():
            if eraser.release is not None:
                removed += eraser.release(expert=expert, dry_run=dry_run)
    return removed
