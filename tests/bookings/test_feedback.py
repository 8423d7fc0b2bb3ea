"""The unit's feedback: given once per person after the work took place, read by the experts only
after a coordinator releases it."""

from datetime import timedelta

import pytest
from django.urls import reverse

from bookings.models import Booking, Feedback, Gig
from bookings.services import BookingError
from bookings.services.feedback import feedback_give, feedback_release
from expertbank.models import Message
from tests.bookings.factories import at, bookable_expert, confirmed, member
from tests.bookings.reports_factories import ended_gig
from tests.factories import MembershipFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

TEXT = "Kiitos, puheenvuoro kosketti koko henkilöstöä."


@pytest.fixture
def booker(db):
    return member()


@pytest.fixture
def gig(terms, booker, coordinator):
    return ended_gig(by=booker, coordinator=coordinator)


def test_a_unit_member_gives_feedback_after_the_gig(client, gig, booker):
    client.force_login(booker)
    detail = client.get(reverse("bookings:detail", args=[gig.booking.pk])).content.decode()
    url = reverse("bookings:feedback", args=[gig.booking.pk])
    assert url in detail
    response = client.post(url, {"rating": "5", "text": TEXT})
    assert response.status_code == 302
    feedback = Feedback.objects.get()
    assert (feedback.booking, feedback.given_by, feedback.rating, feedback.text) == (
        gig.booking,
        booker,
        5,
        TEXT,
    )
    assert feedback.released_at is None
    detail = client.get(reverse("bookings:detail", args=[gig.booking.pk])).content.decode()
    assert "You gave your feedback on" in detail


def test_feedback_opens_only_after_the_work_took_place(client, terms, booker, coordinator):
    booking = confirmed(by=booker, coordinator=coordinator, times=[(at(10, 10), at(10, 12))])
    with pytest.raises(BookingError, match="once the expert has been with you"):
        feedback_give(booking=booking, by=booker, rating=4)
    client.force_login(booker)
    url = reverse("bookings:feedback", args=[booking.pk])
    assert url not in client.get(reverse("bookings:detail", args=[booking.pk])).content.decode()
    response = client.post(url, {"rating": "4"})
    assert response.status_code == 400
    assert "once the expert has been with you" in response.content.decode()
    assert not Feedback.objects.exists()


def test_a_delivered_booking_takes_feedback(terms, booker, coordinator):
    booking = confirmed(by=booker, coordinator=coordinator, times=[(at(10, 10), at(10, 12))])
    Booking.objects.filter(pk=booking.pk).update(status=Booking.Status.DELIVERED)
    assert feedback_give(booking=booking, by=booker, rating=3).rating == 3


def test_each_person_gives_feedback_once(client, gig, booker):
    feedback_give(booking=gig.booking, by=booker, rating=4)
    with pytest.raises(BookingError, match="already given feedback"):
        feedback_give(booking=gig.booking, by=booker, rating=1)
    client.force_login(booker)
    response = client.post(reverse("bookings:feedback", args=[gig.booking.pk]), {"rating": "1"})
    assert "You gave your feedback on" in response.content.decode()
    assert Feedback.objects.get().rating == 4
    colleague = MembershipFactory(unit=booker.memberships.get().unit).user
    assert feedback_give(booking=gig.booking, by=colleague, rating=2).rating == 2


def test_only_the_bookings_organisation_gives_feedback(client, gig):
    stranger = member()
    with pytest.raises(BookingError, match="your own organisation"):
        feedback_give(booking=gig.booking, by=stranger, rating=5)
    client.force_login(stranger)
    assert client.get(reverse("bookings:feedback", args=[gig.booking.pk])).status_code == 404
    assert not Feedback.objects.exists()


@pytest.mark.parametrize("rating", ["0", "6", "", "hyvä"])
def test_a_rating_must_be_one_to_five(client, gig, booker, rating):
    client.force_login(booker)
    response = client.post(reverse("bookings:feedback", args=[gig.booking.pk]), {"rating": rating})
    assert response.status_code == 400
    assert not Feedback.objects.exists()


def test_the_expert_sees_feedback_only_after_it_is_released(
    client, gig, booker, coordinator, run_on_commit
):
    feedback = feedback_give(booking=gig.booking, by=booker, rating=5, text=TEXT)
    client.force_login(gig.expert.user)
    pages = [
        reverse("bookings_expert:gig", args=[gig.pk]),
        reverse("bookings_expert:report", args=[gig.pk]),
        reverse("bookings_expert:feedback"),
    ]
    for url in pages:
        assert TEXT not in client.get(url).content.decode()
    with run_on_commit():
        feedback_release(feedback=feedback, by=coordinator)
    for url in pages:
        assert TEXT in client.get(url).content.decode(), url
    told = Message.objects.get(kind="feedback_released")
    assert told.recipient == gig.expert.user
    assert told.key == f"feedback-released:{feedback.pk}:e{gig.expert_id}"
    assert reverse("bookings_expert:feedback") in told.body


def test_other_experts_do_not_see_released_feedback(client, gig, booker, coordinator):
    feedback = feedback_give(booking=gig.booking, by=booker, rating=5, text=TEXT)
    feedback_release(feedback=feedback, by=coordinator)
    stranger = bookable_expert()
    client.force_login(stranger.user)
    assert TEXT not in client.get(reverse("bookings_expert:feedback")).content.decode()
    assert client.get(reverse("bookings_expert:gig", args=[gig.pk])).status_code == 404


def test_an_expert_whose_gig_did_not_take_place_does_not_see_it(gig, booker, coordinator):
    from bookings.selectors.feedback import expert_released_feedback

    feedback = feedback_give(booking=gig.booking, by=booker, rating=5, text=TEXT)
    feedback_release(feedback=feedback, by=coordinator)
    assert list(expert_released_feedback(gig.expert)) == [feedback]
    Gig.objects.filter(pk=gig.pk).update(status=Gig.Status.CANCELLED)
    assert list(expert_released_feedback(gig.expert)) == []


def test_feedback_is_released_once(client, gig, booker, coordinator):
    feedback = feedback_give(booking=gig.booking, by=booker, rating=5)
    client.force_login(coordinator)
    listing = client.get(reverse("bookings_coordinator:feedback")).content.decode()
    assert "Release to the experts" in listing
    url = reverse("bookings_coordinator:feedback_release", args=[feedback.pk])
    assert client.post(url).status_code == 302
    feedback.refresh_from_db()
    assert feedback.released_by == coordinator
    released_at = feedback.released_at
    again = client.post(url, follow=True)
    assert "already shown to the experts" in again.content.decode()
    feedback.refresh_from_db()
    assert feedback.released_at == released_at
    assert Message.objects.filter(kind="feedback_released").count() == 1


def test_feedback_on_a_series_is_open_after_its_first_time(terms, booker, coordinator):
    expert = bookable_expert()
    booking = confirmed(
        experts=[expert],
        by=booker,
        coordinator=coordinator,
        times=[(at(10, 10), at(10, 12)), (at(17, 10), at(17, 12))],
    )
    first = Gig.objects.filter(booking=booking).order_by("start").first()
    Gig.objects.filter(pk=first.pk).update(
        start=first.start - timedelta(days=20), end=first.end - timedelta(days=20)
    )
    assert feedback_give(booking=booking, by=booker, rating=4).rating == 4
