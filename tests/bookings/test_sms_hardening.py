"""Answers by text message, hardened (issue 17): the webhook's body is signed with HMAC-SHA256,
the four-digit code opens only the sender's own live assignment and counts once, a code clash
between offers made at the same moment is retried, and STOP ends the optional messages."""

import json
from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from bookings.models import Assignment, Gig
from bookings.services import staffing
from expertbank import sms
from expertbank.models import Message
from expertbank.services.notifications import channel_choice
from expertbank.views_sms import sms_signature
from tests.bookings.factories import bookable_expert, offer, request_booking, staffed

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

ANNA = "+358401234567"
SECRET = "provider-shared-s3cret"


@pytest.fixture
def phone_anna(anna):
    anna.user.phone = ANNA
    anna.user.phone_verified_at = timezone.now()
    anna.user.save()
    return anna


@pytest.fixture
def webhook(settings):
    settings.SMS_INBOUND_SECRET = SECRET
    settings.SMS_INBOUND_RATE = "100/m"
    return reverse("sms_inbound")


def _reply(sender: str, text: str) -> str:
    return sms.get_sms_backend().receive(sender=sender, text=text)


def _post(client, url, body: bytes, **headers):
    return client.post(url, body, content_type="application/x-www-form-urlencoded", headers=headers)


def test_a_signed_body_is_taken(client, webhook, coordinator, phone_anna):
    (assignment,) = offer(request_booking(), [phone_anna], by=coordinator)
    body = f"from=%2B358401234567&text=YES+{assignment.sms_code}&id=sig-1".encode()
    response = _post(client, webhook, body, **{"X-SMS-Signature": sms_signature(body, SECRET)})
    assert response.status_code == 200
    assert "You accepted" in response.json()["reply"]
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.ACCEPTED


def test_a_wrong_or_tampered_signature_is_refused_and_changes_nothing(
    client, webhook, coordinator, phone_anna
):
    (assignment,) = offer(request_booking(), [phone_anna], by=coordinator)
    body = f"from=%2B358401234567&text=YES+{assignment.sms_code}&id=sig-2".encode()
    signed_other = sms_signature(b"from=%2B358401234567&text=NO+1&id=x", SECRET)
    wrong_key = sms_signature(body, "not-the-secret")
    for signature in (signed_other, wrong_key, "sha256=", "garbage"):
        response = _post(client, webhook, body, **{"X-SMS-Signature": signature})
        assert response.status_code == 403
    # A wrong signature is not rescued by the legacy header.
    response = _post(
        client,
        webhook,
        body,
        **{"X-SMS-Signature": wrong_key, "X-SMS-Secret": SECRET},
    )
    assert response.status_code == 403
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.OFFERED
    assert not Message.objects.filter(kind="sms_reply").exists()


def test_the_legacy_secret_header_can_be_switched_off(client, webhook, settings, phone_anna):
    body = b"from=%2B358401234567&text=hei&id=legacy-1"
    assert _post(client, webhook, body, **{"X-SMS-Secret": SECRET}).status_code == 200
    settings.SMS_INBOUND_LEGACY_SECRET = False
    body = b"from=%2B358401234567&text=hei&id=legacy-2"
    assert _post(client, webhook, body, **{"X-SMS-Secret": SECRET}).status_code == 403
    signed = _post(client, webhook, body, **{"X-SMS-Signature": sms_signature(body, SECRET)})
    assert signed.status_code == 200


def test_without_a_secret_even_a_signature_of_the_empty_key_is_refused(client, settings):
    settings.SMS_INBOUND_SECRET = ""
    body = b"from=%2B358401234567&text=STOP&id=e"
    response = _post(
        client, reverse("sms_inbound"), body, **{"X-SMS-Signature": sms_signature(body, "")}
    )
    assert response.status_code == 403


def test_a_second_answer_to_an_offer_is_already_answered(coordinator, phone_anna):
    (assignment,) = offer(request_booking(), [phone_anna], by=coordinator)
    assert "declined" in _reply(ANNA, f"EI {assignment.sms_code}")
    again = _reply(ANNA, f"KYLLÄ {assignment.sms_code}")
    assert "Already answered" in again and "declined" in again
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.DECLINED
    assert assignment.changes.filter(to_status="accepted").count() == 0


def test_yes_twice_accepts_once_and_says_already_answered(coordinator, phone_anna):
    (assignment,) = offer(request_booking(), [phone_anna], by=coordinator)
    assert "You accepted" in _reply(ANNA, f"YES {assignment.sms_code}")
    again = _reply(ANNA, f"YES {assignment.sms_code}")
    assert again.startswith("Already answered")
    assert assignment.changes.filter(to_status="accepted").count() == 1


def test_a_withdrawal_by_text_counts_once(coordinator, phone_anna):
    (assignment,) = staffed(request_booking(), [phone_anna], by=coordinator)
    assert "You are off the gig" in _reply(ANNA, f"EI {assignment.sms_code}")
    again = _reply(ANNA, f"EI {assignment.sms_code}")
    assert again.startswith("Already answered") and "off the gig" in again
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.WITHDRAWN


def test_a_gig_that_is_over_no_longer_answers(coordinator, phone_anna):
    (assignment,) = staffed(request_booking(), [phone_anna], by=coordinator)
    past = timezone.now() - timedelta(days=2)
    Gig.objects.filter(assignment=assignment).update(start=past, end=past + timedelta(hours=2))
    reply = _reply(ANNA, f"EI {assignment.sms_code}")
    assert "is over" in reply
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.ACCEPTED


def test_a_number_two_people_share_answers_for_nobody(coordinator, phone_anna):
    (assignment,) = offer(request_booking(), [phone_anna], by=coordinator)
    twin = bookable_expert()
    twin.user.phone = ANNA
    twin.user.phone_verified_at = timezone.now()
    twin.user.save()
    reply = _reply(ANNA, f"YES {assignment.sms_code}")
    # Whose language? Nobody's: the bank's own.
    with translation.override(settings.LANGUAGE_CODE):
        shared = gettext(
            "Experience expert bank: this number belongs to more than one person in the bank, so "
            "the answer was not recorded. Answer on the bank's pages, or ask the coordinator to "
            "correct the numbers."
        )
    assert shared != "" and shared in reply
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.OFFERED


def test_stop_by_the_signed_webhook_ends_optional_messages(client, webhook, phone_anna):
    body = b"from=%2B358401234567&text=stop&id=stop-1"
    response = _post(client, webhook, body, **{"X-SMS-Signature": sms_signature(body, SECRET)})
    assert "no more optional messages" in response.json()["reply"]
    assert channel_choice(phone_anna.user, "gig_reminders") == "none"
    assert json.loads(response.content)["reply"] == Message.objects.get(kind="sms_reply").body


@pytest.mark.postgres
def test_a_code_clash_at_the_same_moment_draws_another_code(coordinator, phone_anna, monkeypatch):
    """Another offer took the code between the check and the insert: the database refuses the
    second, the savepoint undoes only that row, and the offer is made with a fresh code."""
    other = bookable_expert()
    (taken,) = offer(request_booking(), [other], by=coordinator)
    real = staffing.sms_code_new
    drawn = []

    def racing(expert):
        code = taken.sms_code if not drawn else real(expert)
        drawn.append(code)
        return code

    monkeypatch.setattr(staffing, "sms_code_new", racing)
    (made,) = offer(request_booking(), [phone_anna], by=coordinator)
    assert drawn[0] == taken.sms_code
    assert len(drawn) == 2
    assert made.sms_code == drawn[1] != taken.sms_code
    assert Assignment.objects.filter(status="offered", sms_code=taken.sms_code).count() == 1
    assert made.changes.filter(to_status="offered").count() == 1
