"""The unit sees only the support needs its experts share; the coordinators see all of them;
another unit's booking answers 404."""

import pytest
from django.urls import reverse

from bookings.selectors import support_on_booking
from experts.services import support_profile_set
from tests.bookings.factories import bookable_expert, member, offer, request_booking, staffed

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def booking(booker, terms, coordinator):
    shares = bookable_expert(public_alias="Sanna V.")
    support_profile_set(
        expert=shares,
        by=None,
        interpreter="sign",
        quiet_room=True,
        other="Paniikkihäiriö",
        shared_with_unit=["interpreter"],
    )
    private = bookable_expert(public_alias="Pekka L.")
    support_profile_set(expert=private, by=None, companion=True)
    offered = bookable_expert(public_alias="Olli O.")
    support_profile_set(expert=offered, by=None, step_free=True, shared_with_unit=["step_free"])
    booking = request_booking(by=booker, experts=3)
    staffed(booking, [shares, private], by=coordinator)
    offer(booking, [offered], by=coordinator)
    return booking


def test_the_unit_sees_only_what_each_accepted_expert_shares(client, booker, booking):
    assert support_on_booking(booking, for_unit=True) == [
        ("Sanna V.", ["a sign-language interpreter"])
    ]
    client.force_login(booker)
    page = client.get(reverse("bookings:detail", args=[booking.pk])).content.decode()
    assert "What the experts need" in page
    assert "a sign-language interpreter" in page
    for private in ("quiet room", "Paniikkihäiriö", "companion", "step-free"):
        assert private not in page


def test_the_coordinators_see_every_need_of_everyone_offered(booking):
    found = dict(support_on_booking(booking, for_unit=False))
    assert len(found) == 3
    assert "Paniikkihäiriö" in next(needs for needs in found.values() if len(needs) == 3)
    assert any(needs == ["comes with a companion or support person"] for needs in found.values())


def test_another_units_booking_answers_404(client, booking):
    client.force_login(member())
    assert client.get(reverse("bookings:detail", args=[booking.pk])).status_code == 404


def test_no_needs_no_section(client, booker, terms, coordinator):
    booking = request_booking(by=booker)
    staffed(booking, [bookable_expert()], by=coordinator)
    client.force_login(booker)
    page = client.get(reverse("bookings:detail", args=[booking.pk])).content.decode()
    assert "What the experts need" not in page
