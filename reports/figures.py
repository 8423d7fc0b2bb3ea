"""The raw figures of the dashboard and the funder report, the ended months kept (issue 19).

Every figure of the two pages adds up month by month: gigs and hours by kind, area,
organisation, expert; offers, feedback, fees, invoices by month; the bookings confirmed. Each
is one grouped query (a *part*: its keys, then its sums). The months before this one are
*kept*: counted once, put in the cache and read from there until their data changes; this
month (and any later one in the period) is counted live on every request. A part's one query
counts both at once when nothing is kept (grouped by which side of the month's start a row
falls), and only the live months when it is, so a page costs the same queries either way.

*Cannot go stale.* The kept parts are cached under the scope, the start of this month and a
fingerprint: the sum of ``reports.FigureChange`` over the kept months (and ``*``). Database
triggers write a row there for every change to the data these figures count, whatever makes
it (a service, the admin, a bulk update): a late report approved for March raises March's sum,
so the next request counts again. The fingerprint is read before the data, so a kept part
holds everything committed up to its fingerprint, never less.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import TruncMonth
from django.utils import timezone

from bookings.models import (
    Assignment,
    Booking,
    BookingChange,
    Feedback,
    Gig,
    ImpactAnswer,
    Occurrence,
)
from invoicing.models import Invoice
from reports.models import EVERY_MONTH, FigureChange
from reports.period import Period, Scope

KEPT_FOR = 6 * 3600  # seconds a kept part lives unread; a change makes it unreachable at once
CLOSED = "kept_"  # the key that says which side of this month's start a row is on

Rows = dict[tuple, list]


@dataclass(frozen=True)
class Part:
    """One grouped query: ``rows(scope, where, split)`` gives ``values_list(*split, *keys,
    *sums)`` of the rows ``where`` (a Q on ``moment``) lets through."""

    moment: str  # the field that puts a row in a month
    is_date: bool
    keys: int  # how many leading columns are keys (the rest are sums)
    rows: Callable[[Scope, Q, dict], QuerySet]
    sources: tuple[str, ...]  # the tables it reads (``FigureChange.source``)
    pack: Callable[[tuple, list], tuple[tuple, list]] | None = None  # a row made smaller
    # One value a row (a row per booking, say), read as a distribution by ``Figures.values``:
    # the kept months are kept as their values, sorted, not as a row per key.
    distribution: bool = False


def _grouped(queryset: QuerySet, keys: dict[str, Any], sums: dict[str, Any], split: dict):
    return (
        queryset.annotate(**keys, **split)
        .values(*split, *keys)
        .order_by()
        .annotate(**sums)
        .values_list(*split, *keys, *sums)
    )


def gigs_in(scope: Scope) -> QuerySet[Gig]:
    """The live gigs starting in the scope's period, narrowed by its filters."""
    return Gig.objects.filter(
        scope.period.moments("start"),
        scope.bookings_q("booking__"),
        scope.experts_q("expert__"),
        status__in=Gig.LIVE,
    )


DURATION = F("end") - F("start")
# Reported gigs count their reported hours, the others their scheduled length.
TALLY = {
    "n": Count("pk"),
    "rh": Sum("report__hours", filter=Q(report__isnull=False)),
    "sh": Sum(DURATION, filter=Q(report__isnull=True)),
}
NAMES = ("name_fi", "name_sv", "name_en")
# The gigs whose fees a funding source pays (bookings.money's rule for funding_used).
CHARGED = Q(status__in=Gig.LIVE) | Q(late_cancelled=True)


def _labels(path: str, fields: tuple[str, ...]) -> dict[str, F]:
    return {f"label_{name}": F(f"{path}__{name}") for name in fields}


def _month_kind(scope: Scope, where: Q, split: dict):
    keys = {
        "month": TruncMonth("start"),
        "key": F("booking__work_kind"),
        **_labels("booking__work_kind", NAMES),
    }
    return _grouped(gigs_in(scope).filter(where), keys, TALLY, split)


def _area(scope: Scope, where: Q, split: dict):
    keys = {"key": F("booking__areas"), **_labels("booking__areas", NAMES)}
    return _grouped(gigs_in(scope).filter(where), keys, TALLY, split)


def _organisation(scope: Scope, where: Q, split: dict):
    keys = {
        "key": F("booking__unit__organisation"),
        **_labels("booking__unit__organisation", ("name",)),
    }
    return _grouped(gigs_in(scope).filter(where), keys, TALLY, split)


def _expert(scope: Scope, where: Q, split: dict):
    keys = {"key": F("expert"), "municipality_": F("expert__municipality")}
    return _grouped(gigs_in(scope).filter(where), keys, TALLY, split)


def _offers(scope: Scope, where: Q, split: dict):
    offers = Assignment.objects.filter(
        scope.period.moments("offered_at"),
        scope.bookings_q("booking__"),
        scope.experts_q("expert__"),
        where,
    )
    keys = {"month": TruncMonth("offered_at"), "answer": F("status")}
    return _grouped(offers, keys, {"n": Count("pk")}, split)


def _confirmed(scope: Scope, where: Q, split: dict):
    """The bookings requested in the period and confirmed: their request and confirmation."""
    bookings = Booking.objects.filter(scope.period.moments("created_at"), scope.bookings_q(), where)
    if where:
        # The live months (``where`` narrows to them): the first confirmation is one probe of
        # the history's (booking, at) index a booking. As a MIN over the join the planner
        # scanned every booking in parallel to find this month's few hundred (23 → 5 ms at
        # scale 0.2); over a whole period the join is the cheaper one (a probe a booking:
        # 160 → 370 ms), so counting everything stays grouped.
        first = BookingChange.objects.filter(
            booking=OuterRef("pk"), to_status=Booking.Status.CONFIRMED
        ).order_by("at")
        return (
            bookings.annotate(**split, confirmed=Subquery(first.values("at")[:1]))
            .filter(confirmed__isnull=False)
            .order_by()
            .values_list(*split, "pk", "created_at", "confirmed")
        )
    confirmed = Min("changes__at", filter=Q(changes__to_status=Booking.Status.CONFIRMED))
    return (
        bookings.annotate(**split)
        .values(*split, "pk", "created_at")
        .order_by()
        .annotate(confirmed=confirmed)
        .filter(confirmed__isnull=False)
        .values_list(*split, "pk", "created_at", "confirmed")
    )


def _seconds_to_confirm(keys: tuple, sums: list) -> tuple[tuple, list]:
    (pk, created), (confirmed,) = keys, sums
    return (pk,), [(confirmed - created).total_seconds()]


def _feedback(scope: Scope, where: Q, split: dict):
    given = Feedback.objects.filter(
        scope.period.moments("created_at"), scope.bookings_q("booking__"), where
    )
    return _grouped(given, {"rating_": F("rating")}, {"n": Count("pk")}, split)


def impact_answers(scope: Scope) -> QuerySet[ImpactAnswer]:
    """The units' answers to "what changed because of it?" given in the period."""
    return ImpactAnswer.objects.filter(
        scope.period.moments("answered_at"), scope.bookings_q("booking__")
    )


def _impact(scope: Scope, where: Q, split: dict):
    answers = impact_answers(scope).filter(where)
    return _grouped(answers, {"change_": F("change")}, {"n": Count("pk")}, split)


def _fees(scope: Scope, where: Q, split: dict):
    paid = Gig.objects.filter(
        scope.period.dates("paid_on"),
        scope.bookings_q("booking__"),
        scope.experts_q("expert__"),
        where,
    )
    return _grouped(paid, {"month": TruncMonth("paid_on")}, {"total": Sum("fee_amount")}, split)


def _invoiced(scope: Scope, where: Q, split: dict):
    """Net totals of the invoices issued in the period (credit notes are negative)."""
    invoices = Invoice.objects.exclude(status=Invoice.Status.DRAFT).filter(
        scope.period.dates("issue_date"), where
    )
    if scope.organisation is not None:
        invoices = invoices.filter(unit__organisation=scope.organisation)
    month = {"month": TruncMonth("issue_date")}
    return _grouped(invoices, month, {"total": Sum("net_total")}, split)


def _funding(scope: Scope, where: Q, split: dict):
    charged = Gig.objects.filter(
        CHARGED,
        scope.period.moments("start"),
        scope.bookings_q("booking__"),
        scope.experts_q("expert__"),
        where,
    )
    source = {"source": F("booking__funding_source")}
    return _grouped(charged, source, {"total": Sum("fee_amount")}, split)


def uptake_field(scope: Scope) -> str:
    """Uptake is by unit within one organisation, else by organisation."""
    return "booking__unit" if scope.organisation is not None else "booking__unit__organisation"


def _uptake(scope: Scope, where: Q, split: dict):
    """Gigs by organisation (or unit) in the period and in the period before, in one query."""
    unfiltered = Scope(scope.period, None, scope.area, scope.municipality)
    this, previous = scope.period.moments("start"), scope.period.previous().moments("start")
    gigs = Gig.objects.filter(
        this | previous,
        unfiltered.bookings_q("booking__"),
        unfiltered.experts_q("expert__"),
        where,
        status__in=Gig.LIVE,
    )
    if scope.organisation is not None:
        gigs = gigs.filter(booking__unit__organisation=scope.organisation)
    sums = {"now": Count("pk", filter=this), "before": Count("pk", filter=previous)}
    return _grouped(gigs, {"key": F(uptake_field(scope))}, sums, split)


def _audience(scope: Scope, where: Q, split: dict):
    """Times held (occurrences with a live gig in scope) and the audience they reached."""
    held = Occurrence.objects.filter(
        Exists(gigs_in(scope).filter(occurrence=OuterRef("pk"))), where
    )
    sums = {
        "reached": Sum("booking__audience_size"),
        "times": Count("pk"),
        "recorded": Count("pk", filter=Q(booking__audience_size__isnull=False)),
    }
    return _grouped(held, {"all_": Value(1)}, sums, split)


# What each part reads: a confirmation or an offer never makes the gigs be counted again.
NEW_BOOKING = "bookings_booking_created"  # a booking made (the triggers' name for it)
BOOKINGS = ("bookings_booking", "bookings_booking_areas", "bookings_unit")
GIGS = (
    "bookings_gig",
    "bookings_gigreport",
    *BOOKINGS,
    "bookings_organisation",
    "experts_workkind",
    "experts_experiencearea",
    "experts_expert",
)
OFFERS = ("bookings_assignment", *BOOKINGS, "experts_expert")

PARTS: dict[str, Part] = {
    "month_kind": Part("start", False, 5, _month_kind, GIGS),
    "area": Part("start", False, 4, _area, GIGS),
    "organisation": Part("start", False, 2, _organisation, GIGS),
    "expert": Part("start", False, 2, _expert, GIGS),
    "offers": Part("offered_at", False, 2, _offers, OFFERS),
    "confirmed": Part(
        "created_at",
        False,
        2,
        _confirmed,
        ("bookings_bookingchange", NEW_BOOKING, *BOOKINGS),
        _seconds_to_confirm,
        distribution=True,
    ),
    "feedback": Part("created_at", False, 1, _feedback, ("bookings_feedback", *BOOKINGS)),
    "impact": Part("answered_at", False, 1, _impact, ("bookings_impactanswer", *BOOKINGS)),
    "fees": Part("paid_on", True, 1, _fees, GIGS),
    "invoiced": Part("issue_date", True, 1, _invoiced, ("invoicing_invoice", "bookings_unit")),
    "funding": Part("start", False, 1, _funding, GIGS),
    "uptake": Part("start", False, 1, _uptake, GIGS),
    "audience": Part("start", False, 1, _audience, (*GIGS, "bookings_occurrence")),
}


def _add(a, b):
    if a is None:
        return b
    if b is None:
        return a
    return a + b


def _merge(into: Rows, rows: Rows) -> Rows:
    for key, sums in rows.items():
        if key in into:
            into[key] = [_add(a, b) for a, b in zip(into[key], sums, strict=True)]
        else:
            into[key] = list(sums)
    return into


def _month(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def _month_before(day: date) -> date:
    return (day.replace(day=1) - timedelta(days=1)).replace(day=1)


def fingerprints(first: date, last: date) -> dict[str, int]:
    """By table, the sum of the changes to the months ``first``..``last`` (and ``*``). A
    date-time is logged by its UTC month, so the month before ``first`` counts too."""
    changes = (
        FigureChange.objects.filter(
            Q(month=EVERY_MONTH)
            | Q(month__gte=_month(_month_before(first)), month__lte=_month(last))
        )
        .values_list("source")
        .annotate(total=Sum("weight"))
        .order_by()
    )
    return dict(changes)


@transaction.atomic
def figure_changes_collapse() -> int:
    """Fold each month's change rows of a table into one row of the same weight (nightly):
    every sum, and so every kept figure, stays as it was; the fingerprint reads a few hundred
    rows, not a row per change ever made. Returns how many rows went."""
    top = FigureChange.objects.aggregate(top=Max("pk"))["top"] or 0
    groups = (
        FigureChange.objects.filter(pk__lte=top)
        .values_list("month", "source")
        .annotate(rows=Count("pk"))
        .filter(rows__gt=1)
        .order_by()
    )
    gone = 0
    for month, source, _count in groups:
        # Locked first, so the rows summed are the rows deleted, whatever commits meanwhile.
        rows = list(
            FigureChange.objects.select_for_update()
            .filter(month=month, source=source, pk__lte=top)
            .order_by("pk")
            .values_list("pk", "weight")
        )
        FigureChange.objects.filter(pk__in=[pk for pk, _weight in rows]).delete()
        FigureChange.objects.create(
            month=month, source=source, weight=sum(weight for _pk, weight in rows)
        )
        gone += len(rows) - 1
    return gone


# Read back from the cache on every request, so kept small and quick to unpickle: a Decimal
# unpickles in ~30 µs (3,500 experts' hours took 50–100 ms), so a column of Decimals is kept as
# one text and read back with one ``map``; a distribution's values are one array of doubles (a
# dict of the 45,000 bookings of a national year took 90 ms to rebuild, the array 0.3 ms).
def _packed(part: Part, kept):
    if part.distribution:
        return array("d", kept)
    keys, columns = list(kept), [list(column) for column in zip(*kept.values(), strict=True)]
    for n, column in enumerate(columns):
        if column and all(v is None or isinstance(v, Decimal) for v in column):
            columns[n] = ",".join("" if v is None else str(v) for v in column)
    return keys, columns


def _decimal(text: str) -> Decimal | None:
    return Decimal(text) if text else None


def _unpacked(part: Part, packed):
    if part.distribution:
        return packed
    keys, columns = packed
    columns = [
        list(map(_decimal, column.split(","))) if isinstance(column, str) else column
        for column in columns
    ]
    return (
        dict(zip(keys, map(list, zip(*columns, strict=True)), strict=True))
        if columns
        else {key: [] for key in keys}
    )


def _values(rows: Rows) -> list:
    """A distribution part's rows as their sorted values."""
    return sorted(value for (value,) in rows.values())


class Figures:
    """The parts of one scope, read once each. ``keep=False`` counts everything live (what a
    test or a one-off call wants); ``keep=True`` keeps the ended months in the cache."""

    def __init__(self, scope: Scope, *, keep: bool = False, today: date | None = None):
        self.scope = scope
        self._parts: dict[str, Rows] = {}
        today = today or timezone.localdate()
        earliest = scope.period.previous().start  # uptake reaches back a period
        boundary = today.replace(day=1)  # the first day counted live
        self.kept_until = min(boundary, scope.period.end + timedelta(days=1))
        self.keep = keep and self.kept_until > earliest
        self.live = scope.period.end >= boundary
        self._earliest = earliest
        self._keys: dict[str, str] = {}  # the cache key of each part
        self._kept: dict[str, Rows] = {}
        self._new: set[str] = set()
        self._counted_at = timezone.now()
        self.as_of: datetime | None = None  # when the oldest kept part used was counted

    # -- the cache ---------------------------------------------------------------------------

    def _load(self) -> None:
        """Every part's kept rows still valid, read in one query and one cache read."""
        if self._keys:
            return
        sums = fingerprints(self._earliest, self.kept_until - timedelta(days=1))
        s = self.scope
        scope = (
            s.period.start,
            s.period.end,
            s.organisation.pk if s.organisation else "",
            s.area.pk if s.area else "",
            s.municipality.casefold(),
            self.kept_until,
        )
        for name, part in PARTS.items():
            fingerprint = sum(sums.get(source, 0) for source in part.sources)
            self._keys[name] = ":".join(map(str, ("reports:figures:2", name, *scope, fingerprint)))
        found = cache.get_many(list(self._keys.values()))
        for name, key in self._keys.items():
            if key in found:
                as_of, rows = found[key]
                self._kept[name] = _unpacked(PARTS[name], rows)
                self.as_of = as_of if self.as_of is None else min(self.as_of, as_of)

    def save(self) -> None:
        """Keep the ended months' parts counted in this request (one cache write)."""
        if self.keep and self._new:
            cache.set_many(
                {
                    self._keys[name]: (self._counted_at, _packed(PARTS[name], self._kept[name]))
                    for name in self._new
                },
                KEPT_FOR,
            )
            self._new = set()

    # -- the parts ---------------------------------------------------------------------------

    def _boundary(self, part: Part):
        if part.is_date:
            return self.kept_until
        return Period(self.kept_until, self.kept_until).since()

    def rows(self, name: str) -> Rows:
        """The part's rows: keys → sums, the kept months and the live ones added up."""
        if name not in self._parts:
            kept, live = self._sides(name)
            self._parts[name] = _merge(dict(kept), live)
        return self._parts[name]

    def values(self, name: str) -> list:
        """A distribution part's values, one a row, sorted: the kept months' and the live."""
        if name not in self._parts:
            kept, live = self._sides(name)
            self._parts[name] = sorted([*kept, *_values(live)])  # two sorted runs: one pass
        return self._parts[name]

    def _sides(self, name: str) -> tuple[Any, Rows]:
        """The part's kept months (as kept: rows, or a distribution's sorted values) and its
        live rows; with nothing kept, everything is live."""
        part = PARTS[name]
        if not self.keep:
            return ([] if part.distribution else {}), self._read(part, Q(), {})[False]
        self._load()
        boundary = self._boundary(part)
        if name in self._kept:
            live = Q(**{f"{part.moment}__gte": boundary})
            return self._kept[name], (self._read(part, live, {})[False] if self.live else {})
        split = {
            CLOSED: Case(
                When(**{f"{part.moment}__lt": boundary}, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        }
        read = self._read(part, Q(), split)
        self._kept[name] = _values(read[True]) if part.distribution else read[True]
        self._new.add(name)
        if self.as_of is None:
            self.as_of = self._counted_at
        return self._kept[name], read[False]

    def _read(self, part: Part, where: Q, split: dict) -> dict[bool, Rows]:
        sides: dict[bool, Rows] = {True: {}, False: {}}
        for row in part.rows(self.scope, where, split):
            kept = bool(row[0]) if split else False
            values = row[1:] if split else row
            key, sums = tuple(values[: part.keys]), list(values[part.keys :])
            if part.pack is not None:
                key, sums = part.pack(key, sums)
            _merge(sides[kept], {key: sums})
        return sides
