"""The core's part of erasing a person: their login, their messages, the audit log about them,
and their personal values wherever other text quotes them.

The domain apps erase their own rows (``experts.erasure`` runs them in one transaction); these
helpers know only the core's models and walk the others through the app registry, so the core
still imports no domain app.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from importlib import import_module
from typing import Any

from allauth.account.models import EmailAddress
from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.db import models
from django.db.models import Q

from expertbank.crypto import MASK, EncryptedTextField
from expertbank.models import AuditEntry, Invitation, Message, PhoneVerification, ReadEntry, User

# The apps whose text is searched for an erased person's values.
PROJECT_APPS = ("expertbank", "experts", "training", "bookings", "invoicing")

# A value shorter than this is too common to replace in other people's text (a first name, a
# town); the person's own rows are emptied whole by their app's eraser whatever the length.
MIN_SCRUB_LENGTH = 6

ERASED = MASK * 3


class Scrubber:
    """Replaces a person's identifying values (name, e-mail, phone, identity code, IBAN…) in
    free text and JSON, case-insensitively."""

    def __init__(self, values: Iterable[str], replacement: str) -> None:
        cleaned = {str(value).strip() for value in values if value}
        self.values = sorted(
            (value for value in cleaned if len(value) >= MIN_SCRUB_LENGTH), key=len, reverse=True
        )
        self.replacement = replacement
        self._pattern = (
            re.compile("|".join(re.escape(value) for value in self.values), re.IGNORECASE)
            if self.values
            else None
        )

    def matches(self, text: str | None) -> bool:
        return bool(self._pattern and text and self._pattern.search(text))

    def text(self, text: str) -> str:
        if not self._pattern or not text:
            return text
        return self._pattern.sub(self.replacement, text)

    def json(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self.json(item) for item in value]
        if isinstance(value, dict):
            return {self.text(str(key)): self.json(item) for key, item in value.items()}
        return value

    def search_terms(self) -> list[str]:
        """What a database LIKE must look for: each value, and as JSON writes it (``\\u00e4``)."""
        import json

        terms = set(self.values)
        terms.update(json.dumps(value)[1:-1] for value in self.values)
        return sorted(terms)


def _text_fields(model: type[models.Model]) -> list[models.Field]:
    return [
        field
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField | models.JSONField)
        and not isinstance(field, EncryptedTextField)
        and not field.primary_key
        and not field.choices
    ]


def scrub_everywhere(scrubber: Scrubber) -> int:
    """Replace the values in every plain text and JSON column of the project's models.

    Encrypted columns cannot be searched in the database; the rows of the person themselves
    (where their encrypted values live) are emptied by their app's eraser. Rows are written with
    ``update()``: this is the one change an issued document or a history entry ever gets.
    """
    if not scrubber.values:
        return 0
    changed = 0
    terms = scrubber.search_terms()
    for config in apps.get_app_configs():
        if config.label not in PROJECT_APPS:
            continue
        for model in config.get_models():
            if model._meta.proxy:
                continue
            for field in _text_fields(model):
                changed += _scrub_field(model, field, scrubber, terms)
    return changed


def _scrub_field(
    model: type[models.Model], field: models.Field, scrubber: Scrubber, terms: list[str]
) -> int:
    condition = Q()
    for term in terms:
        condition |= Q(**{f"{field.attname}__icontains": term})
    manager = model._base_manager
    rows = list(manager.filter(condition).values_list("pk", field.attname))
    changed = 0
    for pk, value in rows:
        new = scrubber.json(value) if isinstance(field, models.JSONField) else scrubber.text(value)
        if new != value:
            manager.filter(pk=pk).update(**{field.attname: new})
            changed += 1
    return changed


def audit_pseudonymise(targets: Iterable[models.Model], *, object_repr: str) -> int:
    """The audit log about these objects keeps who, when and which fields changed; the values
    and the object's name are replaced."""
    by_type: dict[int, set[str]] = {}
    for obj in targets:
        content_type = ContentType.objects.get_for_model(obj, for_concrete_model=False)
        by_type.setdefault(content_type.pk, set()).add(str(obj.pk))
    changed = 0
    for content_type_id, ids in by_type.items():
        entries = AuditEntry.objects.filter(content_type_id=content_type_id, object_id__in=ids)
        for entry in entries:
            entry.object_repr = object_repr[:200]
            entry.changes = {name: [ERASED, ERASED] for name in entry.changes or {}}
            entry.save(update_fields=["object_repr", "changes"])
            changed += 1
    return changed


def user_erase(*, user: User, name: str, email: str) -> None:
    """Pseudonymise a login for good: no name, no phone, an address that cannot receive mail,
    no usable password, inactive, every session and invitation ended, its e-mail addresses and
    the messages sent to it emptied, the read log about it naming nothing."""
    user.full_name = name
    user.email = email
    user.phone = ""
    user.phone_verified_at = None
    user.is_active = False
    user.is_staff = False
    user.set_unusable_password()  # also ends every session (the session hash changes)
    user.save()
    EmailAddress.objects.filter(user=user).delete()
    Invitation.objects.filter(user=user).delete()
    PhoneVerification.objects.filter(user=user).delete()
    Message.objects.filter(recipient=user).update(to="", subject="", body="", html="", error="")
    # The read log keeps who opened the data and when; what they opened is named no more.
    ReadEntry.objects.filter(subject=user).update(object_repr=name)
    sessions_end(user)


def sessions_end(user: User) -> int:
    """Delete the database sessions of ``user``, through the configured session store so that
    its cached copy goes too (other session stores lose them anyway: the password change above
    no longer matches their hash)."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    key = str(user.pk)
    ended = 0
    for session in Session.objects.all().iterator():
        if session.get_decoded().get("_auth_user_id") == key:
            store(session_key=session.session_key).delete()
            ended += 1
    return ended


__all__ = [
    "PROJECT_APPS",
    "Scrubber",
    "audit_pseudonymise",
    "scrub_everywhere",
    "sessions_end",
    "user_erase",
]
