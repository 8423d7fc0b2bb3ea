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
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction
from django.db.models import Value
from django.db.models.functions import Cast

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


def _development_site() -> bool:
    """True on a development or test site. Test runners switch DEBUG off at run time, but the
    development SECRET_KEY can only have been chosen at start-up with DEBUG on."""
    development_key = getattr(settings, "DEVELOPMENT_SECRET_KEY", None)
    return settings.DEBUG or (
        development_key is not None and development_key == settings.SECRET_KEY
    )


def _configured(name: str, make) -> str:
    value = getattr(settings, name, "")
    if value:
        return value
    if not _development_site():
        raise ImproperlyConfigured(
            f"{name} is not set. With DEBUG off the expert bank needs it to protect "
            "personal identity codes and bank accounts (see README.md)."
        )
    return _development_key(f"dev-{name.lower().replace('_', '-')}", make)


@cache
def _keys() -> tuple[Fernet, ...]:
    raw = _configured("FIELD_ENCRYPTION_KEYS", lambda: Fernet.generate_key().decode())
    try:
        keys = tuple(Fernet(key.strip()) for key in raw.split(",") if key.strip())
    except ValueError as exc:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS must be Fernet keys (32 url-safe base64 bytes), comma-separated."
        ) from exc
    if not keys:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS lists no keys.")
    return keys


@cache
def _fernet() -> MultiFernet:
    return MultiFernet(list(_keys()))


@cache
def _hash_key() -> bytes:
    raw = _configured("FIELD_HASH_KEY", lambda: base64.urlsafe_b64encode(os.urandom(32)).decode())
    return raw.encode()


def reset_keys() -> None:
    """Forget cached keys (after settings change, e.g. in tests or a rotation)."""
    _keys.cache_clear()
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


def is_current(token: str) -> bool:
    """True if ``token`` is encrypted with the newest key (the first in FIELD_ENCRYPTION_KEYS)."""
    try:
        _keys()[0].decrypt(token.encode())
    except InvalidToken:
        return False
    return True


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


# --- Key rotation --------------------------------------------------------------------------


@dataclass
class RotationCount:
    label: str
    rotated: int = 0
    current: int = 0


def encrypted_fields() -> list[tuple[type[models.Model], models.Field]]:
    """Every ``EncryptedTextField`` of every installed model (found through the registry)."""
    from django.apps import apps

    return [
        (model, field)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, EncryptedTextField)
    ]


def rotate_field(
    model: type[models.Model], field: models.Field, *, batch_size: int = 500
) -> RotationCount:
    """Re-encrypt every value of one field with the newest key, a locked batch at a time.

    Reads and writes the ciphertext itself (cast to plain text), so values are never decrypted
    into memory here beyond what ``MultiFernet.rotate`` does; values already on the newest key
    are left alone, so a second run changes nothing.
    """
    count = RotationCount(label=f"{model._meta.label}.{field.name}")
    manager = model._base_manager
    raw = Cast(field.attname, output_field=models.TextField())
    last_pk = None
    while True:
        with transaction.atomic():
            batch = manager.annotate(_raw=raw).exclude(_raw__isnull=True).exclude(_raw="")
            if last_pk is not None:
                batch = batch.filter(pk__gt=last_pk)
            rows = list(
                batch.select_for_update().order_by("pk").values_list("pk", "_raw")[:batch_size]
            )
            if not rows:
                return count
            for pk, token in rows:
                if is_current(token):
                    count.current += 1
                    continue
                try:
                    new = rotate(token)
                except InvalidToken as exc:
                    raise ImproperlyConfigured(
                        f"{count.label} of row {pk} cannot be decrypted with any key in "
                        "FIELD_ENCRYPTION_KEYS; add the key it was encrypted with and run again."
                    ) from exc
                manager.filter(pk=pk).update(
                    **{field.attname: Value(new, output_field=models.TextField())}
                )
                count.rotated += 1
            last_pk = rows[-1][0]


def rotate_encrypted_fields(*, batch_size: int = 500) -> list[RotationCount]:
    """Re-encrypt every encrypted value in the database with the newest key."""
    return [
        rotate_field(model, field, batch_size=batch_size) for model, field in encrypted_fields()
    ]
