"""The audit logs: one row per change of a booking, a payment or a sensitive field
(``AuditEntry``), and one row per read of someone's sensitive data (``ReadEntry``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.http import HttpRequest
from django.utils import timezone

from expertbank.models import AuditEntry, ReadEntry, User
from expertbank.roles import ROLE_PRIORITY, user_roles

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


# --- Reads ------------------------------------------------------------------------------------

READ_WINDOW_SECONDS = 600  # one entry per viewer, subject, object and kind in ten minutes


def _viewer_role(user: User) -> str:
    roles = user_roles(user)
    return next((role.value for role in ROLE_PRIORITY if role in roles), "")


def read_record(
    *,
    viewer: User | None,
    kind: str,
    items: Iterable[tuple[models.Model, int | None]],
    path: str = "",
    at: datetime | None = None,
) -> int:
    """Record that ``viewer`` opened ``kind`` of data: each item is an object shown and the
    user whose data it is (``None``: nobody in particular, e.g. the units' incoming payments).

    The data subject's own reads are not recorded: the log answers "who else has seen my
    data". Repeats within the same ten-minute window of the clock are ignored through the
    unique ``window_key``, so reloading or paging adds nothing and two requests at once cannot
    both add a row. One query, whatever the number of items. Returns the number of items
    recorded (new or repeated).
    """
    if viewer is None or not viewer.is_authenticated:
        return 0
    at = at or timezone.now()
    window = int(at.timestamp()) // READ_WINDOW_SECONDS
    role = _viewer_role(viewer)
    rows: dict[str, ReadEntry] = {}
    for obj, subject_id in items:
        if subject_id == viewer.pk:
            continue
        content_type = ContentType.objects.get_for_model(obj)  # cached after the first
        key = f"{viewer.pk}:{subject_id or '-'}:{kind}:{content_type.pk}:{obj.pk}:{window}"
        rows[key] = ReadEntry(
            at=at,
            viewer=viewer,
            viewer_role=role,
            subject_id=subject_id,
            kind=kind,
            content_type=content_type,
            object_id=str(obj.pk),
            object_repr=str(obj)[:200],
            path=path[:500],
            window_key=key,
        )
    if rows:
        ReadEntry.objects.bulk_create(rows.values(), ignore_conflicts=True)
    return len(rows)


def read_logged(
    request: HttpRequest,
    *,
    kind: str,
    obj: models.Model | None = None,
    subject_ids: Iterable[int | None] = (),
    items: Iterable[tuple[models.Model, int | None]] = (),
) -> None:
    """The one call a view makes when it shows sensitive data: the signed-in user read ``obj``
    (about each of ``subject_ids``), or each ``(object, subject id)`` of ``items``, on this
    page. See ``read_record``."""
    pairs = [(obj, subject_id) for subject_id in subject_ids] if obj is not None else []
    read_record(
        viewer=request.user,
        kind=kind,
        items=[*pairs, *items],
        path=request.get_full_path(),
    )


def reads_about(user: User) -> models.QuerySet[ReadEntry]:
    """Every recorded read of ``user``'s data, newest first (two queries a page with paging)."""
    return ReadEntry.objects.filter(subject=user).select_related("viewer").order_by("-at", "-pk")
