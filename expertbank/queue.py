"""The coordinator's work queue: each app contributes panels through its AppConfig.

An app defines ``queue_panels(request) -> list[QueuePanel]`` on its AppConfig; the core collects
them in INSTALLED_APPS order and imports no domain app. A panel gives its count as a queryset (not
yet counted): every panel's count is then taken in one query (issue 19: fifteen counts were
fifteen queries).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.db.models import Model, QuerySet
from django.utils.functional import Promise

from expertbank.at_once import counts_at_once


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


def first_rows(queryset: QuerySet, *fields: str, rows: int = 5) -> list[Model]:
    """A panel's first rows, reading only the columns it shows and joining only the tables they
    come from (``only`` and ``select_related`` of those fields). The rows' querysets joined up to
    five tables each for a title and a name: building and compiling every column of every
    table, then reading them back, was about a third of the work queue's time in the worker
    (issue 19, fifth pass). A field the row reads and ``fields`` leaves out would cost a query
    a row: ``tests/demo/test_queue_rows.py`` fails on it."""
    related = {field.rsplit("__", 1)[0] for field in fields if "__" in field}
    queryset = queryset.select_related(None)
    if related:
        queryset = queryset.select_related(*related)
    return list(queryset.only(*fields)[:rows])


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
