"""Everything the bank holds about one expert, as one JSON document (GDPR art. 15 and 20).

The pool cannot import the apps above it (training, bookings, invoicing), so each app registers
the parts it holds in its own ``<app>/export.py``, found the way the admin finds ``admin.py``
(``autodiscover_modules``, on first use): a ``Part`` is one model's rows about the expert and
the fields exported from them. A field of a project model that is not
exported is registered with ``not_exported`` and the reason (reference data, another person's
data, a secret); ``tests/experts/test_export.py`` walks every concrete model of the project apps
and fails on a field that is neither, so a new personal field cannot be forgotten.

Identity code, IBAN and notes are exported decrypted: it is the expert's own data. Files
(certificates, receipts) are listed by name and not embedded: they can be large, the expert
already has their receipts and certificates, and a copy of any of them is given on request.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext as _

from expertbank.models import (
    AuditEntry,
    Invitation,
    Message,
    NotificationPreference,
    PhoneVerification,
    ReadEntry,
    User,
)
from expertbank.services.audit import audit_record
from experts.models import (
    AreaDisclosure,
    AvailabilitySlot,
    Blackout,
    ConsentRecord,
    ExperienceArea,
    Expert,
    ExpertDocument,
    ExpertImport,
    Language,
    PrivacyNotice,
    SupportProfile,
    TaxCard,
    WorkKind,
)

FORMAT = "expertbank-data-export/1"


@dataclass(frozen=True)
class Part:
    """One section of the export: ``model``'s rows about the expert (``rows``), with every
    concrete and many-to-many field except those in ``exclude`` (field → why not)."""

    key: str
    model: type[models.Model]
    rows: Callable[[Expert], models.QuerySet]
    exclude: dict[str, str] = field(default_factory=dict)
    names: tuple[str, ...] = ()  # foreign keys also given by name (``<field>_name``)

    def fields(self) -> list[models.Field]:
        opts = self.model._meta
        return [
            f for f in [*opts.concrete_fields, *opts.many_to_many] if f.name not in self.exclude
        ]

    def export(self, expert: Expert) -> list[dict[str, Any]]:
        fields = self.fields()
        queryset = self.rows(expert)
        if self.names:
            queryset = queryset.select_related(*self.names)
        many = [f.name for f in fields if f.many_to_many]
        if many:
            queryset = queryset.prefetch_related(*many)
        return [self._row(obj, fields) for obj in queryset.order_by("pk")]

    def _row(self, obj: models.Model, fields: list[models.Field]) -> dict[str, Any]:
        row: dict[str, Any] = {}
        for f in fields:
            if f.many_to_many:
                row[f.name] = sorted(str(item) for item in getattr(obj, f.name).all())
            elif f.is_relation:
                row[f.name] = getattr(obj, f.attname)
                if f.name in self.names:
                    related = getattr(obj, f.name)
                    row[f"{f.name}_name"] = str(related) if related is not None else None
            elif isinstance(f, models.FileField):
                row[f.name] = getattr(obj, f.name).name or ""
            else:
                row[f.name] = f.value_from_object(obj)
        return row


_parts: dict[str, Part] = {}
_not_exported: dict[tuple[type[models.Model], str | None], str] = {}


def register(*parts: Part) -> None:
    """Add parts to the export (an app's ``ready``); a key is registered once."""
    for part in parts:
        if _parts.get(part.key, part) != part:
            raise ValueError(f"Export part {part.key!r} is registered twice.")
        _parts[part.key] = part


def not_exported(model: type[models.Model], reason: str, *, fields: Iterable[str] = ()) -> None:
    """Record that ``model`` (or only its ``fields``) is left out of the export, and why."""
    for name in fields or [None]:
        _not_exported[(model, name)] = reason


_discovered = False


def _discover() -> None:
    """Import every app's ``export`` module once: each registers its parts on import."""
    global _discovered
    if not _discovered:
        autodiscover_modules("export")
        _discovered = True


def parts() -> list[Part]:
    _discover()
    return list(_parts.values())


def exclusions() -> dict[tuple[type[models.Model], str | None], str]:
    """Models (field ``None``) and fields left out, each with its reason; for the inventory."""
    _discover()
    reasons = dict(_not_exported)
    for part in _parts.values():
        for name, reason in part.exclude.items():
            reasons[(part.model, name)] = reason
    return reasons


def expert_data_export(*, expert: Expert, by: User) -> dict[str, Any]:
    """Everything about ``expert``, part by part; the download is recorded in the audit log
    (the read log is the view's: it knows the page)."""
    with transaction.atomic():
        audit_record(obj=expert, actor=by, action="data exported")
    return {
        "format": FORMAT,
        "exported_at": timezone.now(),
        "expert": expert.pk,
        "files": _(
            "Files (certificates, receipts) are listed by their names. Ask the bank for a copy "
            "of any of them."
        ),
        "sections": {part.key: part.export(expert) for part in parts()},
    }


# --- The pool's own parts, and the core's about the expert's user ------------------------------


def _audit_about(expert: Expert) -> models.QuerySet:
    about = Q(content_type=ContentType.objects.get_for_model(Expert), object_id=str(expert.pk)) | Q(
        content_type=ContentType.objects.get_for_model(User), object_id=str(expert.user_id)
    )
    return AuditEntry.objects.filter(about)


REFERENCE = "reference data of the bank, the same for everyone (exported by name where used)"

register(
    Part(
        "user",
        User,
        lambda expert: User.objects.filter(pk=expert.user_id),
        exclude={"password": "a one-way hash of the password: a secret, not information"},
    ),
    Part(
        "expert",
        Expert,
        lambda expert: Expert.objects.filter(pk=expert.pk),
        exclude={
            "identity_code_hash": "a keyed hash of the identity code (exported in clear), "
            "only for finding duplicates"
        },
    ),
    Part("invitations", Invitation, lambda expert: Invitation.objects.filter(user=expert.user_id)),
    Part("messages", Message, lambda expert: Message.objects.filter(recipient=expert.user_id)),
    Part(
        "message_choices",
        NotificationPreference,
        lambda expert: NotificationPreference.objects.filter(user=expert.user_id),
    ),
    Part(
        "phone_verifications",
        PhoneVerification,
        lambda expert: PhoneVerification.objects.filter(user=expert.user_id),
        exclude={"code_hash": "a keyed hash of a one-time code: a secret, not information"},
    ),
    Part(
        "support_profile",
        SupportProfile,
        lambda expert: SupportProfile.objects.filter(expert=expert),
    ),
    Part("availability", AvailabilitySlot, lambda expert: expert.slots.all()),
    Part("days_off", Blackout, lambda expert: expert.blackouts.all()),
    Part("consents", ConsentRecord, lambda expert: expert.consents.all(), names=("notice",)),
    Part("disclosures", AreaDisclosure, lambda expert: expert.disclosures.all(), names=("area",)),
    Part("tax_cards", TaxCard, lambda expert: expert.tax_cards.all()),
    Part("documents", ExpertDocument, lambda expert: expert.documents.all()),
    Part("audit_entries", AuditEntry, _audit_about, names=("content_type",)),
    Part(
        "read_entries",
        ReadEntry,
        lambda expert: ReadEntry.objects.filter(subject=expert.user_id),
        exclude={"window_key": "an internal key that keeps repeated reads out"},
        names=("content_type",),
    ),
)
for _model in (ExperienceArea, WorkKind, Language, PrivacyNotice):
    not_exported(_model, REFERENCE)
not_exported(
    ExpertImport,
    "a coordinator's upload of many people at once; the profile it made is exported above, "
    "and the file is removed after the retention time",
)
