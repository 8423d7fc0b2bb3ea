"""The admin's date hierarchy asks the index period by period (``expertbank.admin_dates``), and
lists exactly the years and months Django's ``DISTINCT`` listed: a period with a row, none
without, the borders in Helsinki time (issue 19)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bookings.models import Booking
from expertbank.admin_dates import periods_with_rows, with_quick_dates
from invoicing.models import Invoice
from tests.bookings.factories import request_booking
from tests.factories import UnitFactory, UserFactory
from tests.invoicing.test_pages import bare_invoice

pytestmark = pytest.mark.django_db

HELSINKI = ZoneInfo("Europe/Helsinki")


def booking_at(moment: datetime, title: str = "Puheenvuoro") -> Booking:
    booking = request_booking(title=title)
    Booking.objects.filter(pk=booking.pk).update(first_start=moment)
    return booking


@pytest.fixture
def history():
    """Bookings in 2021, none in 2022, two in 2023 (one at 00:30 on New Year's night in
    Helsinki, still 2022 in UTC) and one at 22:30 UTC on 31 December 2024, which is 2025 in
    Helsinki; none in 2024."""
    booking_at(datetime(2021, 6, 1, 10, tzinfo=HELSINKI))
    booking_at(datetime(2023, 1, 1, 0, 30, tzinfo=HELSINKI))
    booking_at(datetime(2023, 3, 15, 9, tzinfo=HELSINKI))
    booking_at(datetime(2024, 12, 31, 22, 30, tzinfo=ZoneInfo("UTC")))


def test_the_years_are_those_with_bookings_in_helsinki_time(history):
    years = periods_with_rows(Booking.objects.all(), "first_start", "year")
    assert [year.year for year in years] == [2021, 2023, 2025]
    assert years == list(Booking.objects.datetimes("first_start", "year"))


def test_the_months_of_a_year_are_those_with_bookings(history):
    in_2023 = Booking.objects.filter(first_start__year=2023)
    months = periods_with_rows(in_2023, "first_start", "month")
    assert [(m.year, m.month) for m in months] == [(2023, 1), (2023, 3)]
    assert months == list(in_2023.datetimes("first_start", "month"))


def test_nothing_to_list_without_dates():
    assert periods_with_rows(Booking.objects.all(), "first_start", "year") == []


def test_the_years_follow_the_changelists_filters(history):
    Booking.objects.filter(first_start__year=2021).update(title="Vanha")
    filtered = with_quick_dates(Booking.objects.exclude(title="Vanha"))
    assert [year.year for year in filtered.datetimes("first_start", "year")] == [2023, 2025]


def test_a_span_past_the_probes_falls_back_to_djangos_distinct(history):
    booking_at(datetime(2400, 1, 1, 12, tzinfo=HELSINKI))
    assert periods_with_rows(Booking.objects.all(), "first_start", "year") is None
    quick = with_quick_dates(Booking.objects.all()).datetimes("first_start", "year")
    assert [year.year for year in quick] == [2021, 2023, 2025, 2400]


def test_the_bookings_changelist_links_each_year_with_bookings_without_a_distinct(client, history):
    client.force_login(UserFactory(is_staff=True, is_superuser=True, language="en"))
    with CaptureQueriesContext(connection) as captured:
        page = client.get("/admin/bookings/booking/").content.decode()
    for year in (2021, 2023, 2025):
        assert f"?first_start__year={year}" in page
    assert "?first_start__year=2022" not in page
    assert "?first_start__year=2024" not in page
    dates = [
        q["sql"] for q in captured if "first_start" in q["sql"] and "LIMIT 100" not in q["sql"]
    ]
    assert not any("DISTINCT" in sql for sql in dates), dates
    year = client.get("/admin/bookings/booking/?first_start__year=2023").content.decode()
    assert "first_start__month=1" in year and "first_start__month=3" in year
    assert "first_start__month=2" not in year
    assert timezone.is_aware(periods_with_rows(Booking.objects.all(), "first_start", "year")[0])


def test_a_date_field_lists_the_same_years_and_months_as_djangos_dates():
    """The invoices' issue date is a date, not a time: the same probes, plain dates."""
    unit = UnitFactory()
    for day in (date(2021, 12, 31), date(2023, 1, 1), date(2023, 3, 15)):
        invoice = bare_invoice(unit)
        Invoice.objects.filter(pk=invoice.pk).update(issue_date=day)
    years = periods_with_rows(Invoice.objects.all(), "issue_date", "year")
    assert years == [date(2021, 1, 1), date(2023, 1, 1)]
    assert years == list(Invoice.objects.dates("issue_date", "year"))
    in_2023 = Invoice.objects.filter(issue_date__year=2023)
    assert periods_with_rows(in_2023, "issue_date", "month") == [date(2023, 1, 1), date(2023, 3, 1)]
    assert periods_with_rows(in_2023, "issue_date", "month") == list(
        in_2023.dates("issue_date", "month")
    )


def test_the_invoices_changelist_links_each_year_without_a_distinct_or_a_second_count(client):
    unit = UnitFactory()
    for day in (date(2021, 6, 1), date(2023, 3, 15)):
        invoice = bare_invoice(unit)
        Invoice.objects.filter(pk=invoice.pk).update(issue_date=day)
    client.force_login(UserFactory(is_staff=True, is_superuser=True, language="en"))
    with CaptureQueriesContext(connection) as captured:
        page = client.get("/admin/invoicing/invoice/").content.decode()
    assert "?issue_date__year=2021" in page and "?issue_date__year=2023" in page
    assert "?issue_date__year=2022" not in page
    sqls = [q["sql"] for q in captured]
    assert not any("DISTINCT" in sql and "issue_date" in sql for sql in sqls), sqls
    assert sum(sql.startswith("SELECT COUNT(*)") for sql in sqls) == 1, sqls
    year = client.get("/admin/invoicing/invoice/?issue_date__year=2023").content.decode()
    assert "issue_date__month=3" in year and "issue_date__month=1" not in year


def test_dates_of_a_time_field_are_dates_as_djangos(history):
    quick = with_quick_dates(Booking.objects.all()).dates("first_start", "year")
    assert quick == list(Booking.objects.dates("first_start", "year"))
    assert all(type(day) is date for day in quick)
