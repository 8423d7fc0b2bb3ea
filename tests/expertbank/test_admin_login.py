"""The admin has no login of its own: /admin/login/ sends everyone to the site's login (allauth),
with its rate limits and e-mail verification, and keeps ``next``."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD, CoordinatorFactory, ExpertFactory

pytestmark = pytest.mark.django_db

ADMIN_LOGIN = "/admin/login/"
SITE_LOGIN = reverse("account_login")


def _logged_in(client: Client) -> bool:
    return client.get("/").wsgi_request.user.is_authenticated


def test_the_admin_login_page_sends_to_the_sites_login_with_next(client):
    response = client.get(ADMIN_LOGIN, {"next": "/admin/"})
    assert response.status_code == 302
    assert response.url == f"{SITE_LOGIN}?next=/admin/"


def test_an_anonymous_visit_to_the_admin_ends_at_the_sites_login(client):
    response = client.get("/admin/expertbank/user/", follow=True)
    assert response.redirect_chain[-1] == (f"{SITE_LOGIN}?next=/admin/expertbank/user/", 302)
    assert response.status_code == 200


def test_a_next_address_elsewhere_is_not_carried_along(client):
    response = client.get(ADMIN_LOGIN, {"next": "https://evil.example/admin/"})
    assert response.url == f"{SITE_LOGIN}?next=/admin/"


def test_passwords_posted_to_the_admin_login_never_log_in(client):
    coordinator = CoordinatorFactory()
    for _attempt in range(40):
        response = client.post(
            ADMIN_LOGIN, {"username": coordinator.email, "password": "wrong", "next": "/admin/"}
        )
        assert response.status_code == 302
        assert response.url.startswith(SITE_LOGIN)
    response = client.post(
        ADMIN_LOGIN, {"username": coordinator.email, "password": PASSWORD, "next": "/admin/"}
    )
    assert response.url.startswith(SITE_LOGIN)
    assert not _logged_in(client)


def test_the_admin_login_does_not_bypass_the_sites_throttle(client):
    coordinator = CoordinatorFactory()
    for _attempt in range(5):
        client.post(SITE_LOGIN, {"login": coordinator.email, "password": "wrong"})
    client.post(ADMIN_LOGIN, {"username": coordinator.email, "password": PASSWORD})
    assert not _logged_in(client)
    client.post(SITE_LOGIN, {"login": coordinator.email, "password": PASSWORD})
    assert not _logged_in(client)  # the site's limit holds


def test_a_coordinator_logs_in_through_the_site_and_lands_in_the_admin(client):
    coordinator = CoordinatorFactory()
    response = client.post(
        f"{SITE_LOGIN}?next=/admin/", {"login": coordinator.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.url == "/admin/"
    assert client.get("/admin/").status_code == 200
    # Already in: the admin's login page sends straight on.
    assert client.get(ADMIN_LOGIN, {"next": "/admin/expertbank/"}).url == "/admin/expertbank/"


def test_a_logged_in_user_without_admin_access_is_refused_not_sent_round_in_circles(client):
    client.force_login(ExpertFactory().user)
    assert client.get(ADMIN_LOGIN, {"next": "/admin/"}).status_code == 403


def test_the_admins_password_change_is_the_sites(client):
    client.force_login(CoordinatorFactory())
    response = client.get(reverse("admin:password_change"))
    assert response.status_code == 302
    assert response.url == reverse("account_change_password")
