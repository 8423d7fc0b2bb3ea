"""Several one-number queries as one (issue 19): a page's counts and sums, each a scalar
subquery of one ``SELECT (…), (…), …``."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet, Value


def one_value(queryset: QuerySet, expression) -> QuerySet:
    """``queryset.aggregate(value=expression)`` as a query not yet run: one row, one column."""
    return queryset.order_by().values(_all=Value(1)).annotate(value=expression).values("value")


def _compiled(queryset: QuerySet, alias: str) -> tuple[str, tuple] | None:
    """The queryset's SQL and parameters; None for a query that can match nothing."""
    try:
        return queryset.query.get_compiler(using=alias).as_sql()
    except EmptyResultSet:
        return None


def _select(alias: str, parts: dict[int, tuple[str, tuple]], values: list[Any]) -> list[Any]:
    """Run ``SELECT part, part, …`` (each part a scalar subquery the ORM compiled, its values
    passed as parameters) and put each value in its place."""
    if parts:
        sql = "SELECT " + ", ".join(part for part, _params in parts.values())
        params = [param for _part, part_params in parts.values() for param in part_params]
        with connections[alias].cursor() as cursor:
            cursor.execute(sql, params)
            for place, value in zip(parts, cursor.fetchone(), strict=True):
                values[place] = value
    return values


def values_at_once(querysets: list[QuerySet]) -> list[Any]:
    """The one value of each ``one_value`` query, all in one query (raw values: a sum of money
    comes back as the database gives it, so read it with ``expertbank.amounts``)."""
    if not querysets:
        return []
    alias = querysets[0].db
    parts = {}
    for place, queryset in enumerate(querysets):
        compiled = _compiled(queryset, alias)
        if compiled is not None:
            parts[place] = (f"({compiled[0]})", compiled[1])
    return _select(alias, parts, [None] * len(querysets))


def counts_at_once(querysets: list[QuerySet], *, cap: int | None = None) -> list[int]:
    """``[qs.count() for qs in querysets]`` in one query: ``SELECT (SELECT COUNT(*) FROM (…)),
    (SELECT COUNT(*) FROM (…)), …``. A queryset of another database is counted on its own.

    ``cap``: count each only up to ``cap + 1`` rows (``LIMIT``), so a count of the history,
    which grows without end, costs the same at any size; a number above ``cap`` means "more"."""
    if not querysets:
        return []
    alias = querysets[0].db
    numbers: list[Any] = [0] * len(querysets)
    parts = {}
    for place, queryset in enumerate(querysets):
        rows = queryset.select_related(None).order_by().values("pk")
        if cap is not None:
            rows = rows[: cap + 1]
        if queryset.db != alias:
            numbers[place] = rows.count()
            continue
        compiled = _compiled(rows, alias)
        if compiled is not None:
            sql, params = compiled
            # The ORM's own SQL of the queryset, its values apart as parameters.
            counted = f"(SELECT COUNT(*) FROM ({sql}) AS counted_{place})"  # nosec B608
            parts[place] = (counted, params)
    return [int(number or 0) for number in _select(alias, parts, numbers)]
