"""Pluggable SMS backends. ``settings.SMS_BACKEND`` names the class; console by default."""

from __future__ import annotations

import sys

from django.conf import settings
from django.utils.module_loading import import_string

outbox: list[tuple[str, str]] = []


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
