"""Journey 5 (issue 20): the first steps of journeys 1 and 2 in Swedish and in English, with no
Finnish left on the pages: the unit member's request up to its price check, and the expert's gig
after it ended, with its report form. The data's own Finnish (names, the title, the place) is
allowed; the site's words are not (``FINNISH_UI_WORDS``)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.bookings.reports_factories import ended_gig
from tests.e2e.journeys.helpers import JOURNEY, check_page, finnish_words, tr, visible_text, visit
from tests.e2e.journeys.steps import TITLE, next_week_thursday, unit_requests

pytestmark = JOURNEY

DATA = (
    TITLE,
    "Nuorisopalvelut",
    "Vantaan kaupunki",
    "Nuorisotalo Tikkurila, Kielotie 13, Vantaa",
    "Henkilöstöpäivä: ohjaajat kuulevat, miten nuoret kokevat palvelumme.",
    "Oma polku palveluihin ja mikä auttoi.",
    "Kielotie 13, Vantaa",
    "Laura Mäkinen",
    "Sanna Virtanen",
    "Anna Korhonen",
    "Anna K.",
)


def no_finnish(language: str):
    """A page check: ``check_page`` and no Finnish UI word, the page in ``language``."""

    def on_page(page, screenshot=None):
        check_page(page, screenshot)
        assert page.locator("html").get_attribute("lang") == language, page.url
        left = finnish_words(visible_text(page), allowed=DATA)
        assert not left, f"{page.url} in {language} still says in Finnish: {left}"

    return on_page


@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_first_steps_of_the_request_and_the_report_have_no_finnish_left(
    ground, open_page, language
):
    on_page = no_finnish(language)

    unit = open_page(ground.unit_member, name=f"unit-{language}", language=language)
    checked = unit_requests(unit, next_week_thursday(), language, on_page=on_page)
    assert tr("Price and cancellation terms", language) in checked

    gig = ended_gig(
        expert=ground.anna,
        coordinator=ground.coordinator,
        by=ground.unit_member,
        ended_ago=timedelta(hours=2),
    )
    expert = open_page(ground.anna.user, name=f"expert-{language}", language=language)
    visit(expert, "/gigs/", axe=False)
    on_page(expert, f"expert-home-{language}")
    visit(expert, f"/gigs/{gig.pk}/", axe=False)
    on_page(expert, f"expert-gig-{language}")
    visit(expert, f"/gigs/{gig.pk}/report/", axe=False)
    on_page(expert, f"expert-report-{language}")
    assert tr("Hours at the gig", language) in visible_text(expert)
