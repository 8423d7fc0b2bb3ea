"""Pluggable SMS backends. ``settings.SMS_BACKEND`` names the class; console by default.

A backend raises ``PermanentSMSError`` for what no retry can fix (an invalid number); any other
exception is taken as passing and retried (``expertbank/services/notifications.py``).

``sms_segments`` counts the segments a text takes (GSM 03.38 7-bit: 160 characters alone,
153 a segment when split, the extension characters counting two; any other character makes it
UCS-2: 70 alone, 67 a segment) and ``sms_fit`` shortens a text to at most two segments keeping
its link whole.
"""

from __future__ import annotations

import re
import sys
import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest
from django.utils.module_loading import import_string

outbox: list[tuple[str, str]] = []

# GSM 03.38 basic character set and the extension table (each extension character takes two).
GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENSION = set("^{}\\[~]|€\f")
MAX_SEGMENTS = 2
_URL = re.compile(r"https?://\S+")


class PermanentSMSError(Exception):
    """The message can never be sent as it is (e.g. the number does not exist)."""


def _is_gsm(text: str) -> bool:
    return all(char in GSM_BASIC or char in GSM_EXTENSION for char in text)


def sms_length(text: str) -> tuple[int, bool]:
    """(length in the encoding's units, True if GSM-7)."""
    if _is_gsm(text):
        return sum(2 if char in GSM_EXTENSION else 1 for char in text), True
    # UCS-2 counts UTF-16 code units: a character outside the BMP takes two.
    return len(text.encode("utf-16-le")) // 2, False


def sms_segments(text: str) -> int:
    """How many segments ``text`` takes as one SMS."""
    length, gsm = sms_length(text)
    single, part = (160, 153) if gsm else (70, 67)
    if length <= single:
        return 1
    return -(-length // part)


def sms_fit(text: str, max_segments: int = MAX_SEGMENTS) -> str:
    """``text`` shortened to ``max_segments`` segments: words cut from the end of the prose with
    "…", the link (the last http(s) address) kept whole at the end."""
    text = text.strip()
    if sms_segments(text) <= max_segments:
        return text
    urls = _URL.findall(text)
    link = urls[-1] if urls else ""
    prose = text.replace(link, " ").strip() if link else text
    prose = " ".join(prose.split())
    tail = f" {link}" if link else ""
    words = prose.split(" ")
    while words:
        candidate = " ".join(words).rstrip(" .,;:") + "…" + tail
        if sms_segments(candidate) <= max_segments:
            return candidate
        words.pop()
    return link or text[: 67 * max_segments]


# --- Inbound -------------------------------------------------------------------------------------
# Answers by text message (issue 17): the provider POSTs each text it receives to the webhook
# ``/sms/inbound/`` (``expertbank.views_sms``); the backend reads the provider's fields
# (``parse_inbound``) and ``expertbank.services.sms_inbound.sms_receive`` decides the reply.
# A domain app answers the codes it owns by appending a handler here in its ``AppConfig.ready``:
# ``handler(user=..., answer="yes" | "no", code="4821")`` returns the reply text, or None when
# the code is not its own.
InboundHandler = Callable[..., "str | None"]
inbound_handlers: list[InboundHandler] = []


class BaseSMSBackend:
    def send(self, *, to: str, text: str) -> None:
        raise NotImplementedError

    def parse_inbound(self, request: HttpRequest) -> tuple[str, str, str]:
        """(sender, text, the provider's message id) of an inbound webhook POST; ValueError
        when a field is missing. The generic form: ``from``, ``text`` and ``id``."""
        sender = request.POST.get("from", "").strip()
        text = request.POST.get("text", "")
        message_id = request.POST.get("id", "").strip()
        if not sender or not message_id or len(message_id) > 100 or len(text) > 1000:
            raise ValueError("from, text and id are required")
        return sender, text, message_id

    def receive(self, *, sender: str, text: str, message_id: str = "") -> str:
        """Take one inbound text as if the provider had posted it; returns the reply."""
        from expertbank.services.sms_inbound import sms_receive

        return sms_receive(sender=sender, text=text, message_id=message_id or uuid.uuid4().hex)


class ConsoleSMSBackend(BaseSMSBackend):
    """Writes the message to standard output, as Django's console e-mail backend does; a test or
    the demo posts an answer with ``receive`` (``manage.py sms_reply``)."""

    def send(self, *, to: str, text: str) -> None:
        sys.stdout.write(f"SMS to {to}:\n{text}\n{'-' * 40}\n")
        sys.stdout.flush()


class LocmemSMSBackend(BaseSMSBackend):
    """Keeps messages in ``expertbank.sms.outbox``, for tests."""

    def send(self, *, to: str, text: str) -> None:
        outbox.append((to, text))


def get_sms_backend() -> BaseSMSBackend:
    return import_string(settings.SMS_BACKEND)()
