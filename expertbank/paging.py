"""Lists of every role page the same way: 50 rows a page, and the filters kept in page links."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

PAGE_SIZE = 50


def page_of(request: HttpRequest, rows, *, size: int = PAGE_SIZE) -> Page:
    """The page of ``rows`` that ``?page=`` asks for (the last one for a number too big)."""
    return Paginator(rows, size).get_page(request.GET.get("page"))


def query_without_page(request: HttpRequest) -> str:
    """The list's query string without its page number, for the page links."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()
