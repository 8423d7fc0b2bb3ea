"""Administration for coordinators. Statuses are read-only here: they change only through the
booking services (the coordinator's booking pages), which keep the history and send messages."""

from __future__ import annotations

from django.contrib import admin
from django.db import models
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from bookings import selectors
from bookings.models import (
    Assignment,
    Booking,
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
    StatusChange,
    Unit,
)
from bookings.templatetags.bookings_tags import euros


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


@admin.register(PriceList)
class PriceListAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "active"]
    list_filter = ["active"]
    search_fields = ["name", "organisation__name"]
    autocomplete_fields = ["organisation"]
    inlines = [PriceRowInline]


@admin.register(FundingSource)
class FundingSourceAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "funder", "budget_shown", "used_shown", "remaining_shown"]
    list_filter = ["active"]
    search_fields = ["name", "code", "funder"]

    def get_queryset(self, request):
        return selectors.funding_sources_with_use()

    @admin.display(description=_("budget"), ordering="budget")
    def budget_shown(self, source) -> str:
        return euros(source.budget)

    @admin.display(description=_("used"), ordering="used")
    def used_shown(self, source) -> str:
        return euros(source.used)

    @admin.display(description=_("remaining"), ordering="remaining")
    def remaining_shown(self, source) -> str:
        return euros(source.remaining)


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
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("expert__user")


class StatusChangeInline(ReadOnlyInline):
    model = StatusChange
    fields = ["at", "by", "subject", "from_status", "to_status", "note"]
    readonly_fields = ["subject"]
    verbose_name_plural = _("history")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("by")


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
    autocomplete_fields = ["unit"]
    raw_id_fields = ["requested_by"]
    filter_horizontal = ["areas"]
    readonly_fields = [
        "status",
        "first_start",
        "last_end",
        "cancelled_late",
        "cancellation_fee",
        "created_at",
        "updated_at",
        "coordinator_page",
    ]
    inlines = [OccurrenceInline, AssignmentInline, GigInline, StatusChangeInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

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
