"""The read replica for reports (issue 19): off by default; when configured, the report pages'
reads go to ``reports`` and every write and every other page stay on ``default``."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from django.http import HttpResponse
from django.test import RequestFactory

from expertbank.models import User
from expertbank.replica import ReportsReplicaMiddleware, ReportsRouter, reading_reports


@pytest.fixture
def replica(settings):
    settings.DATABASES = {**django_settings.DATABASES, "reports": {"ENGINE": "x"}}
    return ReportsRouter()


def test_no_replica_is_configured_by_default():
    assert "reports" not in django_settings.DATABASES
    with reading_reports():
        assert ReportsRouter().db_for_read(User) is None


def test_report_reads_go_to_the_replica_and_writes_never(replica):
    assert replica.db_for_read(User) is None
    with reading_reports():
        assert replica.db_for_read(User) == "reports"
        assert replica.db_for_write(User) == "default"
    assert replica.db_for_read(User) is None
    assert not replica.allow_migrate("reports", "expertbank")
    assert replica.allow_migrate("default", "expertbank")


@pytest.mark.parametrize(
    ("method", "path", "routed"),
    [
        ("GET", "/coordinator/dashboard/", True),
        ("GET", "/coordinator/reports/funder/", True),
        ("POST", "/coordinator/reports/funder/", False),
        ("GET", "/coordinator/bookings/", False),
    ],
)
def test_the_middleware_marks_only_report_pages(replica, method, path, routed):
    seen = []

    def view(request):
        seen.append(replica.db_for_read(User))
        return HttpResponse()

    request = getattr(RequestFactory(), method.lower())(path)
    ReportsReplicaMiddleware(view)(request)
    assert seen == ["reports" if routed else None]
