"""The audit log: one row per change of a booking, a payment or a sensitive field."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from expertbank.models import AuditEntry, User

Masker = Callable[[Any], str]


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The current values of ``fields`` (many-to-many as sorted lists of str)."""
    values: dict[str, Any] = {}
    for name in fields:
        field = obj._meta.get_field(name)
        if field.many_to_many:
            values[name] = sorted(str(item) for item in getattr(obj, name).all()) if obj.pk else []
        else:
            values[name] = getattr(obj, field.attname)
    return values


def changes_between(
    before: dict[str, Any], after: dict[str, Any], *, maskers: dict[str, Masker] | None = None
) -> dict[str, list[str]]:
    """``{field: [old, new]}`` for the fields whose values differ; sensitive ones masked."""
    maskers = maskers or {}
    result = {}
    for name, new in after.items():
        old = before.get(name)
        if old == new:
            continue
        show = maskers.get(name, _plain)
        result[name] = [show(old), show(new)]
    return result


def _plain(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(value)
    return str(value)


def audit_record(
    *, obj: models.Model, actor: User | None, action: str, changes: dict | None = None
) -> AuditEntry:
    return AuditEntry.objects.create(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        actor=actor,
        action=action,
        changes=changes or {},
    )


def audit_history(obj: models.Model) -> models.QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
    ).select_related("actor")
