"""The demo gives the dashboard two years to show."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from bookings.models import FundingSource, ImpactAnswer
from reports import dashboard
from reports.demo import HISTORY_CODE
from reports.period import Period, Scope
from tests.factories import CoordinatorFactory

pytestmark = pytest.mark.usefixtures("english_pages")


def test_the_demo_fills_two_years_of_charts(client):
    today = timezone.localdate()
    two_years = Period(Period.last_twelve_months(today).start.replace(year=today.year - 2), today)
    scope = Scope(two_years)
    months = dashboard.by_month(scope)
    assert sum(1 for _m, t in months if t.gigs) >= 20  # most months have work
    assert dashboard.spread(scope).worked >= 10
    assert dashboard.offers(scope).declined > 0
    assert sum(n for _m, n in dashboard.invoiced_by_month(scope) if n) > 0
    assert ImpactAnswer.objects.filter(share_with_experts=True).exists()
    source = FundingSource.objects.get(code=HISTORY_CODE)
    (row,) = [r for r in dashboard.funding(scope) if r.source == source]
    assert 0 < row.used <= source.budget

    client.force_login(CoordinatorFactory(language="en"))
    page = client.get(reverse("reports_coordinator:funder"), {"from": two_years.start, "to": today})
    assert page.status_code == 200
    assert "Kokemusasiantuntijat palveluihin -hanke" in page.content.decode()
