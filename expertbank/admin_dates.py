"""The admin's date hierarchy over a long history (issue 19): which years (or months) have rows,
asked of the index one period at a time, all in one query.

Django's ``date_hierarchy`` lists the years with ``SELECT DISTINCT DATE_TRUNC('year', …)``,
which reads and truncates every row of the table (45 ms at 47,000 bookings, growing with the
history). Here each period is one ``LIMIT 1`` probe of the index on the field, the probes
``SELECT``ed together (``expertbank.at_once``): a query the size of the span of years, not of
the rows. The choices are the same: a period is listed exactly when a row falls in it.
"""

from __future__ import annotations

from datetime import date, datetime
from itertools import pairwise

from django.db.models import Max, Min, QuerySet
from django.utils import timezone

from expertbank.at_once import values_at_once

# Past this many periods (a mistyped year far off) Django's DISTINCT is asked instead.
MOST_PROBES = 240


def _period_starts(first: date, last: date, kind: str) -> list[date]:
    """The starts of every period from ``first``'s to the one after ``last``'s: local times
    for a time field, dates for a date field."""
    if isinstance(first, datetime):
        zone = timezone.get_current_timezone()
        first, last = timezone.localtime(first, zone), timezone.localtime(last, zone)

        def start(year: int, month: int, day: int) -> date:
            return datetime(year, month, day, tzinfo=zone)
    else:
        start = date
    if kind == "year":
        return [start(year, 1, 1) for year in range(first.year, last.year + 2)]
    months = range(first.year * 12 + first.month - 1, last.year * 12 + last.month + 1)
    return [start(n // 12, n % 12 + 1, 1) for n in months]


def _starts(queryset: QuerySet, field: str, kind: str) -> list[date]:
    """The starts of the periods from the first row's to just past the last row's."""
    bounds = queryset.aggregate(first=Min(field), last=Max(field))
    if bounds["first"] is None:
        return []
    return _period_starts(bounds["first"], bounds["last"], kind)


def _probes(queryset: QuerySet, field: str, starts: list[date]) -> list[QuerySet]:
    """One ``LIMIT 1`` query a period: a row of ``queryset`` in it, if any. Ordered by the
    field, so each is a step into its index (unordered, the planner reads the table from the
    start until a row falls in the period)."""
    return [
        queryset.filter(**{f"{field}__gte": start, f"{field}__lt": end})
        .order_by(field)
        .values("pk")[:1]
        for start, end in pairwise(starts)
    ]


def period_probes(queryset: QuerySet, field: str, kind: str) -> list[QuerySet]:
    """The probes ``periods_with_rows`` asks at once (for the EXPLAIN test)."""
    return _probes(queryset, field, _starts(queryset, field, kind))


def periods_with_rows(queryset: QuerySet, field: str, kind: str) -> list[date] | None:
    """The local starts of the years or months in which ``queryset`` has a ``field`` value,
    in order (what ``queryset.datetimes(field, kind)``, or ``dates`` for a date field, gives);
    None past ``MOST_PROBES``."""
    starts = _starts(queryset, field, kind)
    if len(starts) - 1 > MOST_PROBES:
        return None
    found = values_at_once(_probes(queryset, field, starts))
    return [start for start, pk in zip(starts, found, strict=False) if pk is not None]


class DateHierarchyQuerySet(QuerySet):
    """A changelist's queryset whose years and months for ``date_hierarchy`` (a time or a date
    field) come from ``periods_with_rows``; everything else is Django's."""

    def datetimes(self, field_name, kind, order="ASC", tzinfo=None):
        if kind in ("year", "month") and order == "ASC" and tzinfo is None:
            periods = periods_with_rows(self, field_name, kind)
            if periods is not None:
                return periods
        return super().datetimes(field_name, kind, order=order, tzinfo=tzinfo)

    def dates(self, field_name, kind, order="ASC"):
        if kind in ("year", "month") and order == "ASC":
            periods = periods_with_rows(self, field_name, kind)
            if periods is not None:
                # Dates, as Django's: a time field's periods start at local midnights.
                return [p.date() if isinstance(p, datetime) else p for p in periods]
        return super().dates(field_name, kind, order=order)


def with_quick_dates(queryset: QuerySet) -> QuerySet:
    """``queryset`` as a ``DateHierarchyQuerySet`` (same model, query and database)."""
    return DateHierarchyQuerySet(
        model=queryset.model, query=queryset.query, using=queryset._db, hints=queryset._hints
    )
