"""Administration for coordinators. What the services own is read-only here: statuses, money,
a booking's terms and what its price and staffing depend on (unit, kind of work, audience,
seats, funding) change only through the coordinator's booking pages, which check the rules, keep
the history and send the messages. A price row that a booking's terms came from can no longer be
changed or deleted, only ended and followed by a new row; every change of a price list or a
funding source is kept in its history."""

from __future__ import annotations

from django.contrib import admin
from django.db import models
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from bookings import money
from bookings.models import (
    TERMS_FIELDS,
    Assignment,
    Booking,
    BookingChange,
    BookingTerms,
    CheckIn,
    Expense,
    Feedback,
    FundingSource,
    Gig,
    GigReport,
    Membership,
    Occurrence,
    Organisation,
    PriceList,
    PriceRow,
    TermsChange,
    Unit,
)
from bookings.services.common import Kind, record
from bookings.services.terms import terms_change_record, values_diff
from expertbank.formatting import euros


class UnitInline(admin.TabularInline):
    model = Unit
    extra = 0
    fields = ["name", "cost_centre", "contact_name", "contact_email"]
    show_change_link = True


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "business_id", "kind"]
    list_filter = ["kind"]
    search_fields = ["name", "business_id"]
    inlines = [UnitInline]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "cost_centre", "contact_name", "invite_link"]
    list_select_related = ["organisation"]
    list_filter = ["organisation__kind"]
    search_fields = ["name", "organisation__name", "cost_centre"]
    inlines = [MembershipInline]

    def get_readonly_fields(self, request, obj=None):
        # Moving a unit to another organisation would move its bookings, invoices and price
        # list with it: a new unit is made instead.
        return ["organisation"] if obj is not None else []

    fieldsets = [
        (None, {"fields": ["organisation", "name", "visiting_address"]}),
        (
            _("Billing"),
            {
                "fields": [
                    "billing_address",
                    "e_invoice_address",
                    "e_invoice_operator",
                    "cost_centre",
                ]
            },
        ),
        (_("Contact"), {"fields": ["contact_name", "contact_email", "contact_phone"]}),
    ]

    @admin.display(description=_("members"))
    def invite_link(self, unit: Unit) -> str:
        url = reverse("bookings_coordinator:invite", args=[unit.pk])
        return format_html('<a href="{}">{}</a>', url, _("Invite a member"))


class PriceRowInline(admin.StackedInline):
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
class PriceListAdmin(admin.ModelAdmin):
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
class FundingSourceAdmin(admin.ModelAdmin):
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
class TermsChangeAdmin(admin.ModelAdmin):
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


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class OccurrenceInline(ReadOnlyInline):
    model = Occurrence
    fields = ["start", "end", "place"]


class AssignmentInline(ReadOnlyInline):
    model = Assignment
    fields = ["expert", "status", "answer_by", "offered_by", "answered_at", "replacement_for"]


class GigInline(ReadOnlyInline):
    model = Gig
    fields = [
        "expert",
        "start",
        "end",
        "status",
        "time_confirmed",
        "fee_amount",
        "billable_amount",
        "late_cancelled",
        "paid_on",
        "written_off",
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("expert__user")


class BookingTermsInline(ReadOnlyInline):
    model = BookingTerms
    fk_name = "booking"
    fields = ["created_at", "created_by", "source_row", *TERMS_FIELDS]
    verbose_name_plural = _("terms (the newest is in force)")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("created_by", "source_row")


class BookingChangeInline(ReadOnlyInline):
    model = BookingChange
    fields = ["at", "by", "subject", "kind", "from_status", "to_status", "note", "changes"]
    readonly_fields = ["subject"]
    verbose_name_plural = _("history")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("by")


def record_details(booking: Booking, form, *, by) -> None:
    """The booking's history keeps what the admin changed (fields without rules of their own)."""

    def text(value) -> str:
        if isinstance(value, list | tuple | QuerySet):  # the experience areas
            return ", ".join(sorted(str(item) for item in value))
        return "" if value is None else str(value)

    changes = {
        name: [text(form.initial.get(name)), text(form.cleaned_data.get(name))]
        for name in form.changed_data
    }
    record(booking, booking=booking, by=by, kind=Kind.DETAILS, changes=changes)


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "unit",
        "work_kind",
        "kind",
        "first_start",
        "experts_wanted",
        "status",
    ]
    list_select_related = ["unit__organisation", "work_kind"]
    list_filter = [
        "status",
        "kind",
        "work_kind",
        ("first_start", admin.DateFieldListFilter),
        "areas",
        "audience",
        "unit__organisation__kind",
        "unit__organisation",
        "unit",
        "funding_source",
    ]
    search_fields = ["title", "unit__name", "unit__organisation__name", "own_reference"]
    date_hierarchy = "first_start"
    filter_horizontal = ["areas"]
    # What the services own: changed on the coordinator's booking page (its link below).
    readonly_fields = [
        "coordinator_page",
        "status",
        "unit",
        "requested_by",
        "work_kind",
        "kind",
        "audience",
        "experts_wanted",
        "funding_source",
        "terms",
        "first_start",
        "last_end",
        "cancelled_late",
        "cancellation_fee",
        "created_at",
        "updated_at",
    ]
    inlines = [
        OccurrenceInline,
        AssignmentInline,
        GigInline,
        BookingTermsInline,
        BookingChangeInline,
    ]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and form.changed_data:
            record_details(obj, form, by=request.user)

    def has_add_permission(self, request) -> bool:
        return False  # a booking starts as a unit's request (or through the services)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("coordinator's page"))
    def coordinator_page(self, booking: Booking) -> str:
        if booking.pk is None:
            return "–"
        url = reverse("bookings_coordinator:detail", args=[booking.pk])
        return format_html('<a href="{}">{}</a>', url, _("Open the booking's actions"))


# --- After the gig -------------------------------------------------------------------------------
# Read-only: approving, returning, arranging a debrief and releasing feedback go through the
# coordinator's report pages, which keep the gig's history, fix the amounts and send the messages.


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ExpenseInline(ReadOnlyInline):
    model = Expense
    fields = ["description", "amount", "receipt_link", "receipt_type"]
    readonly_fields = ["receipt_link"]

    @admin.display(description=_("receipt"))
    def receipt_link(self, expense: Expense) -> str:
        if not expense.receipt:
            return "–"
        url = reverse("bookings_coordinator:receipt", args=[expense.pk])
        return format_html('<a href="{}">{}</a>', url, expense.receipt_name or _("receipt"))


@admin.register(GigReport)
class GigReportAdmin(ReadOnlyAdmin):
    list_display = ["gig", "booking", "hours", "preparation_hours", "km", "status", "submitted_at"]
    list_select_related = ["gig__expert__user", "gig__booking"]
    list_filter = ["status", ("submitted_at", admin.DateFieldListFilter)]
    search_fields = ["gig__expert__user__full_name", "gig__booking__title"]
    date_hierarchy = "submitted_at"
    fields = [
        "gig",
        "hours",
        "preparation_hours",
        "km",
        "km_from",
        "notes",
        "status",
        "submitted_at",
        "reviewed_at",
        "reviewed_by",
        "review_note",
        "report_page",
    ]
    readonly_fields = ["report_page"]
    inlines = [ExpenseInline]

    @admin.display(description=_("booking"), ordering="gig__booking__title")
    def booking(self, report: GigReport) -> str:
        return report.gig.booking.title

    @admin.display(description=_("coordinator's page"))
    def report_page(self, report: GigReport) -> str:
        url = reverse("bookings_coordinator:report", args=[report.gig_id])
        return format_html('<a href="{}">{}</a>', url, _("Approve or return"))


@admin.register(CheckIn)
class CheckInAdmin(ReadOnlyAdmin):
    """Coordinators only (as the whole administration): the expert's private check-in."""

    list_display = ["gig", "feeling", "wants_debrief", "created_at", "handled_at"]
    list_select_related = ["gig__expert__user"]
    list_filter = ["wants_debrief", ("handled_at", admin.EmptyFieldListFilter), "feeling"]
    search_fields = ["gig__expert__user__full_name"]
    fields = [
        "gig",
        "feeling",
        "wants_debrief",
        "message",
        "created_at",
        "handled_at",
        "handled_by",
        "handled_note",
    ]


@admin.register(Feedback)
class FeedbackAdmin(ReadOnlyAdmin):
    list_display = ["booking", "rating", "given_by", "created_at", "released_at"]
    list_select_related = ["booking", "given_by"]
    list_filter = ["rating", ("released_at", admin.EmptyFieldListFilter)]
    search_fields = ["booking__title", "text"]
    fields = ["booking", "given_by", "rating", "text", "created_at", "released_at", "released_by"]
