"""In a real browser: a coordinator who must use two-factor authentication sets up an
authenticator app at the first login and gives its code at the next; the account menu leads to
the two-factor page and logs out."""

import pytest

from tests.expertbank.test_mfa import totp_code
from tests.factories import PASSWORD, CoordinatorFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def desktop(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fi-FI")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def _log_in(page, live_server, email: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Sähköposti").fill(email)
    page.get_by_label("Salasana").fill(PASSWORD)
    page.get_by_role("button", name="Kirjaudu sisään").click()


def _log_out_from_the_account_menu(page) -> None:
    page.get_by_role("button", name="Oma tili").click()
    page.get_by_role("button", name="Kirjaudu ulos").click()
    page.wait_for_load_state()


def test_a_coordinator_sets_up_an_authenticator_app_and_is_asked_for_it_next_time(
    desktop, live_server, settings
):
    settings.MFA_REQUIRED_FOR_STAFF = True
    page = desktop
    coordinator = CoordinatorFactory(email="sanna@example.com")
    _log_in(page, live_server, coordinator.email)

    page.wait_for_url(f"{live_server.url}/accounts/2fa/")
    assert page.locator("h1").inner_text() == "Kaksivaiheinen tunnistus"
    assert page.locator("main .alert-warning").is_visible()
    page.goto(f"{live_server.url}/coordinator/")  # nothing else opens yet
    page.wait_for_url(f"{live_server.url}/accounts/2fa/")

    page.get_by_role("link", name="Aktivoi").click()
    page.wait_for_url("**/accounts/reauthenticate/**")  # the password once more
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name="Vahvista").click()
    page.wait_for_url(f"{live_server.url}/accounts/2fa/totp/activate/")
    assert page.get_by_role("img").first.is_visible()  # the QR code
    secret = page.locator("#authenticator_secret").input_value()
    page.get_by_label("Tunnistinkoodi").fill(totp_code(secret))
    page.get_by_role("button", name="Aktivoi").click()
    page.wait_for_url(f"{live_server.url}/accounts/2fa/recovery-codes/")
    assert len(page.locator("#recovery_codes").input_value().split()) == 10

    page.goto(f"{live_server.url}/coordinator/")
    assert page.url == f"{live_server.url}/coordinator/"
    _log_out_from_the_account_menu(page)

    _log_in(page, live_server, coordinator.email)
    page.wait_for_url(f"{live_server.url}/accounts/2fa/authenticate/")
    page.locator("input[name=code]").fill(totp_code(secret, step=1))
    page.get_by_role("button", name="Kirjaudu sisään").click()
    page.wait_for_url(f"{live_server.url}/coordinator/")


def test_the_account_menu_leads_to_two_factor_authentication(desktop, live_server):
    coordinator = CoordinatorFactory(email="sanna@example.com")
    _log_in(desktop, live_server, coordinator.email)
    desktop.wait_for_url(f"{live_server.url}/coordinator/")
    desktop.get_by_role("button", name="Oma tili").click()
    desktop.locator('nav a[href="/accounts/2fa/"]').click()
    desktop.wait_for_url(f"{live_server.url}/accounts/2fa/")
    assert desktop.locator("h1").inner_text() == "Kaksivaiheinen tunnistus"
    _log_out_from_the_account_menu(desktop)
    desktop.goto(f"{live_server.url}/coordinator/")
    assert "/accounts/login/" in desktop.url
