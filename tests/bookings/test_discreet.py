"""Discreet by choice (issue 17): the calendar feed, SMS texts and e-mail subjects of an expert
in discreet mode say only "Gig – place, time"; the details are behind the login."""

import pytest
from django.urls import reverse
from icalendar import Calendar

from bookings import services
from expertbank.models import Message
from tests.bookings.factories import at, bookable_expert, member, offer, request_booking, staffed

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def _events(client, expert):
    token = services.calendar_token_get(expert=expert).token
    response = client.get(reverse("bookings_expert:calendar", args=[token]))
    assert response.status_code == 200
    return list(Calendar.from_ical(response.content).walk("VEVENT"))


def test_the_feed_of_a_discreet_expert_says_only_gig_place_and_time(client, coordinator, anna):
    booking = request_booking(
        title="Mielenterveysviikon paneeli",
        times=[(at(20, 10), at(20, 12))],
        place="Kielotie 13, Vantaa",
        contact_name="Maria",
    )
    staffed(booking, [anna], by=coordinator)
    (event,) = _events(client, anna)
    assert "Mielenterveysviikon" in str(event["SUMMARY"])
    anna.user.discreet = True
    anna.user.save()
    (event,) = _events(client, anna)
    summary = str(event["SUMMARY"])
    assert summary.startswith("Gig – Kielotie 13, Vantaa, ")
    assert "Mielenterveysviikon" not in summary
    gig = booking.gigs.get()
    description = str(event["DESCRIPTION"])
    assert description.endswith(reverse("bookings_expert:gig", args=[gig.pk]))
    assert "Maria" not in description
    # Another expert's feed stays as it was.
    other = bookable_expert()
    staffed(
        request_booking(title="Toinen paneeli", times=[(at(22, 10), at(22, 12))]),
        [other],
        by=coordinator,
    )
    (event,) = _events(client, other)
    assert "Toinen paneeli" in str(event["SUMMARY"])


def test_a_discreet_experts_subjects_name_no_booking(coordinator, anna):
    anna.user.discreet = True
    anna.user.save()
    plain = bookable_expert()
    booking = request_booking(title="Päihdepaneeli", place="Kielotie 13, Vantaa")
    offer(booking, [anna, plain], by=coordinator)
    mine = Message.objects.get(kind="booking_offer", recipient=anna.user)
    assert mine.subject.startswith("Gig – Kielotie 13, Vantaa, ")
    assert booking.unit.organisation.name not in mine.subject
    theirs = Message.objects.get(kind="booking_offer", recipient=plain.user)
    assert booking.unit.organisation.name in theirs.subject


def test_an_expert_turns_discreet_mode_on_and_off(client, anna):
    client.force_login(anna.user)
    url = reverse("notification_preferences")
    assert "Discreet mode" in client.get(url).content.decode()
    client.post(url, {"discreet": "1"})
    anna.user.refresh_from_db()
    assert anna.user.discreet
    client.post(url, {"discreet": "sometimes"})
    anna.user.refresh_from_db()
    assert anna.user.discreet
    client.post(url, {"discreet": "0"})
    anna.user.refresh_from_db()
    assert not anna.user.discreet


def test_discreet_mode_is_for_experts_only(client):
    booker = member()
    client.force_login(booker)
    url = reverse("notification_preferences")
    assert "Discreet mode" not in client.get(url).content.decode()
    client.post(url, {"discreet": "1"})
    booker.refresh_from_db()
    assert not booker.discreet
