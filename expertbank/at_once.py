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


def values_at_once(querysets: list[QuerySet]) -> list[Any]:
    """The one value of each ``one_value`` query, all in one query (raw values: a sum of money
    comes back as the database gives it, so read it with ``expertbank.amounts``)."""
    if not querysets:
        return []
    alias = querysets[0].db
    values: list[Any] = [None] * len(querysets)
    parts: list[str] = []
    params: list = []
    places: list[int] = []
    for place, queryset in enumerate(querysets):
        try:
            sql, inner_params = queryset.query.get_compiler(using=alias).as_sql()
        except EmptyResultSet:
            continue
        parts.append(f"({sql})")
        params.extend(inner_params)
        places.append(place)
    if parts:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT " + ", ".join(parts), params)
            for place, value in zip(places, cursor.fetchone(), strict=True):
                values[place] = value
    return values
