"""The private wellbeing check-in: given with the report, read by coordinators only, a wish for a
debrief followed up in the work queue and by e-mail, and marked arranged."""

from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse

from bookings.models import CheckIn
from bookings.services import BookingError
from bookings.services.feedback import feedback_give
from bookings.services.reports import (
    CheckInInput,
    checkin_arrange,
    report_return,
    report_submit,
)
from expertbank.models import Message
from tests.bookings.factories import bookable_expert, member
from tests.bookings.reports_factories import ended_gig, report_data
from tests.factories import CoordinatorFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

SECRET = "Muistot nousivat pintaan"


@pytest.fixture
def booker(db):
    return member()


@pytest.fixture
def gig(terms, booker, coordinator):
    return ended_gig(by=booker, coordinator=coordinator)


def _submit(gig, **checkin):
    return report_submit(
        gig=gig, by=gig.expert.user, hours=Decimal("2"), checkin=CheckInInput(**checkin)
    )


def test_asking_for_a_debrief_tells_every_coordinator_once_without_the_words(
    gig, coordinator, run_on_commit
):
    other = CoordinatorFactory(language="sv")
    with run_on_commit():
        _submit(gig, feeling=2, wants_debrief=True, message=SECRET)
    checkin = CheckIn.objects.get(gig=gig)
    assert (checkin.feeling, checkin.wants_debrief, checkin.message) == (2, True, SECRET)
    sent = Message.objects.filter(kind="checkin_debrief")
    assert {m.recipient for m in sent} == {coordinator, other}
    assert {m.key for m in sent} == {
        f"checkin-debrief:{checkin.pk}:u{coordinator.pk}",
        f"checkin-debrief:{checkin.pk}:u{other.pk}",
    }
    for message in sent:
        assert gig.expert.name in message.body
        assert SECRET not in message.body and SECRET not in message.subject
        assert reverse("bookings_coordinator:checkins") in message.body


def test_a_check_in_without_a_debrief_sends_nothing(gig):
    _submit(gig, feeling=5)
    assert CheckIn.objects.get(gig=gig).wants_debrief is False
    assert not Message.objects.filter(kind="checkin_debrief").exists()


def test_an_empty_check_in_is_not_kept(gig):
    _submit(gig)
    assert not CheckIn.objects.exists()


def test_a_check_in_is_kept_once_per_gig(gig, coordinator):
    _submit(gig, feeling=4)
    report_return(gig=gig, by=coordinator, note="Korjaa")
    _submit(gig, feeling=1, wants_debrief=True, message="toinen")
    (checkin,) = CheckIn.objects.filter(gig=gig)
    assert (checkin.feeling, checkin.wants_debrief) == (4, False)


def test_a_check_in_can_come_with_a_report_sent_again(gig, coordinator):
    _submit(gig)
    report_return(gig=gig, by=coordinator, note="Korjaa")
    _submit(gig, wants_debrief=True)
    assert CheckIn.objects.get(gig=gig).wants_debrief is True


def test_the_check_in_text_is_encrypted_at_rest(gig):
    _submit(gig, feeling=2, message=SECRET)
    with connection.cursor() as cursor:
        cursor.execute("SELECT message FROM bookings_checkin")
        (stored,) = cursor.fetchone()
    assert SECRET not in stored


def test_units_never_see_a_check_in(client, gig, booker):
    _submit(gig, feeling=1, wants_debrief=True, message=SECRET)
    feedback_give(booking=gig.booking, by=booker, rating=5)
    client.force_login(booker)
    for url in (
        reverse("bookings:unit_home"),
        reverse("bookings:detail", args=[gig.booking.pk]),
        reverse("bookings:feedback", args=[gig.booking.pk]),
    ):
        page = client.get(url).content.decode()
        assert SECRET not in page and "debrief" not in page.lower()
    checkin = CheckIn.objects.get()
    assert client.get(reverse("bookings_coordinator:checkins")).status_code == 403
    assert client.get(reverse("bookings_coordinator:report", args=[gig.pk])).status_code == 403
    arrange = reverse("bookings_coordinator:checkin_arrange", args=[checkin.pk])
    assert client.get(arrange).status_code == 403


def test_other_experts_never_see_a_check_in(client, gig):
    _submit(gig, feeling=1, wants_debrief=True, message=SECRET)
    stranger = bookable_expert()
    client.force_login(stranger.user)
    assert client.get(reverse("bookings_expert:report", args=[gig.pk])).status_code == 404
    assert client.get(reverse("bookings_expert:gig", args=[gig.pk])).status_code == 404
    for url in (
        reverse("bookings_expert:home"),
        reverse("bookings_expert:past"),
        reverse("bookings_expert:feedback"),
    ):
        assert SECRET not in client.get(url).content.decode()
    assert client.get(reverse("bookings_coordinator:checkins")).status_code == 403


def test_the_expert_is_thanked_but_the_words_are_not_shown_back(client, gig):
    _submit(gig, feeling=1, wants_debrief=True, message=SECRET)
    client.force_login(gig.expert.user)
    page = client.get(reverse("bookings_expert:report", args=[gig.pk])).content.decode()
    assert "Thank you for telling us how you are." in page
    assert "A coordinator will contact you." in page
    assert SECRET not in page


def test_the_check_in_form_is_on_the_report_page_and_is_optional(client, gig):
    client.force_login(gig.expert.user)
    url = reverse("bookings_expert:report", args=[gig.pk])
    assert "How are you after this gig?" in client.get(url).content.decode()
    data = report_data(
        **{
            "checkin-feeling": "2",
            "checkin-wants_debrief": "on",
            "checkin-message": SECRET,
        }
    )
    assert client.post(url, data).status_code == 302
    assert CheckIn.objects.get(gig=gig).message == SECRET


def test_a_coordinator_reads_the_check_in_and_marks_the_debrief_arranged(client, gig, coordinator):
    _submit(gig, feeling=1, wants_debrief=True, message=SECRET)
    checkin = CheckIn.objects.get()
    client.force_login(coordinator)
    listing = client.get(reverse("bookings_coordinator:checkins")).content.decode()
    assert SECRET in listing and "Mark arranged" in listing
    url = reverse("bookings_coordinator:checkin_arrange", args=[checkin.pk])
    assert SECRET in client.get(url).content.decode()
    assert client.post(url, {"note": "Soitin, tapaamme perjantaina."}).status_code == 302
    checkin.refresh_from_db()
    assert (checkin.handled_by, checkin.handled_note) == (
        coordinator,
        "Soitin, tapaamme perjantaina.",
    )
    assert checkin.handled_at is not None
    home = client.get(reverse("coordinator_home")).content.decode()
    assert (
        reverse("bookings_coordinator:report", args=[gig.pk])
        not in home.split("Check-ins asking for a debrief")[1].split("</section>")[0]
    )
    arranged = client.get(reverse("bookings_coordinator:checkins") + "?state=arranged")
    assert "Soitin" in arranged.content.decode()
    again = client.post(url, {"note": ""})
    assert again.status_code == 400
    assert "already marked arranged" in again.content.decode()


def test_only_a_check_in_asking_for_a_debrief_can_be_arranged(gig, coordinator):
    _submit(gig, feeling=5)
    checkin = CheckIn.objects.get()
    with pytest.raises(BookingError, match="does not ask for a debrief"):
        checkin_arrange(checkin=checkin, by=coordinator, note="")
    checkin.refresh_from_db()
    assert checkin.handled_at is None
