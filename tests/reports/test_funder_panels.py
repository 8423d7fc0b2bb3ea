"""The funder report lists what organisers changed because of their customer panels in the
period (on the page and in the XLSX), narrowed by organisation like the rest of the report."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from bookings.services import panels
from reports.funder import funder_report
from reports.period import Period, Scope
from tests.bookings.factories import member
from tests.factories import CoordinatorFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_pages")]

YEAR = Period(date(2025, 1, 1), date(2025, 12, 31))
PERIOD = {"from": "2025-01-01", "to": "2025-12-31"}
CHANGE = "Päätöskirjeiden alkuun lisättiin selkokielinen tiivistelmä."


def panel_with_changes(organiser):
    panel = panels.panel_create(
        unit=organiser.memberships.get().unit,
        by=organiser,
        name_fi="Lastensuojelun asiakasraati",
        purpose="Asiakkaat arvioivat palvelua.",
        term_start=date(2024, 6, 1),
        term_end=date(2026, 5, 31),
        meetings_per_year=4,
        place="Kielotie 13, Vantaa",
    )
    for day, text in ((date(2025, 4, 2), CHANGE), (date(2024, 11, 5), "Ennen jaksoa")):
        panels.panel_change_add(panel=panel, day=day, change=text, meeting=None, by=organiser)
    return panel


def test_the_report_lists_the_panel_changes_of_the_period_and_narrows_by_organisation():
    organiser = member()
    panel_with_changes(organiser)
    (row,) = funder_report(Scope(YEAR)).panel_changes
    assert (row.day, row.change, row.panel) == (
        date(2025, 4, 2),
        CHANGE,
        "Lastensuojelun asiakasraati",
    )
    other = member().memberships.get().unit.organisation
    assert funder_report(Scope(YEAR, organisation=other)).panel_changes == []
    own = organiser.memberships.get().unit.organisation
    assert len(funder_report(Scope(YEAR, organisation=own)).panel_changes) == 1


def test_the_page_and_the_xlsx_show_them(client):
    panel_with_changes(member())
    client.force_login(CoordinatorFactory(language="en"))
    html = client.get(reverse("reports_coordinator:funder"), PERIOD).content.decode()
    assert "What organisers changed because of their customer panels" in html
    assert CHANGE in html and "Ennen jaksoa" not in html
    response = client.get(reverse("reports_coordinator:funder"), {**PERIOD, "format": "xlsx"})
    book = load_workbook(io.BytesIO(response.content))
    rows = list(book["Customer panel changes"].iter_rows(min_row=2, values_only=True))
    assert [row[3] for row in rows] == [CHANGE]
