"""Reads of the standing customer panels: who sees which panel, the list with its counts, the
mix at a glance, the meetings with their attendance, and a member's own panels."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, Min, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from bookings.models import (
    Gig,
    Membership,
    Panel,
    PanelApplication,
    PanelAttendance,
    PanelChange,
    PanelMeeting,
    PanelMember,
)
from bookings.services.panels import criteria_of
from expertbank.models import User


def panels_for_member(user: User) -> QuerySet[Panel]:
    """The panels of every unit of the organisations the user is a member in (as bookings)."""
    organisations = Membership.objects.filter(user=user).values("unit__organisation_id")
    return Panel.objects.filter(unit__organisation_id__in=Subquery(organisations))


def panels_of_expert(user: User, *, current: bool = False) -> QuerySet[Panel]:
    """The panels the user is (``current``: still) or was a member of."""
    seat = Q(members__expert__user=user)
    if current:
        seat &= Q(members__left_on__isnull=True)
    return Panel.objects.filter(pk__in=Panel.objects.filter(seat).values("pk"))


def panel_list(panels: QuerySet[Panel]) -> QuerySet[Panel]:
    """Panels with their current members, waiting applications and next meeting: one query."""
    now = timezone.now()
    return (
        panels.select_related("unit__organisation", "booking__terms")
        .annotate(
            member_count=Count("members", filter=Q(members__left_on__isnull=True), distinct=True),
            waiting_count=Count(
                "applications",
                filter=Q(applications__status=PanelApplication.Status.NEW),
                distinct=True,
            ),
            next_meeting=Min(
                "meetings__occurrence__start", filter=Q(meetings__occurrence__start__gte=now)
            ),
        )
        .order_by("-term_end", "pk")
    )


@dataclass
class MixRow:
    option: str
    members: int
    applicants: int


@dataclass
class MixCriterion:
    label: str
    rows: list[MixRow]


def panel_mix(panel: Panel, members: list[PanelMember], waiting: list[PanelApplication]):
    """Per criterion option: how many current members and waiting applicants chose it."""
    result = []
    for criterion in criteria_of(panel):
        chosen = Counter(m.answers.get(criterion.label) for m in members if m.is_current)
        applied = Counter(a.answers.get(criterion.label) for a in waiting)
        rows = [MixRow(o, chosen[o], applied[o]) for o in criterion.options]
        result.append(MixCriterion(criterion.label, rows))
    return result


def panel_members(panel: Panel) -> list[PanelMember]:
    return list(
        PanelMember.objects.filter(panel=panel)
        .select_related("expert__user")
        .order_by("left_on", "expert__user__full_name", "pk")
    )


def waiting_applications(panel: Panel) -> list[PanelApplication]:
    return list(panel.applications.filter(status=PanelApplication.Status.NEW).order_by("pk"))


def panel_meetings(panel: Panel) -> QuerySet[PanelMeeting]:
    """The meetings, soonest first, with attendance counts."""
    return (
        PanelMeeting.objects.filter(panel=panel)
        .select_related("occurrence")
        .annotate(
            came=Count("attendance", filter=Q(attendance__attended=True)),
            recorded=Count("attendance"),
        )
        .order_by("occurrence__start", "pk")
    )


def meeting_attendance(meeting: PanelMeeting) -> list[PanelAttendance]:
    return list(
        meeting.attendance.select_related("member__expert__user", "gig").order_by(
            "member__expert__user__full_name", "pk"
        )
    )


def members_at(meeting: PanelMeeting) -> list[PanelMember]:
    """The members with a seat (a planned gig) at the meeting: the attendance list to tick."""
    return list(
        PanelMember.objects.filter(
            panel_id=meeting.panel_id, assignment__gigs__occurrence_id=meeting.occurrence_id
        )
        .select_related("expert__user")
        .distinct()
        .order_by("expert__user__full_name", "pk")
    )


def panel_changes(panel: Panel) -> QuerySet[PanelChange]:
    return panel.changes.select_related("meeting__occurrence").order_by("-day", "-pk")


def member_meetings(panel: Panel, user: User) -> QuerySet[PanelMeeting]:
    """The panel's meetings with the member's own seat (gig) at each, for their page."""
    own = Gig.objects.filter(expert__user=user).select_related("report")
    return (
        PanelMeeting.objects.filter(panel=panel)
        .select_related("occurrence")
        .prefetch_related(Prefetch("occurrence__gigs", queryset=own, to_attr="own_gigs"))
        .order_by("occurrence__start", "pk")
    )
