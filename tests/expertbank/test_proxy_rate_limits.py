"""Behind our reverse proxy every request comes from the proxy's address: the login limits key on
the client's address from X-Forwarded-For (``TRUSTED_PROXY_COUNT`` proxies of our own), so one
visitor's failures lock out nobody else, and a client cannot forge its way out of its limit."""

import pytest
import yaml
from django.test import Client, RequestFactory
from django.urls import reverse

from expertbank.client_ip import client_ip
from tests.expertbank.test_settings import _run as run_manage
from tests.factories import PASSWORD, UserFactory
from tests.test_docker_compose import COMPOSE_FILE, environment

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"  # the proxy's own address: REMOTE_ADDR of every request behind it
LOGIN = reverse("account_login")


@pytest.fixture
def behind_one_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1


def _via_proxy(forwarded: str) -> Client:
    """A browser behind the proxy; ``forwarded`` is the X-Forwarded-For the proxy sends on."""
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)


def _logged_in(client: Client) -> bool:
    return client.get("/").wsgi_request.user.is_authenticated


def _fail_ten_logins(client: Client) -> None:
    # Ten addresses (each under its own per-address limit of five), one wrong password each:
    # the limit of ten failures a minute per client address is reached.
    for number in range(10):
        client.post(LOGIN, {"login": f"nobody{number}@example.com", "password": "wrong"})


def test_failed_logins_behind_the_proxy_lock_out_only_that_client(behind_one_proxy):
    mine, theirs = UserFactory(), UserFactory()
    attacker = _via_proxy("203.0.113.5")
    _fail_ten_logins(attacker)
    attacker.post(LOGIN, {"login": mine.email, "password": PASSWORD})
    assert not _logged_in(attacker)  # the limit holds even with the right password

    colleague = _via_proxy("198.51.100.7")
    response = colleague.post(LOGIN, {"login": theirs.email, "password": PASSWORD})
    assert response.status_code == 302
    assert _logged_in(colleague)


def test_a_client_cannot_escape_its_login_limit_by_forging_forwarded_addresses(
    behind_one_proxy,
):
    user = UserFactory()
    _fail_ten_logins(_via_proxy("203.0.113.5"))
    # The client sends its own X-Forwarded-For; the proxy appends the address it saw.
    for forged in ("198.51.100.7, 203.0.113.5", "1.1.1.1, 2.2.2.2, 203.0.113.5"):
        client = _via_proxy(forged)
        client.post(LOGIN, {"login": user.email, "password": PASSWORD})
        assert not _logged_in(client), forged
    # Only the address the proxy appended counts: 198.51.100.7 itself may log in.
    honest = _via_proxy("198.51.100.7")
    honest.post(LOGIN, {"login": user.email, "password": PASSWORD})
    assert _logged_in(honest)


def test_without_trusted_proxies_the_forwarded_header_is_ignored(settings):
    user = UserFactory()
    _fail_ten_logins(Client(REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR="198.51.100.1"))
    settings.TRUSTED_PROXY_COUNT = 0
    client = Client(REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR="198.51.100.2")
    client.post(LOGIN, {"login": user.email, "password": PASSWORD})
    assert not _logged_in(client)
    # The same requests behind one trusted proxy: 198.51.100.2 is someone else.
    settings.TRUSTED_PROXY_COUNT = 1
    client.post(LOGIN, {"login": user.email, "password": PASSWORD})
    assert _logged_in(client)


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (0, "198.51.100.7", "10.0.0.2"),
        (1, "", "10.0.0.2"),
        (1, "198.51.100.7", "198.51.100.7"),
        (1, "6.6.6.6, 198.51.100.7", "198.51.100.7"),
        (1, " 198.51.100.7:4711 ", "198.51.100.7"),
        (1, "[2001:db8::1]:443", "2001:db8::1"),
        (2, "6.6.6.6, 198.51.100.7, 10.0.0.9", "198.51.100.7"),
        # Shorter than the proxies we run, or no address where the client's should be: the
        # request did not come through them; the connection's own address is used.
        (2, "198.51.100.7", "10.0.0.2"),
        (1, "not-an-address", "10.0.0.2"),
        (1, "198.51.100.7, ", "10.0.0.2"),
        (1, ",,,", "10.0.0.2"),
    ],
)
def test_the_client_address_is_read_from_the_trusted_end_of_the_header(
    settings, count, forwarded, expected
):
    settings.TRUSTED_PROXY_COUNT = count
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_a_malformed_forwarded_header_counts_against_the_proxys_own_address(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    user = UserFactory()
    malformed = _via_proxy("garbage, ,")
    _fail_ten_logins(malformed)  # no server error on the way
    malformed.post(LOGIN, {"login": user.email, "password": PASSWORD})
    assert not _logged_in(malformed)
    # A well-formed header through both proxies is another client, not the proxy.
    honest = _via_proxy("198.51.100.7, 10.0.0.9")
    response = honest.post(LOGIN, {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert _logged_in(honest)


def test_the_compose_web_service_trusts_its_one_proxy():
    web = yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))["services"]["web"]
    assert environment(web)["TRUSTED_PROXY_COUNT"] == "${TRUSTED_PROXY_COUNT:-1}"


@pytest.mark.parametrize("value", ["one", "-1", "1.5"])
def test_a_bad_proxy_count_stops_start_up_and_names_it(value):
    result = run_manage(["manage.py", "check"], TRUSTED_PROXY_COUNT=value)
    assert result.returncode != 0
    assert "TRUSTED_PROXY_COUNT must be a whole number" in result.stderr
