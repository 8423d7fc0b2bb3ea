"""A person in a real browser: logs in, lands on their start page, switches language."""

import pytest

from tests.factories import PASSWORD, CoordinatorFactory, ExpertFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _log_in(page, live_server, email: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Sähköposti").fill(email)
    page.get_by_label("Salasana").fill(PASSWORD)
    page.get_by_role("button", name="Kirjaudu sisään").click()


def test_an_expert_logs_in_and_reads_their_page_in_swedish(page, live_server):
    expert = ExpertFactory(user__email="anna@example.com", user__full_name="Anna Korhonen")
    _log_in(page, live_server, expert.user.email)
    page.wait_for_url(f"{live_server.url}/expert/")
    assert page.locator("h1").inner_text() == "Hei, Anna!"
    assert page.locator("html").get_attribute("lang") == "fi"

    page.get_by_role("button", name="SV").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "sv"
    assert page.locator("h1").inner_text() == "Hej, Anna!"
    expert.user.refresh_from_db()
    assert expert.user.language == "sv"


def test_a_coordinator_finds_the_work_queue_from_the_menu_on_a_phone(page, live_server):
    coordinator = CoordinatorFactory(email="sanna@example.com")
    _log_in(page, live_server, coordinator.email)
    page.wait_for_url(f"{live_server.url}/coordinator/")
    page.get_by_role("button", name="Näytä valikko").click()
    page.get_by_role("navigation").get_by_role("button", name="Hallinta").click()
    page.get_by_role("navigation").get_by_role("link", name="Kutsut").click()
    page.wait_for_url(f"{live_server.url}/coordinator/invitations/")
    assert page.locator("h1").inner_text() == "Kutsut"


def test_the_skip_link_is_the_first_stop_for_keyboard_users(page, live_server):
    page.goto(f"{live_server.url}/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.getAttribute('href')")
    assert focused == "#main"


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_the_coordinators_menu_fits_on_one_line_of_a_desktop(browser, live_server, language):
    coordinator = CoordinatorFactory(email="sanna@example.com", language=language)
    context = browser.new_context(viewport={"width": 1200, "height": 800}, locale="fi-FI")
    page = context.new_page()
    try:
        _log_in(page, live_server, coordinator.email)
        page.wait_for_url(f"{live_server.url}/coordinator/")
        assert page.locator("html").get_attribute("lang") == language
        assert page.locator("nav").get_by_role("button", name="EN", exact=True).is_visible()
        bar = page.evaluate(
            "() => { const bar = document.querySelector('nav > div');"
            " return [bar.scrollWidth, bar.clientWidth, document.querySelector('nav')"
            ".getBoundingClientRect().height]; }"
        )
        scroll_width, client_width, height = bar
        assert scroll_width <= client_width  # nothing pushed off the right edge
        assert height < 70  # one line, no wrapped items
    finally:
        context.close()
