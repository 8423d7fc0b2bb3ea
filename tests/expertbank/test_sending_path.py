"""The sending path: channels by preference, skipping, Message-ID, sender, HTML, retries, sweep."""

from __future__ import annotations

import smtplib
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from expertbank import sms
from expertbank.models import Message, NotificationPreference
from expertbank.services.notifications import (
    message_deliver,
    message_id_header,
    message_retry,
    message_send,
    message_skip,
    messages_due,
    messages_retry_stale,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _ctx():
    return {"url": "https://example.com/x", "inviter": "Sanna", "expires_at": timezone.now()}


def _gig_ctx():
    from types import SimpleNamespace

    start = timezone.now() + timedelta(days=2)
    booking = SimpleNamespace(title="Puheenvuoro", place="Oulu", pk=1)
    return {
        "url": "https://example.com/gig/1",
        "gig": SimpleNamespace(start=start, end=start, booking=booking),
        "booking": booking,
    }


def _prefer(user, category, channel):
    NotificationPreference.objects.create(user=user, category=category, channel=channel)


def test_without_a_choice_an_optional_kind_goes_by_email(run_on_commit):
    user = UserFactory(phone="+358401234567")
    with run_on_commit():
        row = message_send(kind="gig_reminder_48h", key="r1", to_user=user, context=_gig_ctx())
    assert row.channel == Message.Channel.EMAIL
    assert [m.to for m in mail.outbox] == [[user.email]]
    assert sms.outbox == []


def test_both_gives_an_email_and_an_sms_row_each_keyed_and_idempotent(run_on_commit):
    user = UserFactory(phone="+358401234567")
    _prefer(user, "gig_reminders", "both")
    with run_on_commit():
        row = message_send(kind="gig_reminder_48h", key="r2", to_user=user, context=_gig_ctx())
        again = message_send(kind="gig_reminder_48h", key="r2", to_user=user, context=_gig_ctx())
    assert row.pk == again.pk
    assert row.channel == Message.Channel.EMAIL
    assert set(Message.objects.values_list("key", "channel")) == {
        ("r2", "email"),
        ("r2:sms", "sms"),
    }
    assert len(mail.outbox) == 1
    assert sms.outbox[0][0] == "+358401234567"


def test_sms_only_without_a_phone_goes_by_email(run_on_commit):
    user = UserFactory(phone="")
    _prefer(user, "gig_reminders", "sms")
    with run_on_commit():
        row = message_send(kind="gig_reminder_2h", key="r3", to_user=user, context=_gig_ctx())
    assert (row.key, row.channel) == ("r3", "email")
    assert len(mail.outbox) == 1


def test_sms_only_sends_only_the_sms(run_on_commit):
    user = UserFactory(phone="+358401234567")
    _prefer(user, "gig_reminders", "sms")
    with run_on_commit():
        row = message_send(kind="gig_reminder_2h", key="r4", to_user=user, context=_gig_ctx())
    assert (row.key, row.channel) == ("r4:sms", "sms")
    assert mail.outbox == []
    assert len(sms.outbox) == 1


def test_none_switches_an_optional_kind_off_and_the_log_says_so(run_on_commit):
    user = UserFactory()
    _prefer(user, "gig_reminders", "none")
    with run_on_commit():
        row = message_send(kind="gig_reminder_48h", key="r5", to_user=user, context=_gig_ctx())
    assert row.status == Message.Status.SKIPPED
    assert row.error
    assert mail.outbox == []


def test_an_essential_kind_goes_by_email_whatever_was_chosen(run_on_commit):
    user = UserFactory(phone="+358401234567")
    _prefer(user, "account", "none")
    with run_on_commit():
        message_send(kind="invitation", key="r6", to_user=user, context=_ctx())
    assert len(mail.outbox) == 1
    _prefer(user, "bookings", "sms")
    with run_on_commit():
        message_send(kind="offer_expiring", key="r7", to_user=user, context=_gig_ctx())
    assert set(Message.objects.filter(key__startswith="r7").values_list("channel", flat=True)) == {
        "email",
        "sms",
    }


def test_an_unknown_kind_is_essential_email():
    from expertbank.services.notifications import _channels_for

    user = UserFactory(phone="+358401234567")
    _prefer(user, "gig_reminders", "none")
    assert _channels_for("no_such_kind", user) == ["email"]
    assert _channels_for("gig_reminder_48h", user) == []


def test_skip_marks_unsent_rows_and_leaves_sent_ones(run_on_commit):
    user = UserFactory(phone="+358401234567")
    _prefer(user, "gig_reminders", "both")
    message_send(kind="gig_reminder_2h", key="r9", to_user=user, context=_gig_ctx())
    assert message_skip(key="r9", reason="The gig has started.") == 2
    assert set(Message.objects.values_list("status", "error")) == {
        ("skipped", "The gig has started.")
    }
    assert message_deliver(message_id=Message.objects.get(key="r9").pk) is False
    with run_on_commit():
        sent = message_send(kind="invitation", key="r10", to_user=user, context=_ctx())
    assert message_skip(key="r10", reason="late") == 0
    sent.refresh_from_db()
    assert sent.status == Message.Status.SENT


def test_every_email_has_a_stable_message_id_html_footer_and_the_senders_name(
    run_on_commit, settings
):
    settings.BANK_PHONE = "+358 40 555 0100"
    settings.BANK_CONTACT_EMAIL = "toimisto@kokemuspankki.example"
    settings.BANK_OPENING_HOURS = "ma–pe 9–15"
    settings.DEFAULT_FROM_EMAIL = "Whatever <noreply@kokemuspankki.example>"
    swede = UserFactory(language="sv")
    with run_on_commit():
        message_send(kind="invitation", key="m1", to_user=swede, context=_ctx())
    email = mail.outbox[0]
    assert email.from_email == "Erfarenhetsexpertbanken <noreply@kokemuspankki.example>"
    assert email.extra_headers["Message-ID"] == message_id_header("m1")
    assert message_id_header("m1").endswith("@kokemuspankki.example>")
    assert message_id_header("m1") != message_id_header("m2")
    for text in (email.body, email.alternatives[0][0]):
        assert "+358 40 555 0100" in text
        assert "toimisto@kokemuspankki.example" in text
        assert "ma–pe 9–15" in text
    html, mimetype = email.alternatives[0]
    assert mimetype == "text/html"
    assert '<a href="https://example.com/x"' in html
    message = email.message()
    assert message["Message-ID"] == message_id_header("m1")


def test_the_message_id_is_the_same_on_a_retry(settings):
    settings.EMAIL_BACKEND = "tests.expertbank.broken_mail.BrokenBackend"
    user = UserFactory()
    row = message_send(kind="invitation", key="m3", to_user=user, context=_ctx())
    assert message_deliver(message_id=row.pk) is False
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert message_deliver(message_id=row.pk) is True
    assert mail.outbox[0].extra_headers["Message-ID"] == message_id_header("m3")


class RefusingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def open(self):
        return None

    def close(self):
        return None

    def send_messages(self, messages):
        raise smtplib.SMTPRecipientsRefused({"x@example.com": (550, b"No such user")})


def test_a_permanent_error_fails_at_once_and_shows_the_reason(settings):
    settings.EMAIL_BACKEND = "tests.expertbank.test_sending_path.RefusingBackend"
    user = UserFactory()
    row = message_send(kind="invitation", key="p1", to_user=user, context=_ctx())
    assert message_deliver(message_id=row.pk) is False
    row.refresh_from_db()
    assert row.status == Message.Status.FAILED
    assert "No such user" in row.error
    assert row.next_attempt_at is None


def test_passing_failures_wait_longer_each_time(settings):
    settings.EMAIL_BACKEND = "tests.expertbank.broken_mail.BrokenBackend"
    user = UserFactory()
    row = message_send(kind="invitation", key="p2", to_user=user, context=_ctx())
    waits = []
    for _ in range(4):
        before = timezone.now()
        assert message_deliver(message_id=row.pk) is False
        row.refresh_from_db()
        assert row.status == Message.Status.PENDING
        waits.append(round((row.next_attempt_at - before).total_seconds() / 60))
    assert waits == [1, 2, 4, 8]


def test_the_sweep_takes_only_rows_whose_time_has_come_in_batches(settings, run_on_commit):
    settings.MESSAGE_SWEEP_BATCH = 2
    user = UserFactory()
    past = timezone.now() - timedelta(minutes=5)
    rows = [
        message_send(kind="invitation", key=f"s{i}", to_user=user, context=_ctx()) for i in range(4)
    ]
    later = rows[3]
    Message.objects.exclude(pk=later.pk).update(next_attempt_at=past, created_at=past)
    Message.objects.filter(pk=later.pk).update(next_attempt_at=timezone.now() + timedelta(hours=1))
    assert set(messages_due().values_list("pk", flat=True)) == {r.pk for r in rows[:3]}
    with run_on_commit():
        assert messages_retry_stale() == 2
    assert len(mail.outbox) == 2
    with run_on_commit():
        assert messages_retry_stale() == 1
    with run_on_commit():
        assert messages_retry_stale() == 0
    assert len(mail.outbox) == 3
    assert Message.objects.get(pk=later.pk).status == Message.Status.PENDING


def test_a_coordinator_retry_takes_a_failed_message_again(run_on_commit):
    user = UserFactory()
    row = message_send(kind="invitation", key="c1", to_user=user, context=_ctx())
    Message.objects.filter(pk=row.pk).update(status=Message.Status.FAILED, error="boom")
    with run_on_commit():
        assert message_retry(message_id=row.pk) is True
    row.refresh_from_db()
    assert row.status == Message.Status.SENT
    assert len(mail.outbox) == 1
    assert message_retry(message_id=row.pk) is False


def test_erasing_a_person_empties_their_messages_html_too(run_on_commit):
    from expertbank.services.erasure import user_erase

    user = UserFactory(full_name="Aino Lahtinen")
    with run_on_commit():
        message_send(kind="invitation", key="e1", to_user=user, context=_ctx())
    assert "Aino Lahtinen" in Message.objects.get(key="e1").html
    user_erase(user=user, name="Erased person", email="erased-1@invalid")
    row = Message.objects.get(key="e1")
    assert (row.to, row.subject, row.body, row.html) == ("", "", "", "")


def test_a_send_stops_before_its_claim_expires_keeps_no_result_and_is_swept_each_minute():
    from django.conf import settings

    from expertbank.tasks import message_deliver_task
    from expertbank.tasks import messages_retry_stale as sweep_task

    assert settings.MESSAGE_TASK_SOFT_TIME_LIMIT < settings.MESSAGE_TASK_TIME_LIMIT
    assert settings.MESSAGE_TASK_TIME_LIMIT < settings.MESSAGE_CLAIM_EXPIRY_SECONDS
    assert settings.EMAIL_TIMEOUT < settings.MESSAGE_TASK_SOFT_TIME_LIMIT
    for task in (message_deliver_task, sweep_task):
        assert task.ignore_result is True
        assert task.time_limit == settings.MESSAGE_TASK_TIME_LIMIT
    assert settings.CELERY_TASK_PUBLISH_RETRY is False
    assert settings.CELERY_BEAT_SCHEDULE["messages-retry-stale"]["schedule"] == 60


def test_the_contact_details_follow_the_recipients_language(settings):
    from django.utils import translation
    from django.utils.translation import gettext_lazy

    from expertbank.contact import bank_contact

    settings.BANK_OPENING_HOURS = gettext_lazy("Log in")  # a text the catalogues translate
    with translation.override("sv"):
        swedish = translation.gettext("Log in")
    assert swedish != "Log in"
    with translation.override("en"):
        assert bank_contact("sv")["opening_hours"] == swedish
        assert bank_contact("en")["opening_hours"] == "Log in"
        assert bank_contact("sv")["name"] == "Erfarenhetsexpertbanken"
        assert bank_contact("fi")["name"] == "Kokemusasiantuntijapankki"
