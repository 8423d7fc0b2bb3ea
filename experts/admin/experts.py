"""The expert's page in the admin: the profile and limits are saved by ``expert_update``;
status, certification and the sensitive fields are read-only here (the coordinator's edit page
validates them); inline rows go through their services. Experts are never deleted here."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from expertbank import guarded_admin
from expertbank.models import ReadEntry
from expertbank.services.audit import read_logged
from experts.admin.rows import (
    BlackoutInline,
    ConsentInline,
    DocumentInline,
    ServiceInline,
    SlotInline,
    TaxCardInline,
)
from experts.models import Expert
from experts.services import ExpertError, expert_values_check
from experts.services.pool import AUDITED_FIELDS, expert_update_impl


class ExpertAdminForm(forms.ModelForm):
    def clean(self):
        data = super().clean()
        values = {name: data[name] for name in self.changed_data if name in data}
        try:
            expert_values_check(self.instance, values)
        except ExpertError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return data


# Changed on the coordinator's edit page, which validates them (identity code, IBAN and BIC,
# a certification date not in the future); shown here read-only.
COORDINATOR_PAGE_FIELDS = [
    "status",
    "status_since",
    "certified_on",
    "identity_code_display",
    "iban_display",
    "bic",
    "earnings_cap_yearly",
    "earnings_cap_monthly",
    "expenses_only",
    "notes_display",
]


@admin.register(Expert)
class ExpertAdmin(guarded_admin.ModelAdmin):
    form = ExpertAdminForm
    list_display = [
        "__str__",
        "public_alias",
        "municipality",
        "status",
        "certified_on",
        "identity_code_display",
    ]
    list_filter = ["role", "status", "areas", "languages", "work_kinds"]
    list_select_related = ["user"]
    # Names only: sensitive fields hold ciphertext and must never be searched.
    search_fields = ["user__full_name", "user__email", "public_alias"]
    filter_horizontal = ["areas", "languages", "work_kinds"]
    readonly_fields = [
        "user",
        "coordinator_page",
        *COORDINATOR_PAGE_FIELDS,
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
                    "role",
                    "status",
                    "status_since",
                    "certified_on",
                    "paired_gigs_required",
                    "max_gigs_per_month",
                    "rest_days_after_heavy",
                ],
                "description": _(
                    "Status and certification are changed on the expert's page for coordinators "
                    "(or by completing basic training)."
                ),
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
                    "Identity code, bank account, caps and notes are changed on the expert's "
                    "page for coordinators."
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

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The admin shows the profile, areas and tax cards too: a read like the expert's page."""
        response = super().change_view(request, object_id, form_url, extra_context)
        expert = getattr(response, "context_data", {}).get("original")
        if request.method == "GET" and response.status_code == 200 and expert is not None:
            read_logged(
                request, kind=ReadEntry.Kind.PROFILE, obj=expert, subject_ids=[expert.user_id]
            )
        return response

    def has_add_permission(self, request) -> bool:
        # A new expert needs an account and an invitation: the coordinator's "Add expert" page.
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        # Gigs, fees and training refer to experts; leaving the pool is a status (retired).
        return False

    def save_model(self, request, obj, form, change) -> None:
        """Through the service, so the change is checked and logged like any other."""
        values = {
            name: form.cleaned_data[name]
            for name in form.changed_data
            if name in AUDITED_FIELDS and name in form.cleaned_data
        }
        if values:
            expert_update_impl(expert=obj, by=request.user, **values)
        obj.refresh_from_db()

    def save_related(self, request, form, formsets, change) -> None:
        # Many-to-many fields were saved by the service already; only the inlines remain.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def save_formset(self, request, form, formset, change) -> None:
        # What the admin's change message and history read (formset.save() would set them).
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        inline = next(i for i in self.get_inline_instances(request) if i.model is formset.model)
        if not isinstance(inline, ServiceInline):
            return  # read-only rows
        expert = form.instance
        for row_form in formset.forms:
            row = row_form.instance
            deleted = row_form in formset.deleted_forms
            if row.pk and deleted:
                inline.remove(row=row, by=request.user)
                formset.deleted_objects.append(row)
            elif row.pk is None and row_form.has_changed() and not deleted:
                added = inline.add(expert=expert, data=row_form.cleaned_data, by=request.user)
                formset.new_objects.append(added)
            elif row.pk and row_form.has_changed():
                inline.change(row=row, data=row_form.cleaned_data, by=request.user)
                formset.changed_objects.append((row, row_form.changed_data))
