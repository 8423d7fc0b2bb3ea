"""After the gig: reports, check-ins and feedback, read-only (the coordinator's pages act)."""

from __future__ import annotations

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from bookings.admin.bookings import ReadOnlyInline
from bookings.models import (
    CheckIn,
    Expense,
    Feedback,
    GigReport,
)
from expertbank import guarded_admin

# --- After the gig -------------------------------------------------------------------------------
# Read-only: approving, returning, arranging a debrief and releasing feedback go through the
# coordinator's report pages, which keep the gig's history, fix the amounts and send the messages.


class ReadOnlyAdmin(guarded_admin.ModelAdmin):
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
