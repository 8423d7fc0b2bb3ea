from datetime import timedelta

import pytest
from django.core import mail
from django.db import IntegrityError
from django.utils import timezone

from expertbank import sms
from expertbank.models import Message
from expertbank.services.notifications import (
    message_deliver,
    message_send,
    messages_retry_stale,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _invite_context():
    return {"url": "https://example.com/x", "inviter": "Sanna", "expires_at": timezone.now()}


def test_it_sends_an_email_once_per_key(run_on_commit):
    user = UserFactory()
    with run_on_commit():
        first = message_send(kind="invitation", key="k-1", to_user=user, context=_invite_context())
    with run_on_commit():
        again = message_send(kind="invitation", key="k-1", to_user=user, context=_invite_context())
    assert first.pk == again.pk
    assert len(mail.outbox) == 1
    assert Message.objects.get().status == Message.Status.SENT
    assert mail.outbox[0].to == [user.email]


def test_it_renders_in_the_recipients_language(run_on_commit):
    swede = UserFactory(language="sv")
    english = UserFactory(language="en")
    with run_on_commit():
        message_send(kind="invitation", key="sv", to_user=swede, context=_invite_context())
        message_send(kind="invitation", key="en", to_user=english, context=_invite_context())
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert subjects[swede.email] == "Din inbjudan till erfarenhetsexpertbanken"
    assert subjects[english.email] == "Your invitation to the experience expert bank"


def test_the_key_is_unique_in_the_database():
    user = UserFactory()
    Message.objects.create(key="same", kind="x", channel="email", to=user.email, language="fi")
    with pytest.raises(IntegrityError):
        Message.objects.create(key="same", kind="x", channel="email", to=user.email, language="fi")


def test_delivering_twice_sends_once():
    user = UserFactory()
    message = message_send(kind="invitation", key="k-2", to_user=user, context=_invite_context())
    assert message_deliver(message_id=message.pk) is True
    assert message_deliver(message_id=message.pk) is False
    assert len(mail.outbox) == 1
    message.refresh_from_db()
    assert message.attempts == 1
    assert message.sent_at is not None


def test_it_sends_sms_through_the_configured_backend(run_on_commit):
    user = UserFactory(phone="+358401234567")
    with run_on_commit():
        message_send(
            kind="invitation", key="sms-1", to_user=user, channel="sms", context=_invite_context()
        )
    assert len(sms.outbox) == 1
    to, text = sms.outbox[0]
    assert to == "+358401234567"
    assert "https://example.com/x" in text
    assert mail.outbox == []


def test_a_failed_send_is_logged_and_retried_later(settings):
    settings.EMAIL_BACKEND = "tests.expertbank.broken_mail.BrokenBackend"
    user = UserFactory()
    message = message_send(kind="invitation", key="k-3", to_user=user, context=_invite_context())
    assert message_deliver(message_id=message.pk) is False
    message.refresh_from_db()
    assert message.status == Message.Status.PENDING
    assert "mail server down" in message.error
    assert message.next_attempt_at > timezone.now()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert message_deliver(message_id=message.pk) is True
    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    assert message.attempts == 2


def test_a_claim_never_completed_expires_and_the_sweep_sends_it(run_on_commit):
    user = UserFactory()
    message = message_send(kind="invitation", key="k-4", to_user=user, context=_invite_context())
    # A worker claimed it and died before sending.
    long_ago = timezone.now() - timedelta(hours=1)
    Message.objects.filter(pk=message.pk).update(
        status=Message.Status.SENDING, claimed_at=long_ago, created_at=long_ago, attempts=1
    )
    with run_on_commit():
        queued = messages_retry_stale()
    assert queued == 1
    assert len(mail.outbox) == 1
    message.refresh_from_db()
    assert message.status == Message.Status.SENT


def test_a_fresh_claim_is_left_alone():
    user = UserFactory()
    message = message_send(kind="invitation", key="k-5", to_user=user, context=_invite_context())
    Message.objects.filter(pk=message.pk).update(
        status=Message.Status.SENDING, claimed_at=timezone.now()
    )
    assert message_deliver(message_id=message.pk) is False
    assert mail.outbox == []


def test_it_gives_up_when_the_retry_budget_is_spent(settings):
    settings.EMAIL_BACKEND = "tests.expertbank.broken_mail.BrokenBackend"
    settings.MESSAGE_RETRY_BUDGET_HOURS = 1
    user = UserFactory()
    message = message_send(kind="invitation", key="k-6", to_user=user, context=_invite_context())
    Message.objects.filter(pk=message.pk).update(created_at=timezone.now() - timedelta(minutes=59))
    assert message_deliver(message_id=message.pk) is False
    message.refresh_from_db()
    assert message.status == Message.Status.FAILED
    assert "mail server down" in message.error
    assert message_deliver(message_id=message.pk) is False
    assert mail.outbox == []


def test_it_needs_an_address():
    user = UserFactory(phone="")
    with pytest.raises(ValueError, match="no address"):
        message_send(kind="invitation", key="k-7", to_user=user, channel="sms", context={})
    assert not Message.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_sends_with_one_key_send_once():
    import threading

    from django.db import connection

    user = UserFactory()
    barrier = threading.Barrier(8)
    errors: list[BaseException] = []

    def send() -> None:
        try:
            barrier.wait()
            message = message_send(
                kind="invitation", key="race", to_user=user, context=_invite_context()
            )
            message_deliver(message_id=message.pk)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Message.objects.filter(key="race").count() == 1
    assert Message.objects.get(key="race").attempts == 1
    assert len(mail.outbox) == 1
