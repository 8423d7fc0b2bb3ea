"""Report pages read from a replica when one is configured (issue 19: scale out).

With ``REPORTS_DATABASE_URL`` set (off by default), the database alias ``reports`` points at a
read replica of PostgreSQL and the pages under ``REPORTS_PATHS`` (the coordinator's dashboard
and reports, the units' and experts' figures) read there: ``ReportsReplicaMiddleware`` marks
the request, ``ReportsRouter`` sends its reads to the replica. Every write, and every read of
every other page, stays on ``default``. A replica lags its primary by a moment: the figures may
miss what happened in the last seconds, which reports can bear and a booking page could not.
"""

from __future__ import annotations

import contextlib
import threading

from django.conf import settings

REPORTS = "reports"
_state = threading.local()


def reports_configured() -> bool:
    return REPORTS in settings.DATABASES


@contextlib.contextmanager
def reading_reports():
    """Reads inside go to the replica (when configured); writes never do."""
    previous = getattr(_state, "reports", False)
    _state.reports = True
    try:
        yield
    finally:
        _state.reports = previous


class ReportsRouter:
    def db_for_read(self, model, **hints):
        if getattr(_state, "reports", False) and reports_configured():
            return REPORTS
        return None

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the same rows on both: the replica is a copy of default

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db != REPORTS  # the replica follows its primary's schema


class ReportsReplicaMiddleware:
    """Marks the requests for report pages (``settings.REPORTS_PATHS``) to read the replica."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("GET", "HEAD") and request.path.startswith(
            tuple(settings.REPORTS_PATHS)
        ):
            with reading_reports():
                return self.get_response(request)
        return self.get_response(request)
