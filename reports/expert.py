"""The expert's own numbers: gigs, hours and earnings this year by month against their caps,
and their record of work, trainings and work supervision for the certificate of work.

The earnings and the caps are ``bookings.selectors.earnings``' (one home per rule: a fee counts
on the day it is paid, or will be paid): this module only asks it for every month of the year
and the year at once (one query) and lays the answers out by month. Gigs and hours follow the
dashboard's rule (``reports.dashboard.tally_by``). Work on the record is the gigs that took place
and ended (planned past gigs, reported, approved, paid).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db.models import (
    CharField,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Cast, Concat, ExtractYear, TruncMonth
from django.utils import timezone

from bookings.models import Gig
from bookings.selectors.after import TOOK_PLACE
from bookings.selectors.earnings import Earnings, cap_checks, expert_earnings
from bookings.selectors.earnings import Period as CapPeriod
from expertbank.amounts import ZERO
from experts.models import Expert, WorkKind
from reports.dashboard import Tally, _hours, month_label, tally_by
from training.models import Attendance, Enrollment, Programme

SESSION_LENGTH = ExpressionWrapper(
    F("session__ends_at") - F("session__starts_at"), output_field=DurationField()
)


@dataclass
class ExpertMonth:
    label: str
    gigs: int
    hours: Decimal
    earnings: Earnings
    cap: Decimal | None  # the monthly cap, when the expert has one
    headroom: Decimal | None


@dataclass
class ExpertYear:
    year: int
    months: list[ExpertMonth]
    total: Earnings
    gigs: int
    hours: Decimal
    yearly_cap: Decimal | None
    yearly_headroom: Decimal | None


def _month_periods(year: int) -> list[CapPeriod]:
    return [CapPeriod.month_of(date(year, month, 1)) for month in range(1, 13)]


def expert_year(expert: Expert, *, today: date | None = None) -> ExpertYear:
    """This year's gigs, hours and earnings by month, with the monthly and yearly caps (three
    queries: the gigs' two and the earnings' one)."""
    today = today or timezone.localdate()
    months = _month_periods(today.year)
    year = CapPeriod.year_of(today)
    earnings = expert_earnings(expert, [*months, year], today=today)
    checks = {
        check.period: check
        for check in cap_checks(expert, earnings=dict(zip([*months, year], earnings, strict=True)))
    }
    start = timezone.make_aware(datetime(today.year, 1, 1))
    gigs = Gig.objects.filter(
        expert=expert,
        status__in=Gig.LIVE,
        start__gte=start,
        start__lt=timezone.make_aware(datetime(today.year + 1, 1, 1)),
    )
    tallies = {(k.year, k.month): v for k, v in tally_by(gigs, TruncMonth("start")).items() if k}
    rows = []
    for period, counted in zip(months, earnings, strict=False):
        tally = tallies.get((period.start.year, period.start.month), Tally())
        check = checks.get(period)
        rows.append(
            ExpertMonth(
                label=month_label(period.start.year, period.start.month),
                gigs=tally.gigs,
                hours=tally.hours,
                earnings=counted,
                cap=check.cap if check else None,
                headroom=check.headroom if check else None,
            )
        )
    yearly = checks.get(year)
    return ExpertYear(
        year=today.year,
        months=rows,
        total=earnings[-1],
        gigs=sum(r.gigs for r in rows),
        hours=sum((r.hours for r in rows), ZERO),
        yearly_cap=yearly.cap if yearly else None,
        yearly_headroom=yearly.headroom if yearly else None,
    )


# --- The certificate of work ---------------------------------------------------------------------


@dataclass
class WorkRow:
    year: int
    kind: str
    gigs: int
    hours: Decimal


@dataclass
class SupervisionRow:
    year: int
    sessions: int
    hours: Decimal


def work_done(expert: Expert, *, now=None) -> QuerySet[Gig]:
    """The expert's gigs that took place and have ended."""
    return Gig.objects.filter(expert=expert, status__in=TOOK_PLACE, end__lte=now or timezone.now())


def work_by_year_and_kind(expert: Expert) -> list[WorkRow]:
    """Gigs and hours by year and kind of work, newest year first (two queries and the kinds'
    names)."""
    key = Concat(
        Cast(ExtractYear("start"), CharField()),
        Value(":"),
        Cast("booking__work_kind_id", CharField()),
        output_field=CharField(),
    )
    tallies = tally_by(work_done(expert), key)
    kind_ids = {int(k.split(":")[1]) for k in tallies if k and k.split(":")[1].isdigit()}
    names = WorkKind.objects.in_bulk(kind_ids)
    rows = []
    for k, tally in tallies.items():
        year, _sep, kind_id = (k or "0:").partition(":")
        kind = names.get(int(kind_id)) if kind_id.isdigit() else None
        rows.append(WorkRow(int(year), str(kind) if kind else "–", tally.gigs, tally.hours))
    return sorted(rows, key=lambda r: (-r.year, -r.hours, r.kind))


def trainings_completed(expert: Expert) -> list[Enrollment]:
    """The trainings the expert completed (not work supervision), newest first."""
    return list(
        Enrollment.objects.filter(expert=expert, status=Enrollment.Status.COMPLETED)
        .exclude(cohort__programme__kind=Programme.Kind.SUPERVISION)
        .select_related("cohort__programme")
        .order_by("-completed_on", "-pk")
    )


def supervision_by_year(expert: Expert) -> list[SupervisionRow]:
    """The work supervision sessions the expert attended, counted by year."""
    rows = (
        Attendance.objects.filter(
            enrollment__expert=expert,
            status=Attendance.Status.PRESENT,
            session__cohort__programme__kind=Programme.Kind.SUPERVISION,
        )
        .annotate(year=ExtractYear("session__starts_at"))
        .values("year")
        .annotate(
            n=Count("pk"),
            length=Sum(SESSION_LENGTH),
        )
        .order_by("-year")
    )
    return [SupervisionRow(r["year"], r["n"], _hours(r["length"])) for r in rows]


def certificate_context(expert: Expert, *, with_areas: bool = False) -> dict:
    """What the certificate of work says. No health or lived-experience detail: the experience
    areas only when the expert chooses (``with_areas``)."""
    return {
        "expert_name": expert.name,
        "municipality": expert.municipality,
        "work": work_by_year_and_kind(expert),
        "trainings": trainings_completed(expert),
        "supervision": supervision_by_year(expert),
        "areas": [str(area) for area in expert.areas.all()] if with_areas else [],
        "with_areas": with_areas,
        "today": timezone.localdate(),
    }
