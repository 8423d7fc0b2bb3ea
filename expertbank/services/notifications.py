"""One sending path for every message: e-mail (plain text and HTML), and SMS through a pluggable
backend.

Sending
    ``message_send(*, kind, key, context, to_user=None, to="", channel=None, language=None)``
    claims the idempotency ``key`` by inserting the log row (a second call with the same key finds
    the row and sends nothing), renders the text in the recipient's language and queues delivery
    when the transaction commits. With ``channel=None`` and a ``to_user`` the channels come from
    the kind's entry in ``expertbank.message_kinds`` and the person's ``NotificationPreference``
    for its category: one row per channel, keyed ``<key>`` (e-mail) and ``<key>:sms`` (SMS). An
    essential kind always goes by e-mail too; a person without a phone gets e-mail; an optional
    kind switched off gives one ``skipped`` row (so the log says why nothing was sent). An
    explicit ``channel=`` or ``to=`` sends exactly that one row under ``key``. Returns the e-mail
    row, else the first row created (or the earlier row for the key).

Skipping
    ``message_skip(*, key, reason)`` marks the unsent rows of ``key`` (and ``<key>:sms``)
    ``skipped`` with ``reason`` (e.g. a reminder whose moment passed); a row already sent or
    being sent is left alone. Returns how many rows it skipped.

Delivering
    Queueing is best effort: if the broker is down the error is logged, the user's action stands
    and the retry sweep (``messages_retry_stale``, every minute) queues the row later.
    ``message_deliver`` claims the row with one conditional UPDATE before it sends, so two workers
    never both send it; a claim never completed (a killed worker) expires after
    ``MESSAGE_CLAIM_EXPIRY_SECONDS``, longer than the sending task's hard time limit, and the
    sweep takes it again. Every e-mail carries a ``Message-ID`` derived from its key, so a
    repeat is recognisable downstream; nothing is done between the mail server's acceptance and
    the ``sent`` update. A passing failure is retried with growing delays until
    ``MESSAGE_RETRY_BUDGET_HOURS`` after the message was created; a permanent one (a 5xx from the
    mail server, an invalid address) fails at once. ``failed`` means failed for good: it shows on
    the coordinators' work queue, and ``message_retry`` takes it again once.
"""

from __future__ import annotations

import hashlib
import logging
import smtplib
from datetime import datetime, timedelta
from email.utils import formataddr, parseaddr
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string, select_template
from django.utils import timezone, translation
from django.utils.translation import gettext

from expertbank.contact import bank_contact, sender_name
from expertbank.message_kinds import CATEGORIES, kind_info
from expertbank.models import Message, NotificationPreference, User
from expertbank.plain import plain_message_templates, plain_on
from expertbank.sms import PermanentSMSError, get_sms_backend, sms_fit

logger = logging.getLogger(__name__)

Channel = Message.Channel
Status = Message.Status
SMS_SUFFIX = ":sms"
# The on-commit queueing normally delivers a new message at once; the sweep waits this long
# before it takes a row that was never queued (e.g. the broker was down).
QUEUE_GRACE = timedelta(minutes=1)


# --- Rendering ---------------------------------------------------------------------------------


def render_message(
    *, kind: str, channel: str, language: str, context: dict[str, Any]
) -> tuple[str, str, str]:
    """Render ``notifications/<kind>/`` templates in ``language``: (subject, text, html).

    An e-mail's text ends with the bank's contact details; its HTML is the kind's ``body.html``
    (extending ``notifications/base.html``) if it has one, else the text with its links made
    clickable (``notifications/body_from_text.html``).
    An SMS is at most two segments, its link kept whole.
    """

    def names(part: str) -> list[str]:
        # Plain language (issue 17): the kind's plain text first, when the recipient chose it.
        plain = plain_message_templates(kind, part) if context.get("plain") else []
        return [*plain, f"notifications/{kind}/{part}"]

    with translation.override(language):
        if channel == Channel.SMS:
            body = render_to_string(names("sms.txt"), context)
            return "", sms_fit(" ".join(body.split())), ""
        subject = " ".join(render_to_string(names("subject.txt"), context).split())
        text = render_to_string(names("body.txt"), context).strip()
        footer = render_to_string("notifications/footer.txt", context).strip()
        html = select_template(
            [f"notifications/{kind}/body.html", "notifications/body_from_text.html"]
        ).render({**context, "subject": subject, "text": text, "language": language})
    return subject[:250], f"{text}\n\n-- \n{footer}\n", html


# --- Sending -----------------------------------------------------------------------------------


def channel_choice(user: User, category: str) -> str:
    """What ``user`` chose for ``category``: "email", "sms", "both" or "none"."""
    chosen = (
        NotificationPreference.objects.filter(user=user, category=category)
        .values_list("channel", flat=True)
        .first()
    )
    return chosen or CATEGORIES.get(category, {}).get("default", "email")


def _channels_for(kind: str, user: User) -> list[str]:
    """The channels a message of ``kind`` goes to ``user`` by: e-mail first; [] if none."""
    info = kind_info(kind)
    choice = channel_choice(user, info["category"]) if info["category"] else "email"
    channels = set()
    if choice in ("email", "both"):
        channels.add(Channel.EMAIL)
    if choice in ("sms", "both"):
        channels.add(Channel.SMS if info["sms"] and user.phone else Channel.EMAIL)
    if info["essential"]:
        channels.add(Channel.EMAIL)
    return sorted(channels, key=lambda channel: channel != Channel.EMAIL)


def _create(*, key: str, kind: str, channel: str, to_user, to: str, language: str, **fields):
    """Insert the row claiming ``key``; None if someone else claimed it first."""
    try:
        with transaction.atomic():
            return Message.objects.create(
                key=key,
                kind=kind,
                channel=channel,
                recipient=to_user,
                to=to,
                language=language,
                **fields,
            )
    except IntegrityError:
        return None


def message_send(
    *,
    kind: str,
    key: str,
    context: dict[str, Any],
    to_user: User | None = None,
    to: str = "",
    channel: str | None = None,
    language: str | None = None,
) -> Message:
    """Queue one message once per ``key`` by the channels chosen (see the module docstring);
    returns the e-mail row, else the first row (new or the earlier one)."""
    existing = Message.objects.filter(key__in=[key, key + SMS_SUFFIX]).order_by("pk").first()
    if existing is not None:
        return existing
    language = language or (to_user.language if to_user else settings.LANGUAGE_CODE)
    if channel is not None or to or to_user is None:
        channel = channel or Channel.EMAIL
        if not to and to_user is not None:
            to = to_user.phone if channel == Channel.SMS else to_user.email
        plans = [(key, channel, to)]
    else:
        channels = _channels_for(kind, to_user)
        if not channels:
            with translation.override(language):
                reason = gettext("The recipient has switched these messages off.")
            row = _create(
                key=key,
                kind=kind,
                channel=Channel.EMAIL,
                to_user=to_user,
                to=to_user.email,
                language=language,
                status=Status.SKIPPED,
                error=reason,
            )
            return row or Message.objects.get(key=key)
        plans = [
            (key if ch == Channel.EMAIL else key + SMS_SUFFIX, ch, _address(to_user, ch))
            for ch in channels
        ]
    for _key, _channel, address in plans:
        if not address:
            raise ValueError(f"Message {_key!r} has no address to send to.")
    context = {
        "recipient": to_user,
        # Discreet mode (issue 17): subjects and SMS texts say only "Gig – place, time"
        # (``notifications/_discreet.txt``), the details behind the login.
        "discreet": bool(to_user is not None and to_user.discreet),
        # Plain language (issue 17): the expert-facing kinds in short, plain sentences.
        "plain": plain_on(to_user),
        "site_url": settings.SITE_URL,
        "bank": bank_contact(language),
        **context,
    }
    rows = []
    for row_key, row_channel, address in plans:
        subject, body, html = render_message(
            kind=kind, channel=row_channel, language=language, context=context
        )
        row = _create(
            key=row_key,
            kind=kind,
            channel=row_channel,
            to_user=to_user,
            to=address,
            language=language,
            subject=subject,
            body=body,
            html=html,
            next_attempt_at=timezone.now() + QUEUE_GRACE,
        )
        if row is None:  # someone else claimed the key between our look and our insert
            rows.append(Message.objects.get(key=row_key))
            continue
        rows.append(row)
        transaction.on_commit(lambda pk=row.pk: queue_delivery(pk))
    return rows[0]


def _address(user: User, channel: str) -> str:
    return user.phone if channel == Channel.SMS else user.email


def message_skip(*, key: str, reason: str) -> int:
    """Mark the unsent rows of ``key`` (and ``<key>:sms``) skipped with ``reason``."""
    return Message.objects.filter(
        key__in=[key, key + SMS_SUFFIX], status__in=[Status.PENDING, Status.FAILED]
    ).update(status=Status.SKIPPED, error=reason[:2000], next_attempt_at=None)


def message_retry(*, message_id: int) -> bool:
    """Take a message that failed for good again (a coordinator's retry): True if it was one."""
    retried = Message.objects.filter(pk=message_id, status=Status.FAILED).update(
        status=Status.PENDING, next_attempt_at=timezone.now() + QUEUE_GRACE
    )
    if retried:
        transaction.on_commit(lambda: queue_delivery(message_id))
    return bool(retried)


def queue_delivery(message_id: int) -> bool:
    """Queue the delivery task, best effort: a broker error is logged, never raised (the sweep
    sends the message later). True if queued."""
    from expertbank.tasks import message_deliver_task

    try:
        message_deliver_task.apply_async(args=[message_id], retry=False)
    except Exception:
        if message_deliver_task.app.conf.task_always_eager:
            raise
        logger.warning("message %s not queued; the retry sweep sends it", message_id, exc_info=True)
        return False
    return True


# --- Delivering --------------------------------------------------------------------------------


def message_id_header(key: str) -> str:
    """The stable Message-ID of the message with ``key``: the same on every attempt."""
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "localhost"
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:32]}@{domain}>"


def _from_address(language: str) -> str:
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or settings.DEFAULT_FROM_EMAIL
    return formataddr((sender_name(language), address))


def _email(message: Message) -> EmailMultiAlternatives:
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body,
        from_email=_from_address(message.language),
        to=[message.to],
        headers={"Message-ID": message_id_header(message.key), "X-Expertbank-Message": message.key},
    )
    if message.html:
        email.attach_alternative(message.html, "text/html")
    return email


def _claimable(now: datetime) -> Q:
    expiry = now - timedelta(seconds=settings.MESSAGE_CLAIM_EXPIRY_SECONDS)
    return Q(status=Status.PENDING) | Q(status=Status.SENDING, claimed_at__lt=expiry)


def _is_permanent(exc: BaseException) -> bool:
    """An error no retry can fix: the mail server's 5xx, an invalid address or number."""
    if isinstance(exc, PermanentSMSError):
        return True
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _text in exc.recipients.values()]
        return bool(codes) and all(500 <= code < 600 for code in codes)
    if isinstance(exc, smtplib.SMTPResponseException):
        return 500 <= exc.smtp_code < 600
    # Django's address checks raise ValueError ("Invalid address").
    return isinstance(exc, ValueError)


def retry_delay(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failed attempt: 1, 2, 4 … minutes, capped."""
    minutes = min(2 ** max(attempts - 1, 0), settings.MESSAGE_RETRY_MAX_DELAY_MINUTES)
    return timedelta(minutes=minutes)


def _record_failure(message: Message, exc: BaseException) -> None:
    now = timezone.now()
    reason = f"{type(exc).__name__}: {exc}"[:2000]
    next_at = now + retry_delay(message.attempts)
    deadline = message.created_at + timedelta(hours=settings.MESSAGE_RETRY_BUDGET_HOURS)
    if _is_permanent(exc) or next_at > deadline:
        fields = {"status": Status.FAILED, "next_attempt_at": None}
        logger.warning("message %s failed for good: %s", message.pk, reason)
    else:
        fields = {"status": Status.PENDING, "next_attempt_at": next_at}
        logger.info("message %s failed, retried at %s: %s", message.pk, next_at, reason)
    # Only while our claim holds: a retaken row belongs to its new sender.
    Message.objects.filter(
        pk=message.pk, status=Status.SENDING, claimed_at=message.claimed_at
    ).update(error=reason, **fields)


def message_deliver(*, message_id: int) -> bool:
    """Send a queued message unless it was sent, is being sent or is done with; True if this
    call sent it. A failure is recorded on the row (retried later or failed for good)."""
    now = timezone.now()
    claimed = Message.objects.filter(_claimable(now), pk=message_id).update(
        status=Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
    )
    if not claimed:
        return False
    message = Message.objects.get(pk=message_id)
    connection = None
    try:
        if message.channel == Channel.SMS:
            backend = get_sms_backend()
            backend.send(to=message.to, text=message.body)
        else:
            email = _email(message)
            connection = get_connection()
            connection.open()
            connection.send_messages([email])
    except Exception as exc:
        _record_failure(message, exc)
        _close(connection)
        return False
    # Accepted: mark it sent before anything else (closing the SMTP session included).
    Message.objects.filter(pk=message_id).update(
        status=Status.SENT, sent_at=timezone.now(), next_attempt_at=None
    )
    _close(connection)
    return True


def _close(connection) -> None:
    if connection is None:
        return
    try:
        connection.close()
    except Exception:
        logger.info("closing the mail connection failed", exc_info=True)


def messages_due(now: datetime | None = None):
    """The rows the sweep takes: waiting rows whose time has come and expired claims."""
    now = now or timezone.now()
    expiry = now - timedelta(seconds=settings.MESSAGE_CLAIM_EXPIRY_SECONDS)
    return Message.objects.filter(
        Q(status=Status.PENDING, next_attempt_at__lte=now)
        | Q(status=Status.PENDING, next_attempt_at__isnull=True, created_at__lte=now - QUEUE_GRACE)
        | Q(status=Status.SENDING, claimed_at__lt=expiry)
    )


def messages_retry_stale() -> int:
    """Queue the due messages again, at most ``MESSAGE_SWEEP_BATCH`` a run, oldest first; each
    queued row waits a claim expiry before the sweep queues it again. Returns how many."""
    now = timezone.now()
    ids = list(
        messages_due(now)
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[: settings.MESSAGE_SWEEP_BATCH]
    )
    if not ids:
        return 0
    Message.objects.filter(pk__in=ids, status=Status.PENDING).update(
        next_attempt_at=now + timedelta(seconds=settings.MESSAGE_CLAIM_EXPIRY_SECONDS)
    )
    queued = 0
    for message_id in ids:
        if not queue_delivery(message_id):
            break
        queued += 1
    return queued


# --- Preferences -------------------------------------------------------------------------------


def discreet_set(*, user: User, discreet: bool) -> None:
    """Discreet mode on or off: calendar entries, SMS texts and e-mail subjects say only
    "Gig – place, time" (issue 17)."""
    if user.discreet != discreet:
        user.discreet = discreet
        user.save(update_fields=["discreet"])


def plain_language_set(*, user: User, plain: bool) -> None:
    """Plain language on or off: the expert portal's pages and the expert's offers, reminders
    and fee messages in short, plain sentences (issue 17; ``expertbank.plain``)."""
    if user.plain_language != plain:
        user.plain_language = plain
        user.save(update_fields=["plain_language"])


def notification_preferences_set(*, user: User, choices: dict[str, str]) -> None:
    """Keep ``user``'s chosen channel per category (``message_kinds.category_choices``); a
    choice a category does not offer raises ValueError and nothing is saved."""
    from expertbank.message_kinds import category_choices

    for category, channel in choices.items():
        if category not in CATEGORIES or channel not in category_choices(category):
            raise ValueError(f"{channel!r} is not a choice for {category!r}.")
    with transaction.atomic():
        for category, channel in choices.items():
            NotificationPreference.objects.update_or_create(
                user=user, category=category, defaults={"channel": channel}
            )
