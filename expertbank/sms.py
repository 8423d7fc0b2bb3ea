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

from django.conf import settings
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


class BaseSMSBackend:
    def send(self, *, to: str, text: str) -> None:
        raise NotImplementedError


class ConsoleSMSBackend(BaseSMSBackend):
    """Writes the message to standard output, as Django's console e-mail backend does."""

    def send(self, *, to: str, text: str) -> None:
        sys.stdout.write(f"SMS to {to}:\n{text}\n{'-' * 40}\n")
        sys.stdout.flush()


class LocmemSMSBackend(BaseSMSBackend):
    """Keeps messages in ``expertbank.sms.outbox``, for tests."""

    def send(self, *, to: str, text: str) -> None:
        outbox.append((to, text))


def get_sms_backend() -> BaseSMSBackend:
    return import_string(settings.SMS_BACKEND)()
