"""Every booking URL for every role: the wrong role gets 403, someone else's object 404, an
anonymous visitor the login page."""

from dataclasses import dataclass

import pytest
from django.urls import reverse

from bookings import services
from bookings.models import Assignment
from tests.bookings.factories import at, bookable_expert, member, offer, request_booking, staffed
from tests.factories import CoordinatorFactory, TrainerFactory

pytestmark = pytest.mark.django_db


@dataclass
class World:
    coordinator: object
    member: object
    other_member: object
    expert: object
    other_expert: object
    trainer: object
    booking: object
    assignment: object  # an offer to the expert
    gig: object  # a gig of the expert
    withdrawn: object
    unit: object


@pytest.fixture
def world() -> World:
    coordinator = CoordinatorFactory()
    booker = member()
    expert, other_expert = bookable_expert(), bookable_expert()
    booking = request_booking(by=booker, times=[(at(20, 10), at(20, 12))])
    (assignment,) = offer(booking, [expert], by=coordinator)
    confirmed = request_booking(by=booker, times=[(at(22, 10), at(22, 12))], experts=2)
    accepted, leaving = staffed(confirmed, [expert, bookable_expert()], by=coordinator)
    services.assignment_withdraw(assignment=leaving, by=coordinator, reason="")
    return World(
        coordinator=coordinator,
        member=booker,
        other_member=member(),
        expert=expert.user,
        other_expert=other_expert.user,
        trainer=TrainerFactory(),
        booking=booking,
        assignment=assignment,
        gig=accepted.gigs.get(),
        withdrawn=Assignment.objects.get(pk=leaving.pk),
        unit=booker.memberships.get().unit,
    )


# url name, method, whose page ("unit", "coordinator", "expert"), object argument
PAGES = [
    ("bookings:unit_home", "get", "unit", None),
    ("bookings:request", "get", "unit", None),
    ("bookings:detail", "get", "unit", "booking"),
    ("bookings:cancel", "get", "unit", "booking"),
    ("bookings_coordinator:list", "get", "coordinator", None),
    ("bookings_coordinator:detail", "get", "coordinator", "booking"),
    ("bookings_coordinator:reject", "get", "coordinator", "booking"),
    ("bookings_coordinator:candidates", "get", "coordinator", "booking"),
    ("bookings_coordinator:cancel", "get", "coordinator", "booking"),
    ("bookings_coordinator:confirm", "post", "coordinator", "booking"),
    ("bookings_coordinator:deliver", "post", "coordinator", "booking"),
    ("bookings_coordinator:funding", "post", "coordinator", "booking"),
    ("bookings_coordinator:reschedule", "get", "coordinator", "occurrence"),
    ("bookings_coordinator:withdraw", "get", "coordinator", "gig_assignment"),
    ("bookings_coordinator:units", "get", "coordinator", None),
    ("bookings_coordinator:invite", "get", "coordinator", "unit"),
    ("bookings_expert:home", "get", "expert", None),
    ("bookings_expert:past", "get", "expert", None),
    ("bookings_expert:offer", "get", "expert", "assignment"),
    ("bookings_expert:accept", "post", "expert", "assignment"),
    ("bookings_expert:decline", "post", "expert", "assignment"),
    ("bookings_expert:withdraw", "get", "expert", "gig_assignment"),
    ("bookings_expert:gig", "get", "expert", "gig"),
    ("bookings_expert:confirm_time", "post", "expert", "gig"),
    ("bookings_expert:calendar_reset", "post", "expert", None),
]
ROLES = ["anonymous", "trainer", "coordinator", "member", "other_member", "expert", "other_expert"]
OWNERS = {"unit": "member", "coordinator": "coordinator", "expert": "expert"}
SAME_ROLE_STRANGER = {"unit": "other_member", "expert": "other_expert"}


def _url(world: World, name: str, argument: str | None) -> str:
    objects = {
        "booking": world.booking,
        "occurrence": world.booking.occurrences.first(),
        "assignment": world.assignment,
        "gig": world.gig,
        "gig_assignment": world.gig.assignment,
        "unit": world.unit,
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


def test_a_coordinator_page_for_a_missing_object_is_404(client, world):
    client.force_login(world.coordinator)
    assert client.get(reverse("bookings_coordinator:detail", args=[999999])).status_code == 404
    assert (
        client.get(
            reverse("bookings_coordinator:candidates", args=[world.booking.pk]) + "?replace=x"
        ).status_code
        == 404
    )


def test_a_member_sees_every_unit_of_their_own_organisation(client, world):
    sibling = member(unit__organisation=world.unit.organisation)
    client.force_login(sibling)
    assert client.get(reverse("bookings:detail", args=[world.booking.pk])).status_code == 200


def test_the_navigation_offers_each_role_its_booking_pages(client, world):
    client.force_login(world.expert)
    assert (
        reverse("bookings_expert:home")
        in client.get(reverse("bookings_expert:home")).content.decode()
    )
    client.force_login(world.coordinator)
    page = client.get(reverse("bookings_coordinator:list")).content.decode()
    assert reverse("bookings_coordinator:list") in page
    assert reverse("bookings_expert:home") not in page
