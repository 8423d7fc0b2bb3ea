"""Organisations, units and members; price lists with their rows and history; funding sources."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.contrib import admin
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from bookings import money
from bookings.models import (
    TERMS_FIELDS,
    BookingTerms,
    FundingSource,
    Membership,
    MileageRate,
    Organisation,
    PriceList,
    PriceRow,
    TermsChange,
    Unit,
)
from bookings.services.terms import terms_change_record, values_diff
from expertbank import guarded_admin
from expertbank.fields import guarded_formfield
from expertbank.formatting import euros


class UnitInline(guarded_admin.TabularInline):
    model = Unit
    extra = 0
    fields = ["name", "cost_centre", "contact_name", "contact_email"]
    show_change_link = True


@admin.register(Organisation)
class OrganisationAdmin(guarded_admin.ModelAdmin):
    list_display = ["name", "business_id", "kind", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["name", "business_id"]
    inlines = [UnitInline]


class MembershipInline(guarded_admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Unit)
class UnitAdmin(guarded_admin.ModelAdmin):
    list_display = ["name", "organisation", "cost_centre", "contact_name", "active", "invite_link"]
    list_select_related = ["organisation"]
    list_filter = ["organisation__kind", "active"]
    search_fields = ["name", "organisation__name", "cost_centre"]
    inlines = [MembershipInline]

    def get_readonly_fields(self, request, obj=None):
        # Moving a unit to another organisation would move its bookings, invoices and price
        # list with it: a new unit is made instead.
        return ["organisation"] if obj is not None else []

    fieldsets = [
        (None, {"fields": ["organisation", "name", "visiting_address", "active"]}),
        (
            _("Billing"),
            {
                "fields": [
                    "billing_address",
                    "e_invoice_address",
                    "e_invoice_operator",
                    "cost_centre",
                    "payment_terms_days",
                    "invoice_language",
                ]
            },
        ),
        (_("Contact"), {"fields": ["contact_name", "contact_email", "contact_phone"]}),
    ]

    @admin.display(description=_("members"))
    def invite_link(self, unit: Unit) -> str:
        url = reverse("bookings_coordinator:invite", args=[unit.pk])
        return format_html('<a href="{}">{}</a>', url, _("Invite a member"))


class PriceRowInline(guarded_admin.StackedInline):
    """Rows of a price list. A row whose terms a booking took is shown read-only but for its
    end date, and cannot be deleted: end it and add a new row instead."""

    model = PriceRow
    extra = 0
    fieldsets = [
        (None, {"fields": [("work_kind", "valid_from", "valid_until")]}),
        (
            _("Client"),
            {"fields": [("client_price", "client_unit", "minimum_hours"), ("vat_rate",)]},
        ),
        (_("VAT exemption"), {"fields": ["vat_exemption_text"]}),
        (_("Travel"), {"fields": ["rebill_travel"]}),
        (
            _("Support (per hour)"),
            {"fields": [("companion_price", "companion_fee", "interpreter_price")]},
        ),
        (_("Expert"), {"fields": [("expert_fee", "fee_unit", "preparation_hours")]}),
        (
            _("Cancellation"),
            {"fields": [("notice_days", "client_cancellation_fee", "expert_cancellation_fee")]},
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("work_kind")

    def get_formset(self, request, obj=None, **kwargs):
        used = set(
            BookingTerms.objects.filter(source_row__price_list=obj)
            .values_list("source_row_id", flat=True)
            .distinct()
            if obj is not None
            else ()
        )
        formset = super().get_formset(request, obj, **kwargs)

        class UsedRowsFormSet(formset):
            def add_fields(self, form, index):
                super().add_fields(form, index)
                if form.instance.pk in used:
                    # The terms of a row in use are frozen: only its end date may be set.
                    for name in ("work_kind", "valid_from", *TERMS_FIELDS):
                        form.fields[name].disabled = True
                    if "DELETE" in form.fields:
                        form.fields["DELETE"].disabled = True
                    form.fields["valid_until"].help_text = _(
                        "Bookings use this row: its terms cannot change. End it here and add a "
                        "new row from the next day."
                    )

        return UsedRowsFormSet


def _row_values(row: PriceRow) -> dict[str, object]:
    return {
        "work_kind": row.work_kind_id and row.work_kind,
        "valid_from": row.valid_from,
        "valid_until": row.valid_until,
        **money.terms_values(row),
    }


@admin.register(PriceList)
class PriceListAdmin(guarded_admin.ModelAdmin):
    list_display = ["name", "organisation", "active"]
    list_select_related = ["organisation"]
    list_filter = ["active"]
    search_fields = ["name", "organisation__name"]
    autocomplete_fields = ["organisation"]
    inlines = [PriceRowInline]

    def get_readonly_fields(self, request, obj=None):
        # The organisation decides whose bookings take these prices; a list in use keeps it.
        if obj is not None and BookingTerms.objects.filter(source_row__price_list=obj).exists():
            return ["organisation"]
        return []

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if form.changed_data:
            terms_change_record(
                by=request.user,
                kind=TermsChange.Kind.LIST_CHANGED,
                price_list=obj,
                changes={
                    name: ["" if change else "–", str(form.cleaned_data.get(name) or "")]
                    for name in form.changed_data
                },
            )

    def save_formset(self, request, form, formset, change):
        before = {
            f.instance.pk: _row_values(PriceRow.objects.get(pk=f.instance.pk))
            for f in formset.initial_forms
            if f.instance.pk and f.has_changed()
        }
        instances = formset.save()
        for row in formset.deleted_objects:
            terms_change_record(
                by=request.user,
                kind=TermsChange.Kind.ROW_REMOVED,
                price_list=form.instance,
                note=f"{row.work_kind} {row.valid_from:%d.%m.%Y}",
            )
        for row in instances:
            if row.pk in before:
                kind, changes = (
                    TermsChange.Kind.ROW_CHANGED,
                    values_diff(before[row.pk], _row_values(row)),
                )
            else:
                kind, changes = TermsChange.Kind.ROW_ADDED, values_diff({}, _row_values(row))
            terms_change_record(
                by=request.user,
                kind=kind,
                price_list=form.instance,
                note=f"{row.work_kind} {row.valid_from:%d.%m.%Y}",
                changes=changes,
            )


@admin.register(FundingSource)
class FundingSourceAdmin(guarded_admin.ModelAdmin):
    list_display = ["name", "code", "funder", "budget_shown", "used_shown", "remaining_shown"]
    list_filter = ["active"]
    search_fields = ["name", "code", "funder"]

    def get_queryset(self, request):
        return money.funding_sources_with_use()

    def save_model(self, request, obj, form, change):
        before = {name: form.initial.get(name) for name in form.changed_data} if change else {}
        super().save_model(request, obj, form, change)
        if form.changed_data:
            terms_change_record(
                by=request.user,
                kind=TermsChange.Kind.FUNDING_CHANGED,
                funding_source=obj,
                changes=values_diff(
                    before, {name: form.cleaned_data.get(name) for name in form.changed_data}
                ),
            )

    @admin.display(description=_("budget"), ordering="budget")
    def budget_shown(self, source) -> str:
        return euros(source.budget)

    @admin.display(description=_("used"), ordering="used")
    def used_shown(self, source) -> str:
        return euros(source.used)

    @admin.display(description=_("remaining"), ordering="remaining")
    def remaining_shown(self, source) -> str:
        return euros(source.remaining)


@admin.register(TermsChange)
class TermsChangeAdmin(guarded_admin.ModelAdmin):
    list_display = ["at", "kind", "price_list", "funding_source", "by", "note"]
    list_select_related = ["price_list", "funding_source", "by"]
    list_filter = ["kind"]
    date_hierarchy = "at"
    fields = ["at", "by", "kind", "price_list", "funding_source", "note", "changes"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class MileageRateForm(forms.ModelForm):
    class Meta:
        model = MileageRate
        formfield_callback = guarded_formfield
        fields = ["valid_from", "per_km", "source"]

    def clean_valid_from(self):
        valid_from = self.cleaned_data["valid_from"]
        last = money.last_priced_trip()
        if valid_from is not None and last is not None and valid_from <= last:
            raise forms.ValidationError(
                _(
                    "Trips up to %(day)s are already approved at the allowance then in force. "
                    "A new allowance can take effect from %(next)s at the earliest."
                ),
                params={
                    "day": date_format(last, "SHORT_DATE_FORMAT"),
                    "next": date_format(last + timedelta(days=1), "SHORT_DATE_FORMAT"),
                },
            )
        return valid_from


@admin.register(MileageRate)
class MileageRateAdmin(guarded_admin.ModelAdmin):
    """The tax-free kilometre allowance per kilometre, a row per day it takes effect. A rate
    that approved trips were priced at keeps its day and its euros; a new one follows."""

    form = MileageRateForm
    list_display = ["valid_from", "per_km", "source"]

    def get_readonly_fields(self, request, obj=None):
        last = money.last_priced_trip()
        if obj is not None and last is not None and obj.valid_from <= last:
            return ["valid_from", "per_km"]
        return []

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # trips were paid at it: a rate stays, a new one follows
