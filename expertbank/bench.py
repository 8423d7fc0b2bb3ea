"""What ``make bench`` needs from the site (issue 19), on only when ``BENCH`` is set: a
middleware that tells each response's server time and number of queries in its headers, and a
bare view to serve beside the real pages in the same run. Never on in production."""

from __future__ import annotations

import time

from django.db import connections
from django.http import HttpRequest, HttpResponse
from django.urls import path

from expertbank.urls import urlpatterns as site_urlpatterns


class _Counter:
    def __init__(self):
        self.queries = 0

    def __call__(self, execute, sql, params, many, context):
        self.queries += 1
        return execute(sql, params, many, context)


class BenchTimingMiddleware:
    """``Server-Timing: app;dur=<ms>`` and ``X-Bench-Queries: <n>`` on every response: the time
    from the first middleware in to the last out, and the queries on every database."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        counter = _Counter()
        started = time.perf_counter()
        wrappers = [connection.execute_wrapper(counter) for connection in connections.all()]
        for wrapper in wrappers:
            wrapper.__enter__()
        try:
            response = self.get_response(request)
        finally:
            for wrapper in wrappers:
                wrapper.__exit__(None, None, None)
        elapsed = (time.perf_counter() - started) * 1000
        response["Server-Timing"] = f"app;dur={elapsed:.2f}"
        response["X-Bench-Queries"] = str(counter.queries)
        return response


def bare(request: HttpRequest) -> HttpResponse:
    """Django's floor: the whole middleware stack and a response, no database, no template."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/bare/", bare, name="bench_bare"), *site_urlpatterns]
