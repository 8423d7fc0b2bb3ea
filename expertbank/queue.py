"""The coordinator's work queue: each app contributes panels through its AppConfig.

An app defines ``queue_panels(request) -> list[QueuePanel]`` on its AppConfig; the core collects
them in INSTALLED_APPS order and imports no domain app. A panel gives its count as a queryset (not
yet counted): every panel's count is then taken in one query (issue 19: fifteen counts were
fifteen queries).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet
from django.utils.functional import Promise


@dataclass
class QueueRow:
    label: str
    url: str
    note: str = ""


class QueuePanel:
    """A panel of the work queue. ``count`` may be given as a queryset, not yet counted:
    ``queue_panels`` counts every panel's at once; read alone, it counts itself."""

    def __init__(
        self,
        title: str | Promise,
        count: int | QuerySet,
        rows: list[QueueRow] | None = None,
        more_url: str = "",
        empty_text: str | Promise = "",
    ):
        self.title = title
        self._count = count
        self.rows = rows if rows is not None else []
        self.more_url = more_url
        self.empty_text = empty_text

    @property
    def count(self) -> int:
        if isinstance(self._count, QuerySet):
            self._count = self._count.count()
        return self._count

    def __repr__(self) -> str:
        return f"QueuePanel({str(self.title)!r}, {self._count!r})"


def queue_panels(request) -> list[QueuePanel]:
    panels: list[QueuePanel] = []
    for config in apps.get_app_configs():
        contribute = getattr(config, "queue_panels", None)
        if contribute is not None:
            panels += contribute(request)
    counted = [panel for panel in panels if isinstance(panel._count, QuerySet)]
    for panel, number in zip(
        counted, counts_at_once([panel._count for panel in counted]), strict=True
    ):
        panel._count = number
    return panels


def counts_at_once(querysets: list[QuerySet]) -> list[int]:
    """``[qs.count() for qs in querysets]`` in one query: ``SELECT (SELECT COUNT(*) FROM (…)),
    (SELECT COUNT(*) FROM (…)), …``. A queryset of another database is counted on its own."""
    if not querysets:
        return []
    alias = querysets[0].db
    numbers: list[int | None] = [None] * len(querysets)
    parts: list[str] = []
    params: list = []
    places: list[int] = []
    for place, queryset in enumerate(querysets):
        if queryset.db != alias:
            numbers[place] = queryset.count()
            continue
        inner = queryset.select_related(None).order_by().values("pk")
        try:
            sql, inner_params = inner.query.get_compiler(using=alias).as_sql()
        except EmptyResultSet:
            numbers[place] = 0
            continue
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS counted_{place})")
        params.extend(inner_params)
        places.append(place)
    if parts:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT " + ", ".join(parts), params)
            for place, number in zip(places, cursor.fetchone(), strict=True):
                numbers[place] = number
    return [int(number or 0) for number in numbers]
