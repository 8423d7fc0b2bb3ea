"""Admin for the pool. Sensitive fields are shown masked and are neither searchable nor
filterable; they are edited on the coordinator's own expert form, which validates them,
keeps the duplicate hash and logs the change masked."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from expertbank.services.audit import audit_record
from experts.models import (
    AvailabilitySlot,
    Blackout,
    ConsentRecord,
    ExperienceArea,
    Expert,
    ExpertDocument,
    ExpertImport,
    Language,
    PrivacyNotice,
    TaxCard,
    WorkKind,
)
from experts.services import expert_update
from experts.services.pool import AUDITED_FIELDS


class DocumentInline(admin.TabularInline):
    model = ExpertDocument
    extra = 0
    fields = ["kind", "dated", "valid_until", "note", "recorded_by", "recorded_at"]
    readonly_fields = ["recorded_by", "recorded_at"]


class ConsentInline(admin.TabularInline):
    """Read only: consent is given and withdrawn by the expert, or recorded on paper, through
    the pages that log it."""

    model = ConsentRecord
    extra = 0
    fields = ["notice", "given_at", "withdrawn_at", "on_paper", "recorded_by"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class SlotInline(admin.TabularInline):
    model = AvailabilitySlot
    extra = 0


class BlackoutInline(admin.TabularInline):
    model = Blackout
    extra = 0


class TaxCardInline(admin.TabularInline):
    model = TaxCard
    extra = 0


@admin.register(Expert)
class ExpertAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "public_alias",
        "municipality",
        "status",
        "certified_on",
        "identity_code_display",
    ]
    list_filter = ["status", "areas", "languages", "work_kinds"]
    list_select_related = ["user"]
    # Names only: sensitive fields hold ciphertext and must never be searched.
    search_fields = ["user__full_name", "user__email", "public_alias"]
    raw_id_fields = ["user"]
    filter_horizontal = ["areas", "languages", "work_kinds"]
    readonly_fields = [
        "user",
        "coordinator_page",
        "identity_code_display",
        "iban_display",
        "bic",
        "notes_display",
        "created_at",
        "updated_at",
    ]
    fieldsets = [
        (None, {"fields": ["user", "coordinator_page"]}),
        (
            _("Profile"),
            {
                "fields": [
                    "public_alias",
                    "shown_as",
                    "municipality",
                    "region",
                    "languages",
                    "areas",
                    "work_kinds",
                    "remote_ok",
                    "travel_radius_km",
                    "bio",
                ]
            },
        ),
        (
            _("Status and limits"),
            {
                "fields": [
                    "status",
                    "status_since",
                    "certified_on",
                    "max_gigs_per_month",
                    "rest_days_after_heavy",
                ]
            },
        ),
        (
            _("Sensitive information (coordinators only)"),
            {
                "fields": [
                    "identity_code_display",
                    "iban_display",
                    "bic",
                    "earnings_cap_yearly",
                    "earnings_cap_monthly",
                    "expenses_only",
                    "notes_display",
                ],
                "description": _(
                    "Identity code, bank account and notes are changed on the expert's page "
                    "for coordinators."
                ),
            },
        ),
        (_("Record"), {"fields": ["created_at", "updated_at"]}),
    ]
    inlines = [DocumentInline, ConsentInline, SlotInline, BlackoutInline, TaxCardInline]

    @admin.display(description=_("personal identity code"))
    def identity_code_display(self, obj: Expert) -> str:
        return obj.identity_code_masked or "–"

    @admin.display(description=_("IBAN"))
    def iban_display(self, obj: Expert) -> str:
        return obj.iban_masked or "–"

    @admin.display(description=_("lived-experience notes"))
    def notes_display(self, obj: Expert) -> str:
        return "••••••••" if obj.notes else "–"

    @admin.display(description=_("expert page"))
    def coordinator_page(self, obj: Expert) -> str:
        if not obj.pk:
            return "–"
        url = reverse("experts_coordinator:detail", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Open the expert's page"))

    def has_add_permission(self, request) -> bool:
        # A new expert needs an account and an invitation: the coordinator's "Add expert" page.
        return False

    def save_model(self, request, obj, form, change) -> None:
        """Through the service, so the change is logged like any other."""
        values = {
            name: form.cleaned_data[name]
            for name in form.changed_data
            if name in AUDITED_FIELDS and name in form.cleaned_data
        }
        if values:
            expert_update(expert=obj, by=request.user, **values)
        obj.refresh_from_db()

    def save_related(self, request, form, formsets, change) -> None:
        # Many-to-many fields were saved by the service already; only the inlines remain.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def save_formset(self, request, form, formset, change) -> None:
        instances = formset.save(commit=False)
        for instance in instances:
            if isinstance(instance, ExpertDocument) and instance.pk is None:
                instance.recorded_by = request.user
            instance.save()
            if isinstance(instance, ExpertDocument | TaxCard):
                audit_record(
                    obj=form.instance,
                    actor=request.user,
                    action="document recorded"
                    if isinstance(instance, ExpertDocument)
                    else "tax card recorded",
                    changes={
                        (instance.kind if isinstance(instance, ExpertDocument) else "tax_card"): [
                            "",
                            str(instance),
                        ]
                    },
                )
        for instance in formset.deleted_objects:
            instance.delete()


class TranslatedNameAdmin(admin.ModelAdmin):
    list_display = ["name_fi", "name_sv", "name_en", "order", "active"]
    list_editable = ["order", "active"]
    list_filter = ["active"]
    search_fields = ["name_fi", "name_sv", "name_en"]


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
class PrivacyNoticeAdmin(admin.ModelAdmin):
    list_display = ["version", "published_on"]
    date_hierarchy = "published_on"


@admin.register(ExpertImport)
class ExpertImportAdmin(admin.ModelAdmin):
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
