"""Coordinators, trainers and staff see many people's health data: after
``COORDINATOR_IDLE_TIMEOUT_MINUTES`` without a request they are logged out and sent to the login
page with a message. Experts and unit members keep the normal session age."""

import time

import pytest
from django.test import Client
from django.urls import reverse

from expertbank.idle_timeout import LAST_SEEN_KEY
from tests.expertbank.test_settings import _run as run_manage
from tests.factories import (
    CoordinatorFactory,
    ExpertFactory,
    MembershipFactory,
    TrainerFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

STAFF = {
    "coordinator": (CoordinatorFactory, "coordinator_home"),
    "trainer": (TrainerFactory, "training:home"),
    "staff user": (lambda: UserFactory(is_staff=True), "admin:index"),
}
OTHERS = {
    "expert": (lambda: ExpertFactory().user, "experts:portal_home"),
    "unit member": (lambda: MembershipFactory().user, "bookings:unit_home"),
}


@pytest.fixture(autouse=True)
def thirty_minutes(settings):
    settings.COORDINATOR_IDLE_TIMEOUT_MINUTES = 30


def _last_seen_minutes_ago(client, minutes: int) -> None:
    session = client.session
    session[LAST_SEEN_KEY] = int(time.time()) - minutes * 60
    session.save()


@pytest.mark.parametrize("role", STAFF)
def test_staff_idle_longer_than_the_timeout_are_logged_out_to_the_login_page(
    client, english_pages, role
):
    make_user, page = STAFF[role]
    client.force_login(make_user())
    url = reverse(page)
    assert client.get(url).status_code == 200
    _last_seen_minutes_ago(client, 31)
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?next={url}"
    login_page = client.get(response.url)
    assert not login_page.wsgi_request.user.is_authenticated
    assert "logged out after 30 minutes without activity" in login_page.content.decode()


@pytest.mark.parametrize("role", STAFF)
def test_staff_active_within_the_timeout_stay_logged_in(client, role):
    make_user, page = STAFF[role]
    client.force_login(make_user())
    _last_seen_minutes_ago(client, 29)
    assert client.get(reverse(page)).status_code == 200
    # The request counts as activity: the clock starts again.
    assert time.time() - client.session[LAST_SEEN_KEY] < 60


def test_after_the_same_idle_time_experts_and_unit_members_stay_logged_in():
    answers = {}
    for role, (make_user, page) in {**OTHERS, "coordinator": STAFF["coordinator"]}.items():
        client = Client()
        client.force_login(make_user())
        _last_seen_minutes_ago(client, 6 * 60)
        answers[role] = client.get(reverse(page)).status_code
    assert answers == {"expert": 200, "unit member": 200, "coordinator": 302}


@pytest.mark.parametrize("value", ["0", "half an hour"])
def test_a_bad_idle_timeout_stops_start_up_and_names_it(value):
    result = run_manage(["manage.py", "check"], COORDINATOR_IDLE_TIMEOUT_MINUTES=value)
    assert result.returncode != 0
    assert "COORDINATOR_IDLE_TIMEOUT_MINUTES must be" in result.stderr
