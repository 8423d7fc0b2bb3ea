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
from functools import cache, lru_cache
from typing import Any

from django.db.models import (
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Sum,
)
from django.utils.translation import gettext as _

from bookings.models import (
    Assignment,
    Booking,
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
from reports.figures import CHARGED as CHARGED  # the unit's figures read it here
from reports.figures import Figures, gigs_in
from reports.figures import impact_answers as impact_answers
from reports.period import Period, Scope

HOUR = Decimal(3600)
TENTH = Decimal("0.1")
DURATION = ExpressionWrapper(F("end") - F("start"), output_field=DurationField())
HOUR_BUCKETS = ((0, 0), (0, 5), (5, 10), (10, 20), (20, 40), (40, None))


def month_label(year: int, month: int) -> str:
    return f"{month}/{year}"


def _month_key(value) -> tuple[int, int]:
    return (value.year, value.month)


@lru_cache(maxsize=4096)
def _hours(value) -> Decimal:
    """Hours to a tenth. Kept (a bounded number of them, as the process lives long): the
    dashboard rounds a few thousand experts' sums a request, most of them equal (whole hours),
    and a Decimal quantized is the spread's largest cost."""
    if value is None:
        return ZERO
    if isinstance(value, timedelta):
        return (Decimal(value.total_seconds()) / HOUR).quantize(TENTH)
    return Decimal(value).quantize(TENTH)


@dataclass
class Tally:
    gigs: int = 0
    hours: Decimal = field(default_factory=lambda: Decimal(0))


# Reported gigs count their reported hours, the others their scheduled length: both sums in
# one query (issue 19: each tally was two queries, the dashboard had ten of them).
REPORTED_HOURS = Sum("report__hours", filter=Q(report__isnull=False))
SCHEDULED_HOURS = Sum(DURATION, filter=Q(report__isnull=True))


def _both(reported, scheduled) -> Decimal:
    """Reported hours plus scheduled hours, each rounded as before (to a tenth)."""
    if scheduled is None:
        return Decimal(0) if reported is None else _hours(reported)
    if reported is None:
        return _hours(scheduled)
    return _hours(reported) + _hours(scheduled)


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


def _tally(rows, key) -> dict[Hashable, Tally]:
    """Add up a part's rows (keys → gigs, reported hours, scheduled length) by ``key(keys)``:
    the sums are added first and rounded once, as one query over the whole period would."""
    raw: dict[Hashable, list] = {}
    for keys, (n, rh, sh) in rows.items():
        total = raw.setdefault(key(keys), [0, None, None])
        total[0] += n
        total[1] = rh if total[1] is None else total[1] if rh is None else total[1] + rh
        total[2] = sh if total[2] is None else total[2] if sh is None else total[2] + sh
    return {k: Tally(gigs=n, hours=_both(rh, sh)) for k, (n, rh, sh) in raw.items()}


def _figures(scope: Scope, figures: Figures | None) -> Figures:
    return figures if figures is not None else Figures(scope)


def by_month(scope: Scope, figures: Figures | None = None) -> list[tuple[str, Tally]]:
    """Gigs and hours in each month of the period (months without gigs included)."""
    rows = _figures(scope, figures).rows("month_kind")
    tallies = {_month_key(k): v for k, v in _tally(rows, lambda keys: keys[0]).items() if k}
    return [(month_label(*m), tallies.get(m, Tally())) for m in scope.period.months()]


def period_total(scope: Scope, figures: Figures | None = None) -> Tally:
    """Gigs and hours of the whole period."""
    rows = _figures(scope, figures).rows("month_kind")
    return _tally(rows, lambda keys: None).get(None, Tally())


def _named(tallies: dict[Hashable, Tally], names: dict[Any, Any]) -> list[tuple[str, Tally]]:
    rows = [(str(names.get(key, key)) if key else _("not given"), t) for key, t in tallies.items()]
    return sorted(rows, key=lambda row: (-row[1].hours, row[0]))


NAMES = ("name_fi", "name_sv", "name_en")


def _tally_named(rows, key_at: int, model, fields: tuple[str, ...]) -> list[tuple[str, Tally]]:
    """Tallies by the foreign key at ``key_at`` of a part's keys, each named by ``str()`` of an
    unsaved ``model`` from the ``fields`` read with it (its own rule, e.g. the name in the
    user's language), at the time of the request, not of the counting."""
    tallies = _tally(rows, lambda keys: keys[key_at])
    names = {}
    for keys in rows:
        if keys[key_at] and keys[key_at] not in names:
            labels = dict(zip(fields, keys[key_at + 1 : key_at + 1 + len(fields)], strict=True))
            names[keys[key_at]] = model(pk=keys[key_at], **labels)
    return _named(tallies, names)


def by_work_kind(scope: Scope, figures: Figures | None = None) -> list[tuple[str, Tally]]:
    return _tally_named(_figures(scope, figures).rows("month_kind"), 1, WorkKind, NAMES)


def by_area(scope: Scope, figures: Figures | None = None) -> list[tuple[str, Tally]]:
    """A gig on a booking with several experience areas counts once in each."""
    return _tally_named(_figures(scope, figures).rows("area"), 0, ExperienceArea, NAMES)


def by_organisation(scope: Scope, figures: Figures | None = None) -> list[tuple[str, Tally]]:
    rows = _figures(scope, figures).rows("organisation")
    return _tally_named(rows, 0, Organisation, ("name",))


def by_municipality(scope: Scope, figures: Figures | None = None) -> list[tuple[str, Tally]]:
    """By the expert's home municipality."""
    rows = _figures(scope, figures).rows("expert")
    return _named(_tally(rows, lambda keys: keys[1]), {})


def experts_working(scope: Scope, figures: Figures | None = None) -> int:
    """How many experts had a gig in the period."""
    return len({keys[0] for keys in _figures(scope, figures).rows("expert")})


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


def _experts_hours(rows) -> dict[Any, Decimal]:
    """Hours by expert from the ``expert`` part's rows ((expert, municipality) → gigs,
    reported hours, scheduled length): ``_tally``'s rule (sums added first, each rounded once)
    without a ``Tally`` a row, as the spread reads a few thousand experts a request."""
    sums: dict[Any, list] = {}
    for (expert, _municipality), (_n, rh, sh) in rows.items():
        total = sums.get(expert)
        if total is None:
            sums[expert] = [rh, sh]
            continue
        if rh is not None:
            total[0] = rh if total[0] is None else total[0] + rh
        if sh is not None:
            total[1] = sh if total[1] is None else total[1] + sh
    return {expert: _both(rh, sh) for expert, (rh, sh) in sums.items()}


def _bucket_of(hours: Decimal) -> tuple[int, int | None]:
    return next(b for b in HOUR_BUCKETS[1:] if b[1] is None or hours <= b[1])


def spread(scope: Scope, figures: Figures | None = None) -> Spread:
    pool = set(certified_pool(scope).order_by().values_list("pk", flat=True))
    by_expert = _experts_hours(_figures(scope, figures).rows("expert"))
    hours = {k: h for k, h in by_expert.items() if k in pool}
    counts = dict.fromkeys(HOUR_BUCKETS, 0)
    counts[HOUR_BUCKETS[0]] = len(pool) - len(hours)
    bucket_of = cache(_bucket_of)  # a few hundred distinct hours among thousands of experts
    for h in hours.values():
        counts[bucket_of(h)] += 1
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


def offers(scope: Scope, figures: Figures | None = None) -> Offers:
    """Offers made in the period by month and by how they were answered."""
    grid: dict[tuple[tuple[int, int], str], int] = defaultdict(int)
    counts: dict[str, int] = defaultdict(int)
    for (month, status), (n,) in _figures(scope, figures).rows("offers").items():
        grid[(_month_key(month), status)] += n
        counts[status] += n
    months = scope.period.months()
    series = [
        (str(status.label).capitalize(), [grid[(m, status)] for m in months])
        for status in OFFER_SERIES
    ]
    return Offers([month_label(*m) for m in months], series, dict(counts))


def confirmation_days(scope: Scope, figures: Figures | None = None) -> tuple[Decimal | None, int]:
    """The median days from a request (made in the period) to its confirmation, and how many
    requests it is the median of. The median is taken of the durations read."""
    seconds = _figures(scope, figures).values("confirmed")
    if not seconds:
        return None, 0
    return Decimal(str(statistics.median(seconds) / 86400)).quantize(TENTH), len(seconds)


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


def feedback(scope: Scope, figures: Figures | None = None) -> FeedbackSummary:
    counts = dict.fromkeys(range(1, 6), 0)
    for (rating,), (n,) in _figures(scope, figures).rows("feedback").items():
        counts[rating] = n
    return FeedbackSummary(counts)


def impact_changes(scope: Scope, figures: Figures | None = None) -> list[tuple[str, int]]:
    """How many answers chose each short answer (and how many chose none)."""
    rows = {change: n for (change,), (n,) in _figures(scope, figures).rows("impact").items()}
    named = [(str(label), rows.get(value, 0)) for value, label in ImpactAnswer.Change.choices]
    if rows.get(""):
        named.append((_("no short answer"), rows[""]))
    return named


# --- Money ---------------------------------------------------------------------------------------


def _by_month(scope: Scope, rows) -> list[tuple[str, Decimal]]:
    sums = {_month_key(month): cents(total or 0) for (month,), (total,) in rows.items()}
    return [(month_label(*m), sums.get(m, ZERO)) for m in scope.period.months()]


def fees_paid_by_month(scope: Scope, figures: Figures | None = None) -> list[tuple[str, Decimal]]:
    return _by_month(scope, _figures(scope, figures).rows("fees"))


def invoiced_by_month(scope: Scope, figures: Figures | None = None) -> list[tuple[str, Decimal]]:
    """Net totals of the invoices issued in the period (credit notes are negative)."""
    return _by_month(scope, _figures(scope, figures).rows("invoiced"))


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


def funding(scope: Scope, figures: Figures | None = None) -> list[FundingRow]:
    """Per funding source: its budget, its use in the period and in all, what remains (the
    use in the period from the kept figures, the rest read now)."""
    in_period = {
        source: total for (source,), (total,) in _figures(scope, figures).rows("funding").items()
    }
    sources = funding_sources_with_use().order_by("name")
    return [
        FundingRow(
            source, cents(in_period.get(source.pk) or 0), cents(source.used), source.remaining
        )
        for source in sources
        if source.active or source.pk in in_period
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


def uptake(scope: Scope, figures: Figures | None = None) -> Uptake:
    """Which organisations (or, for one organisation, which of its units) used experts in the
    period, with their gigs in the period before for the trend."""
    of_units = scope.organisation is not None
    if of_units:
        members: Iterable = Unit.objects.filter(organisation=scope.organisation, active=True)
    else:
        members = Organisation.objects.filter(active=True)
    counts = {key: sums for (key,), sums in _figures(scope, figures).rows("uptake").items()}
    # Names only: 300 organisations as model objects cost the dashboard 2 ms for two numbers.
    rows = [
        UptakeRow(name, *counts.get(pk, (0, 0))) for pk, name in members.values_list("pk", "name")
    ]
    rows.sort(key=lambda row: (-row.gigs, row.name))
    return Uptake(of_units, rows)
