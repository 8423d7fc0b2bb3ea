"""Every page after the gig for every role (wrong role 403, someone else's object 404, anonymous
to the login page), receipts only for their expert and coordinators, the work-queue panels, and
list pages that take the same number of queries for 1 row and for 50."""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from bookings.models import CheckIn, Expense, Feedback, Gig
from bookings.services.feedback import feedback_give, feedback_release
from bookings.services.reports import CheckInInput, ExpenseInput, report_submit
from tests.bookings.factories import bookable_expert, member
from tests.bookings.reports_factories import (
    ended_gig,
    png,
    private_media,
)
from tests.factories import CoordinatorFactory, TrainerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    return private_media(settings, tmp_path)


@dataclass
class World:
    coordinator: object
    member: object
    other_member: object
    expert: object
    other_expert: object
    trainer: object
    gig: Gig
    expense: Expense
    checkin: CheckIn
    feedback: Feedback


@pytest.fixture
def world(terms, media) -> World:
    coordinator = CoordinatorFactory(language="en")
    booker = member()
    gig = ended_gig(by=booker, coordinator=coordinator)
    report = report_submit(
        gig=gig,
        by=gig.expert.user,
        hours=Decimal("2"),
        expenses=[ExpenseInput("Bussilippu", Decimal("3.20"), png())],
        checkin=CheckInInput(feeling=2, wants_debrief=True, message="Raskas päivä, soitatko?"),
    )
    feedback = feedback_give(booking=gig.booking, by=booker, rating=4, text="Hyvä!")
    return World(
        coordinator=coordinator,
        member=booker,
        other_member=member(),
        expert=gig.expert.user,
        other_expert=bookable_expert().user,
        trainer=TrainerFactory(),
        gig=gig,
        expense=report.expenses.get(),
        checkin=CheckIn.objects.get(gig=gig),
        feedback=feedback,
    )


# url name, method, whose page, object argument
PAGES = [
    ("bookings_expert:report", "get", "expert", "gig"),
    ("bookings_expert:feedback", "get", "expert", None),
    ("bookings:feedback", "get", "unit", "booking"),
    ("bookings_coordinator:reports", "get", "coordinator", None),
    ("bookings_coordinator:report", "get", "coordinator", "gig"),
    ("bookings_coordinator:report_approve", "post", "coordinator", "gig"),
    ("bookings_coordinator:report_return", "get", "coordinator", "gig"),
    ("bookings_coordinator:checkins", "get", "coordinator", None),
    ("bookings_coordinator:checkin_arrange", "get", "coordinator", "checkin"),
    ("bookings_coordinator:feedback", "get", "coordinator", None),
    ("bookings_coordinator:feedback_release", "post", "coordinator", "feedback"),
]
ROLES = ["anonymous", "trainer", "coordinator", "member", "other_member", "expert", "other_expert"]
OWNERS = {"unit": "member", "coordinator": "coordinator", "expert": "expert"}
SAME_ROLE_STRANGER = {"unit": "other_member", "expert": "other_expert"}


def _url(world: World, name: str, argument: str | None) -> str:
    objects = {
        "gig": world.gig,
        "booking": world.gig.booking,
        "checkin": world.checkin,
        "feedback": world.feedback,
        "expense": world.expense,
    }
    return reverse(name, args=[objects[argument].pk] if argument else [])


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "method", "audience", "argument"), PAGES)
def test_every_page_answers_each_role_as_it_should(
    client, world, role, name, method, audience, argument
):
    url = _url(world, name, argument)
    if role != "anonymous":
        client.force_login(getattr(world, role))
    response = getattr(client, method)(url)
    if role == "anonymous":
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    elif role == OWNERS[audience]:
        assert response.status_code in (200, 302), response.content[:300]
    elif role == SAME_ROLE_STRANGER.get(audience):
        expected = 404 if argument else (200 if method == "get" else 302)
        assert response.status_code == expected
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("name", [p[0] for p in PAGES if p[1] == "post"])
def test_actions_refuse_get(client, world, name):
    client.force_login(world.coordinator)
    argument = next(p[3] for p in PAGES if p[0] == name)
    assert client.get(_url(world, name, argument)).status_code == 405


@pytest.mark.parametrize(
    ("name", "role", "expected"),
    [
        # The expert's address: their own receipt; another expert's is not there (404), and
        # other roles are at the wrong address (403, as on every expert page).
        ("bookings_expert:receipt", "expert", 200),
        ("bookings_expert:receipt", "other_expert", 404),
        ("bookings_expert:receipt", "coordinator", 403),
        ("bookings_expert:receipt", "member", 403),
        ("bookings_expert:receipt", "other_member", 403),
        ("bookings_expert:receipt", "trainer", 403),
        # The coordinators' address: any receipt, for coordinators only.
        ("bookings_coordinator:receipt", "coordinator", 200),
        ("bookings_coordinator:receipt", "expert", 403),
        ("bookings_coordinator:receipt", "other_expert", 403),
        ("bookings_coordinator:receipt", "member", 403),
        ("bookings_coordinator:receipt", "trainer", 403),
    ],
)
def test_a_receipt_is_served_only_to_its_expert_and_coordinators(
    client, world, name, role, expected
):
    client.force_login(getattr(world, role))
    response = client.get(reverse(name, args=[world.expense.pk]))
    assert response.status_code == expected
    if expected == 200:
        assert response["Content-Type"] == "image/png"
        assert response["Cache-Control"] == "private, no-store"
        assert b"".join(response.streaming_content).startswith(b"\x89PNG")


def test_an_anonymous_visitor_gets_no_receipt(client, world):
    response = client.get(reverse("bookings_expert:receipt", args=[world.expense.pk]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_a_coordinator_page_for_a_missing_object_is_404(client, world):
    client.force_login(world.coordinator)
    for name in ("report", "report_return", "checkin_arrange"):
        assert client.get(reverse(f"bookings_coordinator:{name}", args=[999999])).status_code == 404
    assert client.get(reverse("bookings_coordinator:receipt", args=[999999])).status_code == 404


def test_the_work_queue_shows_reports_debriefs_and_feedback_waiting(client, world):
    client.force_login(world.coordinator)
    page = client.get(reverse("coordinator_home")).content.decode()
    assert "Reports to approve" in page
    assert "Check-ins asking for a debrief" in page
    assert "Feedback to release" in page
    assert reverse("bookings_coordinator:report", args=[world.gig.pk]) in page
    assert "Raskas päivä" not in page  # the check-in's words stay on its own page


# --- Query counts --------------------------------------------------------------------------------


def _counts(client, url, make):
    make(1)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    make(49)
    with CaptureQueriesContext(connection) as fifty:
        page = client.get(url)
    assert page.status_code == 200
    return len(one), len(fifty), page.content.decode()


def _reports(count, *, checkin=False, expert=None, coordinator=None, booker=None):
    gigs = []
    for _index in range(count):
        gig = ended_gig(expert=expert, coordinator=coordinator, by=booker or member())
        report_submit(
            gig=gig,
            by=gig.expert.user,
            hours=Decimal("2"),
            checkin=CheckInInput(feeling=1, wants_debrief=True) if checkin else None,
        )
        gigs.append(gig)
    return gigs


@pytest.fixture
def desk(client, terms):
    coordinator = CoordinatorFactory(language="en")
    client.force_login(coordinator)
    client.coordinator = coordinator
    return client


def test_the_report_list_takes_the_same_queries_for_1_and_50(desk, media):
    def make(count):
        for gig in _reports(count, coordinator=desk.coordinator):
            report = gig.report
            Expense.objects.create(report=report, description="Lippu", amount=Decimal("2.50"))

    one, fifty, page = _counts(desk, reverse("bookings_coordinator:reports"), make)
    assert one == fifty
    assert page.count("/coordinator/bookings/reports/") >= 50
    for query in ("?view=missing", "?view=approved&q=x&day_from=2020-01-01", "?view=nonsense"):
        assert desk.get(reverse("bookings_coordinator:reports") + query).status_code == 200


def test_the_check_in_list_takes_the_same_queries_for_1_and_50(desk):
    one, fifty, page = _counts(
        desk,
        reverse("bookings_coordinator:checkins"),
        lambda count: _reports(count, checkin=True, coordinator=desk.coordinator),
    )
    assert one == fifty
    assert page.count("Mark arranged") >= 50


def test_the_feedback_list_takes_the_same_queries_for_1_and_50(desk):
    def make(count):
        for gig in _reports(count, coordinator=desk.coordinator):
            booker = gig.booking.requested_by
            feedback_give(booking=gig.booking, by=booker, rating=3, text="Ok")

    one, fifty, page = _counts(desk, reverse("bookings_coordinator:feedback"), make)
    assert one == fifty
    assert page.count("Release to the experts") >= 50
    for query in ("?state=waiting&rating=3", "?state=released", "?rating=9", "?booking=x"):
        assert desk.get(reverse("bookings_coordinator:feedback") + query).status_code == 200


def test_the_work_queue_takes_the_same_queries_for_1_and_50(desk):
    def make(count):
        for gig in _reports(count, checkin=True, coordinator=desk.coordinator):
            feedback_give(booking=gig.booking, by=gig.booking.requested_by, rating=5)

    one, fifty, _page = _counts(desk, reverse("coordinator_home"), make)
    assert one == fifty


def test_the_experts_feedback_list_takes_the_same_queries_for_1_and_50(client, terms):
    expert = bookable_expert()
    coordinator = CoordinatorFactory()
    client.force_login(expert.user)
    day = iter(range(10, 200, 2))

    def make(count):
        for _index in range(count):
            gig = ended_gig(
                expert=expert, coordinator=coordinator, ended_ago=timedelta(days=next(day))
            )
            item = feedback_give(booking=gig.booking, by=gig.booking.requested_by, rating=4)
            feedback_release(feedback=item, by=coordinator)

    one, fifty, page = _counts(client, reverse("bookings_expert:feedback"), make)
    assert one == fifty
    assert page.count("card-title") >= 50


def test_the_past_gigs_list_with_report_buttons_takes_the_same_queries(client, terms):
    expert = bookable_expert()
    coordinator = CoordinatorFactory()
    client.force_login(expert.user)
    day = iter(range(10, 200, 2))

    def make(count):
        for _index in range(count):
            ended_gig(expert=expert, coordinator=coordinator, ended_ago=timedelta(days=next(day)))

    with translation.override("en"):
        one, fifty, page = _counts(client, reverse("bookings_expert:past"), make)
    assert one == fifty
    assert page.count("Report this gig") == 50


def test_my_gigs_with_gigs_to_report_takes_the_same_queries(client, terms):
    expert = bookable_expert()
    coordinator = CoordinatorFactory()
    client.force_login(expert.user)
    client.get(reverse("bookings_expert:home"))  # the first visit makes the calendar address
    day = iter(range(10, 200, 2))

    def make(count):
        for _index in range(count):
            ended_gig(expert=expert, coordinator=coordinator, ended_ago=timedelta(days=next(day)))

    one, fifty, page = _counts(client, reverse("bookings_expert:home"), make)
    assert one == fifty
    assert page.count("/report/") == 20  # the oldest twenty first; the rest in past gigs


def test_travel_is_priced_on_the_approval_page_and_the_experts_gig_page(client, terms, coordinator):
    """Kilometres at the allowance of the trip's year and the receipted expenses, in euros."""
    from django.utils import timezone

    from bookings.money import mileage_allowance

    gig = ended_gig(coordinator=coordinator)
    report_submit(
        gig=gig,
        by=gig.expert.user,
        hours=Decimal("2"),
        km=40,
        km_from="Tikkurila",
        expenses=[ExpenseInput("Juna", Decimal("12.40"), png())],
    )
    amount = mileage_allowance(km=40, trip_date=timezone.localdate(gig.start))
    shown = f"{amount:.2f}".replace(".", ",")
    with translation.override("en"):
        client.force_login(coordinator)
        page = client.get(reverse("bookings_coordinator:report", args=[gig.pk])).content.decode()
        assert "Kilometre allowance" in page and "12.40" in page.replace(",", ".")
        assert f"{amount:.2f}" in page.replace(",", ".")
        client.force_login(gig.expert.user)
        mine = client.get(reverse("bookings_expert:gig", args=[gig.pk])).content.decode()
        assert "Travel and expenses paid" in mine and shown.replace(",", ".") in mine.replace(
            ",", "."
        )
