"""Lists of every role page the same way: 50 rows a page, and the filters kept in page links."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

PAGE_SIZE = 50
# How far a list of the history (every booking, invoice or statement ever made) and its tabs
# are counted: the history grows without end, the count's cost with it, and a coordinator
# filters rather than pages beyond it (issue 19).
CAP = 10_000


def page_of(request: HttpRequest, rows, *, size: int = PAGE_SIZE) -> Page:
    """The page of ``rows`` that ``?page=`` asks for (the last one for a number too big)."""
    return Paginator(rows, size).get_page(request.GET.get("page"))


def query_without_page(request: HttpRequest) -> str:
    """The list's query string without its page number, for the page links."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


class Chained:
    """The rows of several querysets one after another, for ``Paginator``: each part is counted
    and sliced on its own, so each keeps an order an index can give (one ``ORDER BY CASE …``
    over a whole table sorts every row of it for fifty). Two queries a part at most: its count
    (once) and its slice, and only the parts the page reaches are read."""

    ordered = True

    def __init__(self, *parts, counts: list[int] | None = None):
        """``counts``: each part's number of rows when the caller knows them already (a
        page's tabs count them anyway), so the paginator asks nothing more."""
        if counts is not None and len(counts) != len(parts):
            raise ValueError("one count a part")
        self.parts = parts
        self._counts: list[int] | None = list(counts) if counts is not None else None

    def counts(self) -> list[int]:
        if self._counts is None:
            self._counts = [part.count() for part in self.parts]
        return self._counts

    def count(self) -> int:
        return sum(self.counts())

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key):
        if isinstance(key, int):
            return self[key : key + 1][0]
        start = key.start or 0
        stop = self.count() if key.stop is None else key.stop
        rows, offset = [], 0
        for part, size in zip(self.parts, self.counts(), strict=True):
            low, high = max(start - offset, 0), min(stop - offset, size)
            if low < high:
                rows.extend(part[low:high])
            offset += size
        return rows


class Capped:
    """The rows of a long list (the message log's million), for ``Paginator``: counted only up
    to ``cap`` (``COUNT(*)`` over ``LIMIT cap + 1``), so a page costs the same whatever the
    table holds. Pages reach the newest ``cap`` rows; ``more`` says there are others (the
    filters find them)."""

    ordered = True

    def __init__(self, rows, cap: int = CAP):
        self.rows = rows
        self.cap = cap
        self._count: int | None = None

    def count(self) -> int:
        if self._count is None:
            # The ids alone: the rows' annotations (an invoice's balance: two subqueries a row)
            # are not built, nor run, to count them.
            self._count = self.rows.order_by().values("pk")[: self.cap + 1].count()
        return min(self._count, self.cap)

    @property
    def more(self) -> bool:
        self.count()
        return self._count > self.cap

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key):
        return self.rows[key]
