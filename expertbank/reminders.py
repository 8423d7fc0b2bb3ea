"""Reminder sweeps: find what is due and not yet sent, claim it, send it once through the one path.

A sweep is a queryset of things whose reminder is due (``due <= now``, filtered by the caller),
annotated with the reminder's idempotency key as a database expression and anti-joined against
the message log: what already has a message with that key (sent, waiting, failed or skipped) is
not looked at again. The rows are claimed with ``select_for_update(skip_locked=True)`` so that two
sweeps running at once take different rows; the unique key of ``Message`` is what finally makes
each reminder go out once, whatever the sweeps do.

A sweep takes at most ``REMINDER_BATCH_SIZE`` rows per run (a pile after an outage goes out over
several runs, never as a flood). A reminder whose moment has passed (the gig started) is marked
skipped with ``message_skip`` instead of being sent late, so it is not looked at again either.

The core imports no domain app: each app's reminders module builds its querysets and calls
``sweep``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import CharField, Exists, F, OuterRef, Q, QuerySet, Value
from django.db.models.functions import (
    Cast,
    Concat,
    ExtractDay,
    ExtractHour,
    ExtractMinute,
    ExtractMonth,
    ExtractYear,
    LPad,
)
from django.utils.translation import gettext_lazy

from expertbank.models import Message
from expertbank.services.notifications import SMS_SUFFIX, message_skip

logger = logging.getLogger(__name__)

KEY = "reminder_key"
# Why a reminder was not sent (the message log's error column, read by coordinators; in the
# site's language).
LATE = gettext_lazy("Not sent: its moment had passed when the sweep found it.")
NOBODY = gettext_lazy("Not sent: nobody to send it to.")


@dataclass
class SweepResult:
    sent: int = 0
    skipped: int = 0

    def __add__(self, other: SweepResult) -> SweepResult:
        return SweepResult(self.sent + other.sent, self.skipped + other.skipped)

    def as_dict(self) -> dict[str, int]:
        return {"sent": self.sent, "skipped": self.skipped}


def key_expression(*parts: str | F) -> Concat:
    """The idempotency key as a database expression: strings are literal text, ``F`` columns.

    ``key_expression("gig:", F("pk"), ":reminder-48h:v", stamp("start"))`` is
    ``gig:123:reminder-48h:v202612141730`` for gig 123 starting at 17.30 UTC on 14.12.2026.
    """
    expressions = [
        Value(part)
        if isinstance(part, str)
        else part
        if isinstance(part, Concat)
        else Cast(part, output_field=CharField())
        for part in parts
    ]
    return Concat(*expressions, output_field=CharField())


def stamp(field: str) -> Concat:
    """The moment in ``field`` as ``YYYYMMDDHHMM`` in UTC, as a database expression: the version
    of a time in a key (``stamp_of`` is its Python twin)."""
    parts = [ExtractYear(field, tzinfo=UTC)]
    parts += [
        LPad(Cast(extract(field, tzinfo=UTC), output_field=CharField()), 2, Value("0"))
        for extract in (ExtractMonth, ExtractDay, ExtractHour, ExtractMinute)
    ]
    return Concat(
        *(Cast(part, output_field=CharField()) for part in parts), output_field=CharField()
    )


def stamp_of(moment: datetime) -> str:
    """``stamp`` in Python: ``YYYYMMDDHHMM`` of ``moment`` in UTC."""
    return moment.astimezone(UTC).strftime("%Y%m%d%H%M")


def _found(key, *, prefix: bool) -> Q:
    """The message rows of a reminder key: the key itself and its text message twin
    (``<key>:sms``), or with ``prefix`` every key beginning with it."""
    if prefix:
        return Q(key__startswith=key)
    if isinstance(key, str):
        return Q(key__in=[key, key + SMS_SUFFIX])
    return Q(key=key) | Q(key=Concat(key, Value(SMS_SUFFIX), output_field=CharField()))


def unsent(
    queryset: QuerySet, key: Concat, *, prefix: bool = False, kinds: tuple[str, ...] = ()
) -> QuerySet:
    """``queryset`` annotated with ``reminder_key``, without the rows that have a message with
    that key (``prefix``: a key beginning with it, for a reminder sent to several people as
    ``<key>u<user id>``). ``kinds`` narrows the look to those kinds' messages (an index), which
    a prefix needs: a pattern from another column can't use the key's own index."""
    logged = Message.objects.filter(_found(OuterRef(KEY), prefix=prefix))
    if kinds:
        logged = logged.filter(kind__in=kinds)
    return queryset.annotate(**{KEY: key}).filter(~Exists(logged))


def batch_size() -> int:
    """How many reminders one sweep run takes at most (``REMINDER_BATCH_SIZE``, 200)."""
    return getattr(settings, "REMINDER_BATCH_SIZE", 200)


def _skip(key: str, *, kind: str, reason: str, prefix: bool) -> None:
    """Mark the reminder's rows skipped; when it has none (nobody to send to), write one skipped
    row with the key so that no sweep looks at it again."""
    keys = set(Message.objects.filter(_found(key, prefix=prefix)).values_list("key", flat=True))
    for row_key in {k.removesuffix(SMS_SUFFIX) for k in keys}:
        message_skip(key=row_key, reason=reason)
    if not keys:
        Message.objects.get_or_create(
            key=key,
            defaults={
                "kind": kind,
                "channel": Message.Channel.EMAIL,
                "language": settings.LANGUAGE_CODE,
                "status": Message.Status.SKIPPED,
                "error": reason,
            },
        )


def sweep(
    queryset: QuerySet,
    *,
    kind: str,
    key: Concat,
    send: Callable[[Any, str], Any],
    late: Callable[[Any], bool],
    prefix: bool = False,
    kinds: tuple[str, ...] = (),
    batch: int | None = None,
    order_by: tuple[str, ...] = ("pk",),
) -> SweepResult:
    """Send the due reminders of ``queryset`` that were not sent yet, at most ``batch`` of them.

    ``send(row, key)`` sends one reminder through ``message_send`` with ``key`` (or, with
    ``prefix``, keys beginning with it), as a message of ``kind`` (or one of ``kinds``).
    ``late(row)`` says its moment has passed: the message is
    written and marked skipped at once (the log shows what was not sent and why), never sent
    late. One transaction holds the claimed rows until their messages are saved.
    """
    result = SweepResult()
    with transaction.atomic():
        rows = list(
            unsent(queryset, key, prefix=prefix, kinds=(kind, *kinds))
            .select_for_update(skip_locked=True, of=("self",))
            .order_by(*order_by)[: batch or batch_size()]
        )
        for row in rows:
            row_key = getattr(row, KEY)
            try:
                with transaction.atomic():
                    send(row, row_key)
            except Exception as exc:  # one bad row must not stop the others
                logger.exception("Reminder %s could not be written", row_key)
                _skip(row_key, kind=kind, reason=f"error: {exc}"[:500], prefix=prefix)
                result.skipped += 1
                continue
            if late(row):
                _skip(row_key, kind=kind, reason=str(LATE), prefix=prefix)
                result.skipped += 1
            elif not Message.objects.filter(_found(row_key, prefix=prefix)).exists():
                _skip(row_key, kind=kind, reason=str(NOBODY), prefix=prefix)
                result.skipped += 1
            else:
                result.sent += 1
    return result
