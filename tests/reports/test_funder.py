"""The funder report: its figures on a small known world, and the page, PDF and XLSX."""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from bookings.models import Feedback, ImpactAnswer
from reports.funder import funder_report
from reports.period import Period, Scope
from tests.bookings.factories import FundingSourceFactory
from tests.factories import CoordinatorFactory, ExpertFactory, UnitFactory
from tests.reports.world import add_gig
from tests.training.factories import CohortFactory, EnrollmentFactory, programme
from training.models import Enrollment

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_pages")]

YEAR = Period(date(2025, 1, 1), date(2025, 12, 31))


@pytest.fixture
def world():
    unit = UnitFactory(organisation__name="Vantaan kaupunki")
    other = UnitFactory(organisation__name="Päihdetyön Tuki ry")
    source = FundingSourceFactory(name="Kokemus mukaan", funder="STEA", budget=Decimal("5000"))
    aino = ExpertFactory(certified_on=date(2025, 2, 1))
    mikko = ExpertFactory(certified_on=date(2023, 5, 1))
    new = ExpertFactory(certified_on=None, status="in_training")
    add_gig(
        expert=aino,
        unit=unit,
        day=date(2025, 3, 4),
        reported=Decimal("2.5"),
        audience_size=40,
        funding=source,
        fee=Decimal("350.00"),
    )
    gig = add_gig(expert=mikko, unit=other, day=date(2025, 9, 9), audience_size=None)
    add_gig(expert=mikko, unit=other, day=date(2024, 9, 9), audience_size=99)  # before
    Feedback.objects.create(booking=gig.booking, rating=3, created_at=gig.end)
    ImpactAnswer.objects.create(
        booking=gig.booking,
        day_mark=30,
        change=ImpactAnswer.Change.PRACTICE,
        text="Otimme asiakasraadin ehdotuksen käyttöön ajanvarauksessa.",
        answered_at=gig.end + timedelta(days=31),
    )
    basic = CohortFactory(
        name="Peruskoulutus kevät 2025", starts_on=date(2025, 1, 10), ends_on=date(2025, 5, 30)
    )
    EnrollmentFactory(
        cohort=basic,
        expert=aino,
        status=Enrollment.Status.COMPLETED,
        completed_on=date(2025, 5, 30),
    )
    EnrollmentFactory(cohort=basic, expert=new, status=Enrollment.Status.IN_PROGRESS)
    group = CohortFactory(
        programme=programme("supervision"),
        name="Työnohjausryhmä Vantaa",
        starts_on=date(2024, 8, 1),
        ends_on=None,
    )
    EnrollmentFactory(cohort=group, expert=mikko, status=Enrollment.Status.IN_PROGRESS)
    CohortFactory(name="Peruskoulutus 2023", starts_on=date(2023, 1, 1), ends_on=date(2023, 6, 1))
    return {"source": source}


def test_the_report_counts_the_programme_s_year(world):
    report = funder_report(Scope(YEAR))
    assert (report.tally.gigs, report.tally.hours) == (2, Decimal("4.5"))
    assert (report.audience.reached, report.audience.times, report.audience.times_recorded) == (
        40,
        2,
        1,
    )
    assert [name for name, _t in report.organisations] == [
        "Vantaan kaupunki",
        "Päihdetyön Tuki ry",
    ]
    assert report.experts_active == 2
    assert report.trained == 1
    assert (report.certified_in_period, report.certified_pool) == (1, 2)
    assert report.in_supervision == 1
    assert {c.name: c.participants for c in report.cohorts} == {
        "Työnohjausryhmä Vantaa": 1,
        "Peruskoulutus kevät 2025": 2,
    }
    assert report.feedback.average == Decimal("3.0")
    assert report.impact_count == 1
    assert dict(report.impact_changes)["We changed how we work"] == 1
    assert report.impact[0].organisation == "Päihdetyön Tuki ry"
    (row,) = [f for f in report.funding if f.source == world["source"]]
    assert row.in_period == Decimal("350.00")
    assert report.costs_in_period == Decimal("350.00")


@pytest.fixture
def desk(client):
    client.force_login(CoordinatorFactory(language="en"))
    return client


PERIOD = {"from": "2025-01-01", "to": "2025-12-31"}


def test_the_page_shows_the_report(desk, world):
    response = desk.get(reverse("reports_coordinator:funder"), PERIOD)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Työnohjausryhmä Vantaa" in html and "Kokemus mukaan" in html
    assert "Audience reached" in html and "What changed: impact answers" in html
    assert "Otimme asiakasraadin ehdotuksen käyttöön ajanvarauksessa." in html


def test_the_pdf_names_the_period(desk, world):
    response = desk.get(reverse("reports_coordinator:funder"), {**PERIOD, "format": "pdf"})
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Funder report" in text
    assert "Period 1.1.2025–31.12.2025" in text
    assert "Vantaan kaupunki" in text


def test_the_xlsx_holds_every_part_of_the_report(desk, world):
    response = desk.get(reverse("reports_coordinator:funder"), {**PERIOD, "format": "xlsx"})
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[:3] == ["Summary", "Gigs by month", "Organisations"]
    assert "Costs by funding source" in book.sheetnames
    summary = {row[0].value: row[1].value for row in book["Summary"].iter_rows(min_row=2)}
    assert summary["Gigs"] == 2
    assert summary["Audience reached"] == 40
    assert summary["Experts in work supervision"] == 1
    impact = list(book["Impact answers"].iter_rows(min_row=2, values_only=True))
    assert impact[0][1:] == (
        "Päihdetyön Tuki ry",
        30,
        "We changed how we work",
        "Otimme asiakasraadin ehdotuksen käyttöön ajanvarauksessa.",
    )
    costs = list(book["Costs by funding source"].iter_rows(min_row=2, values_only=True))
    assert ("Kokemus mukaan", "STEA", 5000, 350, 350, 4650) in costs
