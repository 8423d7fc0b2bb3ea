"""One sending path for every message: e-mail, and SMS through a pluggable backend.

Every message has an idempotency key held by a unique constraint. ``message_send`` claims the key
by inserting the log row (a second call with the same key finds the row and sends nothing), renders
the text in the recipient's language, and queues delivery when the transaction commits.
``message_deliver`` claims the row with one conditional UPDATE before it sends, so two workers
never both send it; a claim that is never completed expires and the periodic sweep takes it again.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from expertbank.models import Message, User
from expertbank.sms import get_sms_backend

Channel = Message.Channel
Status = Message.Status


def render_message(*, kind: str, channel: str, language: str, context: dict[str, Any]):
    """Render ``notifications/<kind>/`` templates in ``language``: (subject, body)."""
    with translation.override(language):
        if channel == Channel.SMS:
            body = render_to_string(f"notifications/{kind}/sms.txt", context).strip()
            return "", body
        subject = render_to_string(f"notifications/{kind}/subject.txt", context)
        body = render_to_string(f"notifications/{kind}/body.txt", context).strip() + "\n"
    return " ".join(subject.split())[:250], body


def message_send(
    *,
    kind: str,
    key: str,
    context: dict[str, Any],
    to_user: User | None = None,
    to: str = "",
    channel: str = Channel.EMAIL,
    language: str | None = None,
) -> Message:
    """Queue one message once per ``key``; returns the message row (new or the earlier one)."""
    existing = Message.objects.filter(key=key).first()
    if existing is not None:
        return existing
    if not to and to_user is not None:
        to = to_user.phone if channel == Channel.SMS else to_user.email
    if not to:
        raise ValueError(f"Message {key!r} has no address to send to.")
    language = language or (to_user.language if to_user else settings.LANGUAGE_CODE)
    context = {"recipient": to_user, "site_url": settings.SITE_URL, **context}
    subject, body = render_message(kind=kind, channel=channel, language=language, context=context)
    try:
        with transaction.atomic():
            message = Message.objects.create(
                key=key,
                kind=kind,
                channel=channel,
                recipient=to_user,
                to=to,
                language=language,
                subject=subject,
                body=body,
            )
    except IntegrityError:
        # Someone else claimed the key between our look and our insert.
        return Message.objects.get(key=key)
    transaction.on_commit(lambda: _queue_delivery(message.pk))
    return message


def _queue_delivery(message_id: int) -> None:
    from expertbank.tasks import message_deliver_task

    message_deliver_task.delay(message_id)


def _claimable() -> Q:
    expiry = timezone.now() - timedelta(minutes=settings.MESSAGE_CLAIM_EXPIRY_MINUTES)
    return Q(status__in=[Status.PENDING, Status.FAILED]) | Q(
        status=Status.SENDING, claimed_at__lt=expiry
    )


def message_deliver(*, message_id: int) -> bool:
    """Send a queued message unless it was sent or is being sent; True if this call sent it."""
    claimed = Message.objects.filter(
        _claimable(), pk=message_id, attempts__lt=settings.MESSAGE_MAX_ATTEMPTS
    ).update(status=Status.SENDING, claimed_at=timezone.now(), attempts=F("attempts") + 1)
    if not claimed:
        return False
    message = Message.objects.get(pk=message_id)
    try:
        if message.channel == Channel.SMS:
            get_sms_backend().send(to=message.to, text=message.body)
        else:
            EmailMessage(
                subject=message.subject,
                body=message.body,
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[message.to],
                headers={"X-Expertbank-Message": message.key},
            ).send()
    except Exception as exc:
        Message.objects.filter(pk=message_id).update(status=Status.FAILED, error=str(exc)[:2000])
        raise
    Message.objects.filter(pk=message_id).update(
        status=Status.SENT, sent_at=timezone.now(), error=""
    )
    return True


def messages_retry_stale() -> int:
    """Queue again what was never delivered: unsent, failed, or claimed and never finished."""
    waited = timezone.now() - timedelta(minutes=1)
    ids = list(
        Message.objects.filter(
            _claimable(), created_at__lt=waited, attempts__lt=settings.MESSAGE_MAX_ATTEMPTS
        ).values_list("pk", flat=True)[:500]
    )
    for message_id in ids:
        _queue_delivery(message_id)
    return len(ids)
