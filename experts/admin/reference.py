"""Reference data, privacy notices and the import log in the admin. A list entry in use and a
published privacy notice cannot be deleted; a published notice cannot be changed either."""

from __future__ import annotations

from django.contrib import admin
from django.db import models
from django.utils import timezone

from expertbank import guarded_admin
from experts.models import ExperienceArea, ExpertImport, Language, PrivacyNotice, WorkKind


def in_use(obj: models.Model) -> bool:
    """Whether any row refers to ``obj`` (foreign keys and many-to-many, hidden ones too)."""
    for relation in obj._meta.get_fields(include_hidden=True):
        if not relation.auto_created or relation.concrete:
            continue
        if relation.many_to_many:
            through = relation.through
            column = relation.field.m2m_reverse_field_name()
            if through._base_manager.filter(**{column: obj}).exists():
                return True
        elif relation.one_to_many or relation.one_to_one:
            manager = relation.related_model._base_manager
            if manager.filter(**{relation.field.name: obj}).exists():
                return True
    return False


class TranslatedNameAdmin(guarded_admin.ModelAdmin):
    """A list entry in use is retired by unticking "in use", never deleted: deleting would take
    it silently out of experts' profiles, disclosures and bookings."""

    list_display = ["name_fi", "name_sv", "name_en", "order", "active"]
    list_editable = ["order", "active"]
    list_filter = ["active"]
    search_fields = ["name_fi", "name_sv", "name_en"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return obj is not None and not in_use(obj) and super().has_delete_permission(request, obj)


@admin.register(ExperienceArea)
class ExperienceAreaAdmin(TranslatedNameAdmin):
    list_display = ["name_fi", "name_sv", "name_en", "slug", "heavy", "order", "active"]
    list_filter = ["active", "heavy"]
    prepopulated_fields = {"slug": ["name_en"]}


@admin.register(WorkKind)
class WorkKindAdmin(TranslatedNameAdmin):
    list_display = ["name_fi", "name_sv", "name_en", "code", "income_type", "order", "active"]
    prepopulated_fields = {"code": ["name_en"]}


@admin.register(Language)
class LanguageAdmin(TranslatedNameAdmin):
    list_display = ["name_fi", "name_sv", "name_en", "code", "order", "active"]


@admin.register(PrivacyNotice)
class PrivacyNoticeAdmin(guarded_admin.ModelAdmin):
    """A notice is edited until it is published; after that it is what experts consented to,
    so a change is a new version."""

    list_display = ["version", "published_on"]
    date_hierarchy = "published_on"
    fields = ["version", "published_on", "summary", "summary_sv", "summary_en"]
    TRANSLATIONS = ("summary_sv", "summary_en")

    @staticmethod
    def _published(obj: PrivacyNotice | None) -> bool:
        return obj is not None and obj.published_on <= timezone.localdate()

    def get_readonly_fields(self, request, obj=None):
        """A published notice is fixed, but a Swedish or English summary it lacks may be added
        (once: a translation given is part of the version)."""
        if not self._published(obj):
            return []
        return [f for f in self.fields if f not in self.TRANSLATIONS or getattr(obj, f)]

    def has_delete_permission(self, request, obj=None) -> bool:
        return (
            obj is not None
            and not self._published(obj)
            and not in_use(obj)
            and super().has_delete_permission(request, obj)
        )


@admin.register(ExpertImport)
class ExpertImportAdmin(guarded_admin.ModelAdmin):
    """A log of bulk imports; the file itself is never shown."""

    list_display = ["uploaded_at", "file_name", "uploaded_by", "status", "row_count"]
    list_filter = ["status"]
    list_select_related = ["uploaded_by"]
    fields = [
        "file_name",
        "file_format",
        "uploaded_by",
        "uploaded_at",
        "row_count",
        "status",
        "finished_at",
        "imported_count",
    ]
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
