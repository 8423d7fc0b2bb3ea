"""Answers by text message (issue 17): an offer's SMS carries a short code; "KYLLÄ 4821" /
"JA 4821" / "YES 4821" or "EI/NEJ/NO 4821" from the expert's own number answers as if clicked;
STOP ends optional messages; the provider's webhook is guarded by a shared secret and a rate."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from bookings.models import Assignment
from bookings.services.reminders import gig_context
from expertbank import sms
from expertbank.message_kinds import category_choices
from expertbank.models import Message, NotificationPreference
from expertbank.services.notifications import (
    channel_choice,
    notification_preferences_set,
    render_message,
)
from tests.bookings.factories import bookable_expert, offer, request_booking, staffed

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

ANNA = "+358401234567"


@pytest.fixture
def phone_anna(anna):
    anna.user.phone = ANNA
    anna.user.phone_verified_at = timezone.now()
    anna.user.save()
    return anna


def _reply(sender: str, text: str) -> str:
    return sms.get_sms_backend().receive(sender=sender, text=text)


def test_the_offer_sms_carries_a_code_unique_among_open_offers(coordinator, phone_anna):
    notification_preferences_set(user=phone_anna.user, choices={"bookings": "both"})
    other = bookable_expert()
    first, second = offer(request_booking(), [phone_anna, other], by=coordinator)
    assert first.sms_code.isdigit() and len(first.sms_code) == 4
    assert first.sms_code != second.sms_code
    text = Message.objects.get(kind="booking_offer", channel="sms").body
    assert f"Reply YES {first.sms_code} or NO {first.sms_code}" in text
    assert Message.objects.get(kind="booking_offer", channel="sms").to == ANNA
    mail = Message.objects.get(kind="booking_offer", channel="email", recipient=phone_anna.user)
    assert "Reply YES" not in mail.body


def test_yes_from_the_experts_own_number_accepts_once(coordinator, phone_anna):
    (assignment,) = offer(request_booking(), [phone_anna], by=coordinator)
    # Written as a Finn would: without the country code, with spaces.
    reply = _reply("040 123 4567", f"Kyllä {assignment.sms_code}")
    assert "You accepted" in reply
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.ACCEPTED
    row = Message.objects.get(kind="sms_reply")
    assert (row.channel, row.to, row.recipient) == ("sms", ANNA, phone_anna.user)
    # Single use: the code no longer opens an offer.
    again = _reply(ANNA, f"YES {assignment.sms_code}")
    assert "You are on the gig" in again
    assert Assignment.objects.filter(expert=phone_anna, status="accepted").count() == 1


@pytest.mark.parametrize("word", ["EI", "nej", "No"])
def test_no_declines(coordinator, phone_anna, word):
    (assignment,) = offer(request_booking(), [phone_anna], by=coordinator)
    assert "declined" in _reply(ANNA, f"{word} {assignment.sms_code}")
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.DECLINED


def test_the_code_is_worthless_from_another_number(coordinator, phone_anna):
    (assignment,) = offer(request_booking(), [phone_anna], by=coordinator)
    stranger = bookable_expert()
    stranger.user.phone = "+358409876543"
    stranger.user.phone_verified_at = timezone.now()
    stranger.user.save()
    reply = _reply("+358409876543", f"KYLLÄ {assignment.sms_code}")
    assert "no open offer or gig of yours" in reply
    # An unknown number is answered in the bank's language, with nobody as the recipient.
    assert _reply("+358501112223", f"KYLLÄ {assignment.sms_code}")
    unknown = Message.objects.get(kind="sms_reply", to="+358501112223")
    assert (unknown.recipient, unknown.language) == (None, "fi")
    assert _reply("not a number", f"KYLLÄ {assignment.sms_code}") == ""
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.OFFERED


def test_anything_else_gets_help_in_the_experts_language(coordinator, phone_anna):
    assert "reply YES or NO and the code" in _reply(ANNA, "kiitos, tulen!")
    phone_anna.user.language = "fi"
    phone_anna.user.save()
    _reply(ANNA, "???")
    assert Message.objects.filter(kind="sms_reply", language="fi").exists()


def test_no_to_the_gig_reminder_withdraws_without_blame(coordinator, phone_anna):
    booking = request_booking()
    Assignment.objects.filter(booking=booking).update(sms_code="")
    (assignment,) = staffed(booking, [phone_anna], by=coordinator)
    gig = assignment.gigs.get()
    _subject, text, _html = render_message(
        kind="gig_reminder_48h", channel="sms", language="en", context=gig_context(gig)
    )
    assert f"Reply NO {assignment.sms_code}" in text
    assert "You are off the gig" in _reply(ANNA, f"EI {assignment.sms_code}")
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.WITHDRAWN


def test_stop_ends_optional_messages_only(phone_anna):
    _reply(ANNA, "STOP")
    user = phone_anna.user
    assert channel_choice(user, "gig_reminders") == "none"
    assert channel_choice(user, "feedback") == "none"
    assert "none" not in category_choices("bookings")
    assert not NotificationPreference.objects.filter(user=user, category="bookings").exists()


def test_the_management_command_posts_a_reply(coordinator, phone_anna, capsys):
    (assignment,) = offer(request_booking(), [phone_anna], by=coordinator)
    call_command("sms_reply", ANNA, f"JA {assignment.sms_code}")
    assert "You accepted" in capsys.readouterr().out
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.ACCEPTED


def test_the_webhook_wants_post_the_secret_and_the_fields(
    client, settings, coordinator, phone_anna
):
    settings.SMS_INBOUND_SECRET = "s3cret"
    settings.SMS_INBOUND_RATE = "100/m"
    (assignment,) = offer(request_booking(), [phone_anna], by=coordinator)
    url = reverse("sms_inbound")
    data = {"from": ANNA, "text": f"YES {assignment.sms_code}", "id": "prov-1"}
    assert client.get(url).status_code == 405
    assert client.post(url, data).status_code == 403
    assert client.post(url, data, headers={"X-SMS-Secret": "wrong"}).status_code == 403
    assert client.post(url, {"from": ANNA}, headers={"X-SMS-Secret": "s3cret"}).status_code == 400
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.OFFERED
    response = client.post(url, data, headers={"X-SMS-Secret": "s3cret"})
    assert response.status_code == 200
    assert "You accepted" in response.json()["reply"]
    # The provider's retry of the same message is answered from the log, once.
    again = client.post(url, data, headers={"X-SMS-Secret": "s3cret"})
    assert again.json()["reply"] == response.json()["reply"]
    assert Message.objects.filter(kind="sms_reply").count() == 1


def test_the_webhook_refuses_everything_without_a_secret_set(client, settings):
    settings.SMS_INBOUND_SECRET = ""
    response = client.post(
        reverse("sms_inbound"),
        {"from": ANNA, "text": "STOP", "id": "x"},
        headers={"X-SMS-Secret": ""},
    )
    assert response.status_code == 403


def test_the_webhook_is_rate_limited(client, settings):
    settings.SMS_INBOUND_SECRET = "s3cret"
    settings.SMS_INBOUND_RATE = "2/m"
    url = reverse("sms_inbound")
    codes = [
        client.post(
            url, {"from": ANNA, "text": "hei", "id": f"r{n}"}, headers={"X-SMS-Secret": "s3cret"}
        ).status_code
        for n in range(3)
    ]
    assert codes == [200, 200, 429]


def test_an_expired_offer_cannot_be_answered(coordinator, phone_anna):
    (assignment,) = offer(request_booking(), [phone_anna], by=coordinator)
    Assignment.objects.filter(pk=assignment.pk).update(
        answer_by=timezone.now() - timedelta(hours=1)
    )
    reply = _reply(ANNA, f"YES {assignment.sms_code}")
    assert "ended" in reply
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.OFFERED
