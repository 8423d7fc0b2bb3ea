"""The coordinator's dashboard and uptake: aggregates right on a small known world, filters,
downloads, constant query counts and access."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from bookings.models import Feedback, Gig
from reports import dashboard
from reports.period import Period, Scope
from tests.bookings.factories import FundingSourceFactory
from tests.factories import CoordinatorFactory, ExpertFactory, UnitFactory, UserFactory
from tests.reports.world import add_gig

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_pages")]

YEAR = Period(date(2025, 1, 1), date(2025, 12, 31))


@pytest.fixture
def world():
    """Two organisations (one with two units), three certified experts and a fourth without
    work; gigs in March and May 2025, one in 2024 (the period before) and one cancelled."""
    vantaa_a, vantaa_b = UnitFactory(organisation__name="Vantaan kaupunki"), None
    vantaa_b = UnitFactory(organisation=vantaa_a.organisation, name="Nuorisopalvelut")
    tuki = UnitFactory(organisation__name="Päihdetyön Tuki ry")
    UnitFactory(organisation__name="Tikkurilan lukio")  # never books
    certified = date(2024, 1, 1)
    aino = ExpertFactory(municipality="Vantaa", certified_on=certified)
    mikko = ExpertFactory(municipality="Helsinki", certified_on=certified)
    sari = ExpertFactory(municipality="Vantaa", certified_on=certified)
    ExpertFactory(municipality="Espoo", certified_on=certified)  # no work
    source = FundingSourceFactory(name="Kokemus mukaan", budget=Decimal("1000.00"))
    gigs = [
        add_gig(
            expert=aino,
            unit=vantaa_a,
            day=date(2025, 3, 4),
            hours=2,
            reported=Decimal("3.0"),
            paid_on=date(2025, 4, 15),
            audience_size=40,
            areas=("mental-health",),
            funding=source,
        ),
        add_gig(
            expert=mikko,
            unit=tuki,
            day=date(2025, 3, 10),
            hours=2,
            audience_size=12,
            areas=("mental-health", "substance-use"),
            work_kind="customer-panel",
        ),
        add_gig(expert=aino, unit=tuki, day=date(2025, 5, 20), hours=4, fee=Decimal("100.00")),
        add_gig(expert=sari, unit=vantaa_a, day=date(2024, 6, 1)),  # the period before
        add_gig(expert=sari, unit=vantaa_b, day=date(2025, 6, 1), status=Gig.Status.CANCELLED),
    ]
    Feedback.objects.create(booking=gigs[0].booking, rating=5, created_at=gigs[0].end)
    Feedback.objects.create(booking=gigs[1].booking, rating=4, created_at=gigs[1].end)
    return {
        "units": (vantaa_a, vantaa_b, tuki),
        "experts": (aino, mikko, sari),
        "gigs": gigs,
        "source": source,
    }


def test_gigs_and_hours_by_month_use_reported_hours_else_the_scheduled_length(world):
    months = dict(dashboard.by_month(Scope(YEAR)))
    assert len(months) == 12
    assert (months["3/2025"].gigs, months["3/2025"].hours) == (2, Decimal("5.0"))
    assert (months["5/2025"].gigs, months["5/2025"].hours) == (1, Decimal("4.0"))
    assert months["6/2025"].gigs == 0  # the cancelled gig does not count


def test_breakdowns_by_organisation_area_kind_and_municipality(world):
    scope = Scope(YEAR)
    assert {n: t.gigs for n, t in dashboard.by_organisation(scope)} == {
        "Vantaan kaupunki": 1,
        "Päihdetyön Tuki ry": 2,
    }
    areas = {n: t.gigs for n, t in dashboard.by_area(scope)}
    assert areas["Mental health"] == 2 and areas["Substance use"] == 1
    assert {n: t.gigs for n, t in dashboard.by_municipality(scope)} == {"Vantaa": 2, "Helsinki": 1}
    kinds = {n: t.hours for n, t in dashboard.by_work_kind(scope)}
    assert kinds["Talk"] == Decimal("7.0")


def test_filters_narrow_by_organisation_area_and_municipality(world):
    vantaa = world["units"][0].organisation
    assert dashboard.totals(dashboard.gigs_in(Scope(YEAR, organisation=vantaa))).gigs == 1
    from experts.models import ExperienceArea

    substance = ExperienceArea.objects.get(slug="substance-use")
    assert dashboard.totals(dashboard.gigs_in(Scope(YEAR, area=substance))).gigs == 1
    helsinki = dashboard.totals(dashboard.gigs_in(Scope(YEAR, municipality="helsinki")))
    assert (helsinki.gigs, helsinki.hours) == (1, Decimal("2.0"))


def test_the_spread_counts_certified_experts_with_and_without_work(world):
    spread = dashboard.spread(Scope(YEAR))
    assert (spread.pool, spread.worked, spread.share) == (4, 2, 50)
    buckets = dict(spread.buckets)
    assert buckets["no gigs"] == 2
    assert buckets["5–10 h"] == 1  # Aino: 3 + 4 hours
    assert buckets["0–5 h"] == 1  # Mikko: 2 hours


def test_feedback_offers_money_and_funding(world):
    scope = Scope(YEAR)
    assert dashboard.feedback(scope).average == Decimal("4.5")
    offers = dashboard.offers(scope)
    assert offers.counts == {"accepted": 4}  # offered nine days before each gig of 2025
    assert (offers.total, offers.answered, offers.declined) == (4, 4, 0)
    fees = dict(dashboard.fees_paid_by_month(scope))
    assert fees["4/2025"] == Decimal("200.00") and fees["3/2025"] == Decimal("0.00")
    (row,) = [r for r in dashboard.funding(scope) if r.source == world["source"]]
    assert (row.in_period, row.used, row.remaining) == (
        Decimal("200.00"),
        Decimal("200.00"),
        Decimal("800.00"),
    )


def test_the_median_days_from_request_to_confirmation(world):
    from bookings.models import BookingChange

    for gig, days in zip(world["gigs"][:3], (1, 2, 6), strict=True):
        booking = gig.booking
        BookingChange.objects.create(
            booking=booking,
            from_status="staffing",
            to_status="confirmed",
            at=booking.created_at + timedelta(days=days),
        )
    assert dashboard.confirmation_days(Scope(YEAR)) == (Decimal("2.0"), 3)


def test_uptake_counts_who_used_experts_against_the_period_before(world):
    uptake = dashboard.uptake(Scope(YEAR))
    rows = {r.name: (r.gigs, r.previous) for r in uptake.rows}
    assert rows["Päihdetyön Tuki ry"] == (2, 0)
    assert rows["Vantaan kaupunki"] == (1, 1)
    assert rows["Tikkurilan lukio"] == (0, 0)
    assert (uptake.used, uptake.used_before) == (2, 1)
    of_units = dashboard.uptake(Scope(YEAR, organisation=world["units"][0].organisation))
    assert of_units.of_units
    assert {r.name: r.gigs for r in of_units.rows} == {
        world["units"][0].name: 1,
        "Nuorisopalvelut": 0,
    }


@pytest.fixture
def desk(client):
    client.force_login(CoordinatorFactory(language="en"))
    return client


def test_the_dashboard_shows_the_period_and_its_charts(desk, world):
    response = desk.get(
        reverse("reports_coordinator:dashboard"), {"from": "2025-01-01", "to": "2025-12-31"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'role="img"' in html and "Gigs by month" in html
    assert "2 of the 4 certified experts (50 %) got work in the period." in html
    assert "2 of 3 organisations used experts in the period." in html


def test_a_bad_period_is_explained_and_the_default_shown(desk, world):
    response = desk.get(
        reverse("reports_coordinator:dashboard"), {"from": "2025-12-31", "to": "2025-01-01"}
    )
    assert response.status_code == 200
    assert "The end of the period must not be before its start." in response.content.decode()
    response = desk.get(
        reverse("reports_coordinator:dashboard"), {"from": "not a date", "organisation": "x"}
    )
    assert response.status_code == 200


def test_the_dashboard_downloads_a_table_as_csv_and_all_as_xlsx(desk, world):
    url = reverse("reports_coordinator:dashboard")
    period = {"from": "2025-01-01", "to": "2025-12-31"}
    response = desk.get(url, {**period, "format": "csv", "table": "gigs-by-organisation"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Organisation", "Gigs", "Hours"]
    assert ["Päihdetyön Tuki ry", "2", "6.0"] in rows
    response = desk.get(url, {**period, "format": "xlsx"})
    book = load_workbook(io.BytesIO(response.content))
    assert "Gigs by month" in book.sheetnames
    sheet = book["Gigs by month"]
    assert [c.value for c in sheet[4]] == ["3/2025", 2]
    assert desk.get(url, {**period, "format": "csv", "table": "nope"}).status_code == 404


def test_an_organisation_name_cannot_run_as_a_formula_in_the_download(desk, world):
    unit = world["units"][2]
    unit.organisation.name = '=HYPERLINK("http://x")'
    unit.organisation.save()
    response = desk.get(
        reverse("reports_coordinator:uptake"),
        {"from": "2025-01-01", "to": "2025-12-31", "format": "xlsx"},
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    names = [row[0].value for row in sheet.iter_rows(min_row=2)]
    assert '\'=HYPERLINK("http://x")' in names
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_the_uptake_page_says_how_many_of_how_many(desk, world):
    response = desk.get(
        reverse("reports_coordinator:uptake"), {"from": "2025-01-01", "to": "2025-12-31"}
    )
    html = response.content.decode()
    assert "2 of 3 organisations used experts in the period." in html
    assert "Tikkurilan lukio" in html


@pytest.mark.parametrize("name", ["dashboard", "uptake", "funder"])
def test_only_coordinators_see_the_reports(client, name):
    url = reverse(f"reports_coordinator:{name}")
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(UserFactory())
    assert client.get(url).status_code == 403
    client.force_login(ExpertFactory().user)
    assert client.get(url).status_code == 403


def _many(n: int):
    unit = UnitFactory()
    expert = ExpertFactory(certified_on=date(2024, 1, 1))
    source = FundingSourceFactory()
    for i in range(n):
        day = date(2025, 1, 1) + timedelta(days=i * 3)
        gig = add_gig(
            expert=expert,
            unit=unit,
            day=day,
            reported=Decimal("2") if i % 2 else None,
            paid_on=day,
            funding=source,
            areas=("mental-health",),
        )
        Feedback.objects.create(booking=gig.booking, rating=1 + i % 5, created_at=gig.end)


def _queries(client, url):
    # Counted from scratch each time: an ended month's figures kept in the cache from the last
    # request would save their query (reports.figures), which is not what this compares.
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, {"from": "2025-01-01", "to": "2025-12-31"})
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("name", ["dashboard", "uptake", "funder"])
def test_a_page_takes_as_many_queries_for_one_booking_as_for_fifty(desk, name):
    url = reverse(f"reports_coordinator:{name}")
    _many(1)
    one = _queries(desk, url)
    _many(49)
    assert _queries(desk, url) == one
    with CaptureQueriesContext(connection) as kept:  # the ended months from the cache
        desk.get(url, {"from": "2025-01-01", "to": "2025-12-31"})
    assert len(kept) < one


@pytest.mark.parametrize("name", ["dashboard", "uptake", "funder"])
def test_tampered_filters_are_explained_never_a_server_error(desk, name):
    url = reverse(f"reports_coordinator:{name}")
    hostile = [
        {"from": "0001-01-01", "to": "9999-12-31"},
        {"from": "2000-01-01", "to": "2025-12-31"},  # more than five years
        {"organisation": "9" * 20, "area": "-1", "municipality": "<script>"},
        {"from": "2025-01-01", "format": "exe", "table": "x" * 500},
    ]
    for query in hostile:
        response = desk.get(url, query)
        assert response.status_code == 200, query
    html = desk.get(url, {"from": "2000-01-01", "to": "2025-12-31"}).content.decode()
    assert "Choose a period of at most five years." in html
