"""Reads of the work after a gig: reports to fill in and to approve, check-ins asking for a
debrief, and the gigs to remind. (Feedback is in ``selectors.feedback``.)

Check-ins are read only here and only by coordinator pages; nothing an expert or a unit sees
reads them.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from bookings.models import CheckIn, Expense, Gig, GigReport
from expertbank.amounts import ZERO
from experts.models import Expert

# Statuses of a gig that really took place (once its time has ended).
TOOK_PLACE = (Gig.Status.PLANNED, Gig.Status.REPORTED, Gig.Status.APPROVED, Gig.Status.PAID)


def gig_has_ended(gig: Gig, *, now: datetime | None = None) -> bool:
    return gig.end <= (now or timezone.now())


# --- The expert ----------------------------------------------------------------------------------


def expert_gigs_to_report(expert: Expert, *, now: datetime | None = None) -> QuerySet[Gig]:
    """The expert's gigs that have ended and wait for their report (also returned reports)."""
    return (
        Gig.objects.filter(expert=expert, status=Gig.Status.PLANNED, end__lte=now or timezone.now())
        # A panel meeting's report is its attendance, recorded by the organiser.
        .filter(booking__panel__isnull=True)
        .select_related("occurrence", "booking__unit__organisation", "report")
        .order_by("start", "pk")
    )


# --- The coordinator -----------------------------------------------------------------------------


def _with_expenses(gigs: QuerySet[Gig]) -> QuerySet[Gig]:
    expenses = (
        Expense.objects.filter(report__gig=OuterRef("pk"))
        .values("report__gig")
        .annotate(total=Sum("amount"), count=Count("pk"))
    )
    return gigs.annotate(
        expenses_total=Coalesce(Subquery(expenses.values("total")), ZERO),
        expenses_count=Coalesce(Subquery(expenses.values("count")), 0),
    )


def coordinator_gigs() -> QuerySet[Gig]:
    """Gigs with what a report row shows: expert, booking, report and its expenses."""
    return _with_expenses(
        Gig.objects.select_related(
            "expert__user",
            "occurrence",
            "booking__unit__organisation",
            "booking__work_kind",
            "report",
        )
    )


class ReportView:
    """The tabs of the coordinator's report list."""

    WAITING = "waiting"
    RETURNED = "returned"
    MISSING = "missing"
    APPROVED = "approved"
    CANCELLED = "cancelled"


def report_view_q(view: str, *, now: datetime | None = None) -> Q:
    now = now or timezone.now()
    ended_planned = Q(status=Gig.Status.PLANNED, end__lte=now)
    return {
        ReportView.WAITING: Q(status=Gig.Status.REPORTED),
        ReportView.RETURNED: ended_planned & Q(report__status=GigReport.Status.RETURNED),
        ReportView.MISSING: ended_planned & Q(report__isnull=True),
        ReportView.APPROVED: Q(status__in=[Gig.Status.APPROVED, Gig.Status.PAID]),
        ReportView.CANCELLED: Q(
            status=Gig.Status.CANCELLED, late_cancelled=True, billable_amount__isnull=True
        ),
    }[view]


REPORT_ORDER = {
    ReportView.WAITING: ["report__submitted_at", "pk"],
    ReportView.RETURNED: ["-report__reviewed_at", "pk"],
    ReportView.MISSING: ["end", "pk"],
    ReportView.APPROVED: ["-report__reviewed_at", "-start", "-pk"],
    ReportView.CANCELLED: ["start", "pk"],
}


def report_view_counts() -> dict[str, int | None]:
    """How many gigs the tabs of work to do hold (waiting, returned, missing), in one query
    that reads only reported and planned gigs (an index by status); the archive tabs
    (approved, cancelled) hold most gigs ever made and are not counted on every request."""
    now = timezone.now()
    work = (ReportView.WAITING, ReportView.RETURNED, ReportView.MISSING)
    counts: dict[str, int | None] = Gig.objects.filter(
        Q(status=Gig.Status.REPORTED) | Q(status=Gig.Status.PLANNED, end__lte=now)
    ).aggregate(**{view: Count("pk", filter=report_view_q(view, now=now)) for view in work})
    counts.update({ReportView.APPROVED: None, ReportView.CANCELLED: None})
    return counts


def reports_waiting() -> QuerySet[Gig]:
    """Reported gigs waiting for a coordinator, the longest waiting first."""
    return (
        Gig.objects.filter(status=Gig.Status.REPORTED)
        .select_related("expert__user", "booking", "report")
        .order_by("report__submitted_at", "pk")
    )


def coordinator_checkins() -> QuerySet[CheckIn]:
    return CheckIn.objects.select_related(
        "gig__expert__user", "gig__booking__unit__organisation", "handled_by"
    )


def debriefs_waiting() -> QuerySet[CheckIn]:
    """Check-ins asking for a debrief that no coordinator has arranged yet, oldest first."""
    return (
        coordinator_checkins()
        .filter(wants_debrief=True, handled_at__isnull=True)
        .order_by("created_at", "pk")
    )


def report_reminders_due(*, ended_after: datetime, ended_before: datetime) -> QuerySet[Gig]:
    """Planned gigs that ended in the window and have no report yet."""
    return (
        Gig.objects.filter(
            status=Gig.Status.PLANNED,
            end__gte=ended_after,
            end__lt=ended_before,
            report__isnull=True,
            booking__panel__isnull=True,  # panel meetings: the organiser records attendance
        )
        .select_related("expert__user", "booking", "occurrence")
        .order_by("end", "pk")
    )
