"""The application limit (``APPLY_LIMIT`` valid applications an hour per client address) keys on
the client behind our proxy, cannot be escaped by forging X-Forwarded-For, and counts only valid
applications: a form sent back with errors costs the applicant nothing."""

import pytest
from django.test import Client

from tests.training.factories import OpenCohortFactory
from tests.training.test_applications import APPLY, _form
from training.models import Application
from training.views import public

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"


@pytest.fixture
def limit_two(monkeypatch, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    monkeypatch.setattr(public, "APPLY_LIMIT", 2)


def _via_proxy(forwarded: str) -> Client:
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)


def _use_up_the_limit(client: Client, cohort) -> None:
    for number in range(2):
        response = client.post(APPLY, _form(cohort, email=f"hakija{number}@example.net"))
        assert response.status_code == 302
    assert client.post(APPLY, _form(cohort, email="third@example.net")).status_code == 429


def test_applicants_behind_the_proxy_do_not_share_one_quota(limit_two):
    cohort = OpenCohortFactory()
    _use_up_the_limit(_via_proxy("203.0.113.5"), cohort)
    response = _via_proxy("198.51.100.7").post(APPLY, _form(cohort, email="other@example.net"))
    assert response.status_code == 302
    assert Application.objects.filter(email="other@example.net").exists()


def test_forged_forwarded_addresses_do_not_escape_the_limit(limit_two):
    cohort = OpenCohortFactory()
    _use_up_the_limit(_via_proxy("203.0.113.5"), cohort)
    for forged in ("198.51.100.7, 203.0.113.5", "1.1.1.1, 2.2.2.2, 203.0.113.5"):
        response = _via_proxy(forged).post(APPLY, _form(cohort, email="forged@example.net"))
        assert response.status_code == 429, forged
    assert not Application.objects.filter(email="forged@example.net").exists()
    # Only the address the proxy appended counts: 198.51.100.7 itself is still welcome.
    response = _via_proxy("198.51.100.7").post(APPLY, _form(cohort, email="real@example.net"))
    assert response.status_code == 302


def test_addresses_of_one_ipv6_network_share_a_quota(limit_two):
    cohort = OpenCohortFactory()
    _use_up_the_limit(_via_proxy("2001:db8:1:2::1"), cohort)
    response = _via_proxy("2001:db8:1:2::ffff").post(APPLY, _form(cohort, email="v6@example.net"))
    assert response.status_code == 429
    response = _via_proxy("2001:db8:1:3::1").post(APPLY, _form(cohort, email="v6@example.net"))
    assert response.status_code == 302  # another network


def test_invalid_applications_do_not_use_up_the_limit(limit_two):
    cohort = OpenCohortFactory()
    client = _via_proxy("203.0.113.5")
    for _attempt in range(5):
        data = _form(cohort)
        del data["consent"]
        response = client.post(APPLY, data)
        assert response.status_code == 200
        assert response.context["form"].errors
    for number in range(2):
        response = client.post(APPLY, _form(cohort, email=f"hakija{number}@example.net"))
        assert response.status_code == 302
    assert Application.objects.count() == 2
    # Now the limit is used up: even a form with errors is refused before it is read.
    response = client.post(APPLY, data)
    assert response.status_code == 429
    assert "Too many applications" in response.content.decode()
