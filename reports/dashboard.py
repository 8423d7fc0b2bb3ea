"""The numbers of the coordinator's dashboard, the uptake table and the funder report.

Every figure is one aggregate query (``annotate``/``aggregate``, ``TruncMonth``), so a page costs
the same number of queries whatever the amount of data. The rules, in one place:

- A *gig* counts when it is live (planned, reported, approved or paid) and starts in the period.
- Its *hours* are the hours the expert reported, or, before the report, its scheduled length.
- The *organisation* and *area* filters narrow the bookings; the *municipality* filter narrows
  the experts (the expert's home municipality).
- *Fees paid* are the fees of gigs paid in the period; *invoiced* is the net total (without VAT)
  of the invoices issued in the period, credit notes subtracted.
- A funding source's *use* follows ``bookings.money``: the fees of the live and late-cancelled
  gigs of the bookings charged to it.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import (
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _

from bookings.models import (
    Assignment,
    Booking,
    Feedback,
    FundingSource,
    Gig,
    ImpactAnswer,
    Organisation,
    Unit,
)
from bookings.money import funding_sources_with_use
from expertbank.amounts import ZERO, cents
from expertbank.at_once import one_value, values_at_once
from experts.models import ExperienceArea, Expert, WorkKind
from invoicing.models import Invoice
from reports.period import Period, Scope

HOUR = Decimal(3600)
TENTH = Decimal("0.1")
DURATION = ExpressionWrapper(F("end") - F("start"), output_field=DurationField())
# The gigs whose fees a funding source pays (bookings.money's rule for funding_used).
CHARGED = Q(status__in=Gig.LIVE) | Q(late_cancelled=True)
HOUR_BUCKETS = ((0, 0), (0, 5), (5, 10), (10, 20), (20, 40), (40, None))


def month_label(year: int, month: int) -> str:
    return f"{month}/{year}"


def _month_key(value) -> tuple[int, int]:
    return (value.year, value.month)


def _hours(value) -> Decimal:
    if value is None:
        return ZERO
    if isinstance(value, timedelta):
        return (Decimal(value.total_seconds()) / HOUR).quantize(TENTH)
    return Decimal(value).quantize(TENTH)


@dataclass
class Tally:
    gigs: int = 0
    hours: Decimal = field(default_factory=lambda: Decimal(0))


def gigs_in(scope: Scope) -> QuerySet[Gig]:
    """The live gigs starting in the scope's period, narrowed by its filters."""
    return Gig.objects.filter(
        scope.period.moments("start"),
        scope.bookings_q("booking__"),
        scope.experts_q("expert__"),
        status__in=Gig.LIVE,
    )


# Reported gigs count their reported hours, the others their scheduled length: both sums in
# one query (issue 19: each tally was two queries, the dashboard had ten of them).
REPORTED_HOURS = Sum("report__hours", filter=Q(report__isnull=False))
SCHEDULED_HOURS = Sum(DURATION, filter=Q(report__isnull=True))


def _both(reported, scheduled) -> Decimal:
    """Reported hours plus scheduled hours, each rounded as before (to a tenth)."""
    return sum((_hours(v) for v in (reported, scheduled) if v is not None), Decimal(0))


def tally_by(gigs: QuerySet[Gig], key: Any) -> dict[Hashable, Tally]:
    """Gigs and hours per value of ``key`` (a field path or an expression), in one query:
    reported hours for the reported gigs, the scheduled length for the others."""
    tallies: dict[Hashable, Tally] = defaultdict(Tally)
    grouped = gigs.annotate(key=F(key) if isinstance(key, str) else key).values("key").order_by()
    for row in grouped.annotate(n=Count("pk"), rh=REPORTED_HOURS, sh=SCHEDULED_HOURS):
        tally = tallies[row["key"]]
        tally.gigs += row["n"]
        tally.hours += _both(row["rh"], row["sh"])
    return tallies


def totals(gigs: QuerySet[Gig]) -> Tally:
    """Gigs and hours of all ``gigs`` together (one query)."""
    row = gigs.aggregate(n=Count("pk"), rh=REPORTED_HOURS, sh=SCHEDULED_HOURS)
    return Tally(gigs=row["n"], hours=_both(row["rh"], row["sh"]))


def by_month(scope: Scope) -> list[tuple[str, Tally]]:
    """Gigs and hours in each month of the period (months without gigs included)."""
    tallies = {
        _month_key(k): v for k, v in tally_by(gigs_in(scope), TruncMonth("start")).items() if k
    }
    return [(month_label(*m), tallies.get(m, Tally())) for m in scope.period.months()]


def _named(tallies: dict[Hashable, Tally], names: dict[Any, Any]) -> list[tuple[str, Tally]]:
    rows = [(str(names.get(key, key)) if key else _("not given"), t) for key, t in tallies.items()]
    return sorted(rows, key=lambda row: (-row[1].hours, row[0]))


NAMES = ("name_fi", "name_sv", "name_en")


def tally_named(gigs: QuerySet[Gig], key: str, model, fields: tuple[str, ...]):
    """``tally_by`` a foreign key, each row named in the same query: the row's ``fields`` are
    read with the tally and ``str()`` of an unsaved ``model`` names it (its own rule, e.g. the
    name in the user's language), instead of a second query for the names (issue 19)."""
    tallies: dict[Hashable, Tally] = defaultdict(Tally)
    names: dict[Any, Any] = {}
    labels = {f"label_{name}": F(f"{key}__{name}") for name in fields}
    grouped = gigs.annotate(key=F(key), **labels).values("key", *labels).order_by()
    for row in grouped.annotate(n=Count("pk"), rh=REPORTED_HOURS, sh=SCHEDULED_HOURS):
        tally = tallies[row["key"]]
        tally.gigs += row["n"]
        tally.hours += _both(row["rh"], row["sh"])
        if row["key"]:
            names[row["key"]] = model(pk=row["key"], **{f: row[f"label_{f}"] for f in fields})
    return _named(tallies, names)


def by_work_kind(scope: Scope) -> list[tuple[str, Tally]]:
    return tally_named(gigs_in(scope), "booking__work_kind", WorkKind, NAMES)


def by_area(scope: Scope) -> list[tuple[str, Tally]]:
    """A gig on a booking with several experience areas counts once in each."""
    return tally_named(gigs_in(scope), "booking__areas", ExperienceArea, NAMES)


def by_organisation(scope: Scope) -> list[tuple[str, Tally]]:
    return tally_named(gigs_in(scope), "booking__unit__organisation", Organisation, ("name",))


def by_municipality(scope: Scope) -> list[tuple[str, Tally]]:
    """By the expert's home municipality."""
    tallies = tally_by(gigs_in(scope), "expert__municipality")
    return _named(tallies, {})


# --- How evenly the work is spread -------------------------------------------------------------


@dataclass
class Spread:
    pool: int  # certified, active experts (in the municipality, when filtered)
    worked: int  # of them, those with at least one gig in the period
    buckets: list[tuple[str, int]]  # experts by hours in the period
    busiest_fifth_share: int | None  # % of the pool's hours done by its busiest fifth

    @property
    def share(self) -> int | None:
        return round(100 * self.worked / self.pool) if self.pool else None


def certified_pool(scope: Scope) -> QuerySet[Expert]:
    return Expert.objects.filter(
        scope.experts_q(),
        status=Expert.Status.ACTIVE,
        certified_on__lte=scope.period.end,
        erased_at__isnull=True,
    )


def _bucket_label(low: int, high: int | None) -> str:
    if high == 0:
        return _("no gigs")
    if high is None:
        return _("over %(low)s h") % {"low": low}
    return _("%(low)s–%(high)s h") % {"low": low, "high": high}


def spread(scope: Scope) -> Spread:
    pool = set(certified_pool(scope).values_list("pk", flat=True))
    hours = {k: t.hours for k, t in tally_by(gigs_in(scope), "expert").items() if k in pool}
    counts = dict.fromkeys(HOUR_BUCKETS, 0)
    for expert_id in pool:
        if expert_id not in hours:
            counts[HOUR_BUCKETS[0]] += 1
            continue
        h = hours[expert_id]
        bucket = next(b for b in HOUR_BUCKETS[1:] if b[1] is None or h <= b[1])
        counts[bucket] += 1
    ordered = sorted(hours.values(), reverse=True)
    total = sum(ordered, Decimal(0))
    top = ordered[: max(1, len(pool) // 5)] if pool else []
    return Spread(
        pool=len(pool),
        worked=len(hours),
        buckets=[(_bucket_label(low, high), n) for (low, high), n in counts.items()],
        busiest_fifth_share=round(100 * sum(top, Decimal(0)) / total) if total else None,
    )


# --- Offers, confirmation time, feedback --------------------------------------------------------

OFFER_SERIES = (
    Assignment.Status.ACCEPTED,
    Assignment.Status.DECLINED,
    Assignment.Status.EXPIRED,
    Assignment.Status.OFFERED,
)


@dataclass
class Offers:
    months: list[str]
    series: list[tuple[str, list[int]]]
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def answered(self) -> int:
        return self.counts.get(Assignment.Status.ACCEPTED, 0) + self.counts.get(
            Assignment.Status.DECLINED, 0
        )

    @property
    def declined(self) -> int:
        return self.counts.get(Assignment.Status.DECLINED, 0)


def offers(scope: Scope) -> Offers:
    """Offers made in the period by month and by how they were answered."""
    rows = (
        Assignment.objects.filter(
            scope.period.moments("offered_at"),
            scope.bookings_q("booking__"),
            scope.experts_q("expert__"),
        )
        .annotate(month=TruncMonth("offered_at"))
        .values("month", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    grid: dict[tuple[tuple[int, int], str], int] = defaultdict(int)
    counts: dict[str, int] = defaultdict(int)
    for row in rows:
        grid[(_month_key(row["month"]), row["status"])] += row["n"]
        counts[row["status"]] += row["n"]
    months = scope.period.months()
    series = [
        (str(status.label).capitalize(), [grid[(m, status)] for m in months])
        for status in OFFER_SERIES
    ]
    return Offers([month_label(*m) for m in months], series, dict(counts))


def confirmation_days(scope: Scope) -> tuple[Decimal | None, int]:
    """The median days from a request (made in the period) to its confirmation, and how many
    requests it is the median of. One query; the median is taken of the fetched durations."""
    rows = (
        Booking.objects.filter(scope.period.moments("created_at"), scope.bookings_q())
        .annotate(
            confirmed=Min("changes__at", filter=Q(changes__to_status=Booking.Status.CONFIRMED))
        )
        .filter(confirmed__isnull=False)
        .values_list("created_at", "confirmed")
    )
    days = [(confirmed - created).total_seconds() / 86400 for created, confirmed in rows]
    if not days:
        return None, 0
    return Decimal(str(statistics.median(days))).quantize(TENTH), len(days)


@dataclass
class FeedbackSummary:
    counts: dict[int, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def average(self) -> Decimal | None:
        if not self.total:
            return None
        score = sum(rating * n for rating, n in self.counts.items())
        return (Decimal(score) / self.total).quantize(TENTH)


def feedback(scope: Scope) -> FeedbackSummary:
    rows = (
        Feedback.objects.filter(scope.period.moments("created_at"), scope.bookings_q("booking__"))
        .values("rating")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts = dict.fromkeys(range(1, 6), 0)
    for row in rows:
        counts[row["rating"]] = row["n"]
    return FeedbackSummary(counts)


def impact_answers(scope: Scope) -> QuerySet[ImpactAnswer]:
    """The units' answers to "what changed because of it?" given in the period."""
    return ImpactAnswer.objects.filter(
        scope.period.moments("answered_at"), scope.bookings_q("booking__")
    )


def impact_changes(scope: Scope) -> list[tuple[str, int]]:
    """How many answers chose each short answer (and how many chose none)."""
    rows = dict(impact_answers(scope).values_list("change").annotate(n=Count("pk")).order_by())
    named = [(str(label), rows.get(value, 0)) for value, label in ImpactAnswer.Change.choices]
    if rows.get(""):
        named.append((_("no short answer"), rows[""]))
    return named


# --- Money ---------------------------------------------------------------------------------------


def fees_paid_by_month(scope: Scope) -> list[tuple[str, Decimal]]:
    rows = (
        Gig.objects.filter(
            scope.period.dates("paid_on"),
            scope.bookings_q("booking__"),
            scope.experts_q("expert__"),
        )
        .annotate(month=TruncMonth("paid_on"))
        .values("month")
        .annotate(total=Sum("fee_amount"))
        .order_by()
    )
    sums = {_month_key(r["month"]): cents(r["total"] or 0) for r in rows}
    return [(month_label(*m), sums.get(m, ZERO)) for m in scope.period.months()]


def invoiced_by_month(scope: Scope) -> list[tuple[str, Decimal]]:
    """Net totals of the invoices issued in the period (credit notes are negative)."""
    invoices = Invoice.objects.exclude(status=Invoice.Status.DRAFT).filter(
        scope.period.dates("issue_date")
    )
    if scope.organisation is not None:
        invoices = invoices.filter(unit__organisation=scope.organisation)
    rows = (
        invoices.annotate(month=TruncMonth("issue_date"))
        .values("month")
        .annotate(total=Sum("net_total"))
        .order_by()
    )
    sums = {_month_key(r["month"]): cents(r["total"] or 0) for r in rows}
    return [(month_label(*m), sums.get(m, ZERO)) for m in scope.period.months()]


@dataclass
class FundingRow:
    source: FundingSource
    in_period: Decimal
    used: Decimal
    remaining: Decimal

    @property
    def share_used(self) -> int | None:
        budget = self.source.budget
        return round(100 * self.used / budget) if budget else None


def funding(scope: Scope) -> list[FundingRow]:
    """Per funding source: its budget, its use in the period and in all, what remains (one
    query: the use in the period is a subquery of each source)."""
    charged = Gig.objects.filter(
        CHARGED,
        scope.period.moments("start"),
        scope.bookings_q("booking__"),
        scope.experts_q("expert__"),
        booking__funding_source=OuterRef("pk"),
    )
    sources = funding_sources_with_use().annotate(
        in_period=Subquery(one_value(charged, Sum("fee_amount"))), charged=Exists(charged)
    )
    return [
        FundingRow(source, cents(source.in_period or 0), cents(source.used), source.remaining)
        for source in sources.order_by("name")
        if source.active or source.charged
    ]


# --- This month at a glance ----------------------------------------------------------------------


@dataclass
class Glance:
    period: Period
    gigs: int
    hours: Decimal
    experts: int
    waiting: int  # requests not yet staffed
    offers_open: int
    fees_paid: Decimal
    invoiced: Decimal


def _money(value) -> Decimal:
    """A sum read raw (``values_at_once``): SQLite gives a float, PostgreSQL a Decimal."""
    return cents(Decimal(str(value if value is not None else 0)))


def _raw_hours(value) -> Decimal:
    """A sum of durations read raw: PostgreSQL gives an interval, SQLite microseconds."""
    if value is None or isinstance(value, timedelta):
        return _hours(value)
    return _hours(timedelta(microseconds=int(value)))


def glance(today: date) -> Glance:
    """This month's figures, in one query."""
    period = Period.month_of(today)
    gigs = gigs_in(Scope(period))
    gig_count, reported, scheduled, experts, waiting, offers_open, fees, invoiced = values_at_once(
        [
            one_value(gigs, Count("pk")),
            one_value(gigs, REPORTED_HOURS),
            one_value(gigs, SCHEDULED_HOURS),
            one_value(gigs, Count("expert", distinct=True)),
            one_value(
                Booking.objects.filter(
                    status__in=(Booking.Status.REQUESTED, Booking.Status.STAFFING)
                ),
                Count("pk"),
            ),
            one_value(Assignment.objects.filter(status=Assignment.Status.OFFERED), Count("pk")),
            one_value(Gig.objects.filter(period.dates("paid_on")), Sum("fee_amount")),
            one_value(
                Invoice.objects.exclude(status=Invoice.Status.DRAFT).filter(
                    period.dates("issue_date")
                ),
                Sum("net_total"),
            ),
        ]
    )
    scheduled = None if scheduled is None else _raw_hours(scheduled)
    tally = Tally(gigs=gig_count or 0, hours=_both(reported, scheduled))
    return Glance(
        period=period,
        gigs=tally.gigs,
        hours=tally.hours,
        experts=experts or 0,
        waiting=waiting or 0,
        offers_open=offers_open or 0,
        fees_paid=_money(fees),
        invoiced=_money(invoiced),
    )


# --- Uptake by organisation ---------------------------------------------------------------------


@dataclass
class UptakeRow:
    name: str
    gigs: int
    previous: int

    @property
    def used(self) -> bool:
        return self.gigs > 0

    @property
    def trend(self) -> int:
        return self.gigs - self.previous


@dataclass
class Uptake:
    of_units: bool  # the rows are the units of one organisation (else organisations)
    rows: list[UptakeRow]

    @property
    def used(self) -> int:
        return sum(1 for row in self.rows if row.used)

    @property
    def used_before(self) -> int:
        return sum(1 for row in self.rows if row.previous)


def uptake(scope: Scope) -> Uptake:
    """Which organisations (or, for one organisation, which of its units) used experts in the
    period, with their gigs in the period before for the trend. Two queries."""
    of_units = scope.organisation is not None
    field_name = "booking__unit" if of_units else "booking__unit__organisation"
    if of_units:
        members: Iterable = Unit.objects.filter(organisation=scope.organisation, active=True)
    else:
        members = Organisation.objects.filter(active=True)
    unfiltered = Scope(scope.period, None, scope.area, scope.municipality)

    # Both periods' gigs in one grouped query (issue 19).
    this, previous = scope.period.moments("start"), scope.period.previous().moments("start")
    gigs = Gig.objects.filter(
        this | previous,
        unfiltered.bookings_q("booking__"),
        unfiltered.experts_q("expert__"),
        status__in=Gig.LIVE,
    )
    if of_units:
        gigs = gigs.filter(booking__unit__organisation=scope.organisation)
    now, before = {}, {}
    for key, n_now, n_before in (
        gigs.values_list(field_name)
        .annotate(now=Count("pk", filter=this), before=Count("pk", filter=previous))
        .order_by()
    ):
        now[key], before[key] = n_now, n_before
    rows = [UptakeRow(m.name, now.get(m.pk, 0), before.get(m.pk, 0)) for m in members]
    rows.sort(key=lambda row: (-row.gigs, row.name))
    return Uptake(of_units, rows)
