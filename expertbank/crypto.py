"""Encryption at rest for sensitive fields, keyed hashes, and masking for display.

Keys come from the environment, never from ``SECRET_KEY``, so they can rotate on their own:
``FIELD_ENCRYPTION_KEYS`` is a comma-separated list of Fernet keys, newest first (new values are
encrypted with the first; every listed key still decrypts), and ``FIELD_HASH_KEY`` keys the HMAC
that lets duplicates be found without decrypting. With DEBUG on and no keys set, development keys
are generated once under ``var/``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from functools import cache
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

MASK = "•"


def _development_key(name: str, make) -> str:
    """A key kept under var/, created once; safe when several processes start together."""
    path = Path(settings.VAR_DIR) / name
    if not path.exists():
        tmp = path.with_name(f".{name}.{os.getpid()}")
        tmp.write_text(make())
        try:
            os.link(tmp, path)  # atomic: fails if another process won the race
        except FileExistsError:
            pass
        finally:
            tmp.unlink(missing_ok=True)
    return path.read_text().strip()


def _configured(name: str, make) -> str:
    value = getattr(settings, name, "")
    if value:
        return value
    if not settings.DEBUG:
        raise ImproperlyConfigured(
            f"{name} is not set. With DEBUG off the expert bank needs it to protect "
            "personal identity codes and bank accounts (see README.md)."
        )
    return _development_key(f"dev-{name.lower().replace('_', '-')}", make)


@cache
def _fernet() -> MultiFernet:
    raw = _configured("FIELD_ENCRYPTION_KEYS", lambda: Fernet.generate_key().decode())
    try:
        keys = [Fernet(key.strip()) for key in raw.split(",") if key.strip()]
    except ValueError as exc:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS must be Fernet keys (32 url-safe base64 bytes), comma-separated."
        ) from exc
    return MultiFernet(keys)


@cache
def _hash_key() -> bytes:
    raw = _configured("FIELD_HASH_KEY", lambda: base64.urlsafe_b64encode(os.urandom(32)).decode())
    return raw.encode()


def reset_keys() -> None:
    """Forget cached keys (after settings change, e.g. in tests or a rotation)."""
    _fernet.cache_clear()
    _hash_key.cache_clear()


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ImproperlyConfigured(
            "A sensitive value cannot be decrypted: FIELD_ENCRYPTION_KEYS lacks the key it was "
            "encrypted with."
        ) from exc


def rotate(token: str) -> str:
    """Re-encrypt ``token`` with the newest key."""
    return _fernet().rotate(token.encode()).decode()


def keyed_hash(value: str) -> str:
    """A stable keyed hash: equal values give equal hashes, and nothing can be read back."""
    return hmac.new(_hash_key(), value.encode(), hashlib.sha256).hexdigest()


class EncryptedTextField(models.TextField):
    """A text value stored encrypted (Fernet); Python code sees the plain text.

    Not searchable or sortable by design: the database holds only ciphertext.
    """

    def from_db_value(self, value, expression, connection):
        if value in (None, ""):
            return value
        return decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value in (None, ""):
            return value
        return encrypt(value)

    def get_lookup(self, lookup_name):
        if lookup_name != "isnull":  # ciphertext never equals anything
            return None
        return super().get_lookup(lookup_name)


# --- Masking ------------------------------------------------------------------------------


def mask_identity_code(value: str | None) -> str:
    """``131052-308T`` → ``••••••-••8T``: enough to tell two people apart, not to identify."""
    if not value:
        return ""
    return MASK * 6 + value[6:7] + MASK * 2 + value[-2:]


def mask_iban(value: str | None) -> str:
    """``FI4950009420028730`` → ``FI49 •••• •••• ••87 30``."""
    if not value:
        return ""
    compact = value.replace(" ", "").upper()
    masked = compact[:4] + MASK * (len(compact) - 8) + compact[-4:]
    return " ".join(masked[i : i + 4] for i in range(0, len(masked), 4))


def mask_text(value: str | None) -> str:
    return MASK * 8 if value else ""
