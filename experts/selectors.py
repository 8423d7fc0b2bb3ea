"""Reads of the expert pool that take more than one line: lists, profiles, the work queue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Exists, F, OuterRef, Prefetch, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from expertbank.models import AuditEntry, User
from expertbank.services.audit import audit_history
from experts.models import (
    AreaDisclosure,
    BookerKind,
    ConsentRecord,
    ExperienceArea,
    Expert,
    ExpertDocument,
    PrivacyNotice,
    SupportProfile,
    TaxCard,
)
from experts.services.pool import USER_FIELDS


def expert_list(*, today: date | None = None) -> QuerySet[Expert]:
    """The coordinators' list: one query for the page, one for each many-to-many, whatever
    the number of experts. Adds ``has_consent`` and ``criminal_record_until``."""
    today = today or timezone.localdate()
    notice = PrivacyNotice.current()
    consent = ConsentRecord.objects.filter(
        expert=OuterRef("pk"), notice=notice, withdrawn_at__isnull=True
    )
    record = (
        ExpertDocument.objects.filter(
            expert=OuterRef("pk"), kind=ExpertDocument.Kind.CRIMINAL_RECORD, dated__lte=today
        )
        .order_by(F("valid_until").desc(nulls_first=True))
        .values("valid_until")[:1]
    )
    record_valid = ExpertDocument.objects.valid_on(today).filter(
        expert=OuterRef("pk"), kind=ExpertDocument.Kind.CRIMINAL_RECORD
    )
    return (
        Expert.objects.select_related("user")
        .prefetch_related("areas", "languages")
        .annotate(
            has_consent=Exists(consent) if notice else Exists(consent.none()),
            criminal_record_until=Subquery(record),
            criminal_record_valid=Exists(record_valid),
        )
    )


def municipality_choices() -> list[tuple[str, str]]:
    names = (
        Expert.objects.exclude(municipality="")
        .order_by("municipality")
        .values_list("municipality", flat=True)
        .distinct()
    )
    return [(name, name) for name in names]


def expert_for_coordinator(*, pk: int) -> Expert:
    """One expert with everything the profile page shows, in a fixed number of queries."""
    return (
        Expert.objects.select_related("user")
        .prefetch_related(
            "areas",
            "languages",
            "work_kinds",
            "slots",
            "blackouts",
            Prefetch("documents", queryset=ExpertDocument.objects.select_related("recorded_by")),
            Prefetch(
                "consents",
                queryset=ConsentRecord.objects.select_related("notice", "recorded_by"),
            ),
            Prefetch("tax_cards", queryset=TaxCard.objects.order_by("-valid_from")),
            Prefetch("disclosures", queryset=AreaDisclosure.objects.select_related("area")),
        )
        .get(pk=pk)
    )


def expert_for_portal(*, user) -> Expert:
    """The logged-in user's expert: the one their roles read already in this request
    (``user.expert``, with ``expert.user`` the same object), so no query of its own."""
    return user.expert


def documents_expiring(*, today: date | None = None) -> QuerySet[ExpertDocument]:
    """Active experts' newest documents that have expired or expire within the warning time."""
    today = today or timezone.localdate()
    return (
        ExpertDocument.objects.expiring(today)
        .filter(expert__status=Expert.Status.ACTIVE)
        .select_related("expert__user")
        .order_by("valid_until", "pk")
    )


@dataclass(frozen=True)
class DisclosureCell:
    booker_kind: str
    label: str
    checked: bool


@dataclass(frozen=True)
class DisclosureRow:
    area: ExperienceArea
    cells: list[DisclosureCell]


def disclosure_grid(expert: Expert) -> list[DisclosureRow]:
    """The expert's own areas × kinds of booker, ticked where the area may be shown."""
    shown = {(item.area_id, item.booker_kind) for item in expert.disclosures.all()}
    return [
        DisclosureRow(
            area=area,
            cells=[
                DisclosureCell(kind.value, kind.label, (area.pk, kind.value) in shown)
                for kind in BookerKind
            ],
        )
        for area in expert.areas.all()
    ]


# --- The change history, in words -------------------------------------------------------------

ACTION_LABELS = {
    "created": _("added to the pool"),
    "updated": _("profile changed"),
    "invited": _("invitation sent"),
    "consent given": _("consent given"),
    "consent withdrawn": _("consent withdrawn"),
    "disclosure changed": _("disclosure changed"),
    "document recorded": _("document recorded"),
    "document deleted": _("document deleted"),
    "tax card recorded": _("tax card recorded"),
    "tax card ended": _("tax card ended"),
    "tax card deleted": _("tax card deleted"),
    "data exported": _("all data downloaded (export)"),
}
EXTRA_FIELD_LABELS = {
    "consent": _("consent"),
    "on_paper": _("given on paper"),
    "disclosure": _("areas shown"),
    "tax_card": _("tax card"),
    **{kind.value: kind.label for kind in ExpertDocument.Kind},
}


@dataclass(frozen=True)
class HistoryChange:
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class HistoryEntry:
    at: object
    actor: str
    action: str
    changes: list[HistoryChange]


def _field_label(name: str) -> str:
    if name in EXTRA_FIELD_LABELS:
        return str(EXTRA_FIELD_LABELS[name])
    model = User if name in USER_FIELDS else Expert
    try:
        return str(model._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name


def expert_history(expert: Expert, *, limit: int = 200) -> list[HistoryEntry]:
    """The audit log of one expert in words; sensitive values were masked when recorded."""
    entries: list[AuditEntry] = list(audit_history(expert)[:limit])
    return [
        HistoryEntry(
            at=entry.at,
            actor=entry.actor.get_full_name() if entry.actor else str(_("the system")),
            action=str(ACTION_LABELS.get(entry.action, entry.action)),
            changes=[
                HistoryChange(_field_label(name), *[*values, "", ""][:2])
                for name, values in (entry.changes or {}).items()
            ],
        )
        for entry in entries
    ]


def support_profile_of(expert: Expert) -> SupportProfile:
    """The expert's access and support profile, or an unsaved empty one (nothing needed,
    nothing shared)."""
    try:
        return expert.support
    except SupportProfile.DoesNotExist:
        return SupportProfile(expert=expert)
