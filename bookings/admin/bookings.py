"""Bookings: what the services own is read-only; the history, terms and gigs are inlines."""

from __future__ import annotations

from django.contrib import admin
from django.db import models
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from bookings.models import (
    TERMS_FIELDS,
    Assignment,
    Booking,
    BookingChange,
    BookingTerms,
    Gig,
    Occurrence,
    Unit,
)
from bookings.services.common import Kind, record
from expertbank import guarded_admin
from expertbank.admin_dates import with_quick_dates


class UnitOfOrganisationFilter(admin.RelatedFieldListFilter):
    """The units to filter by, once an organisation is chosen: its units with their
    organisation in one query. Listing every unit of a national bank (two thousand, each
    reading its organisation for its name) made the changelist one query per unit."""

    organisation_parameter = "unit__organisation__id__exact"

    def field_choices(self, field, request, model_admin):
        organisation = request.GET.get(self.organisation_parameter, "")
        if not (organisation.isdigit() and len(organisation) < 10):
            return []
        units = Unit.objects.filter(organisation_id=int(organisation)).select_related(
            "organisation"
        )
        return [(unit.pk, str(unit)) for unit in units.order_by("name", "pk")]

    def has_output(self) -> bool:
        return bool(self.lookup_choices) or self.lookup_val is not None


class ReadOnlyInline(guarded_admin.TabularInline):
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
class BookingAdmin(guarded_admin.ModelAdmin):
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
        ("unit", UnitOfOrganisationFilter),
        "funding_source",
    ]
    # A national bank has hundreds of thousands of bookings: no second COUNT(*) of the table.
    show_full_result_count = False
    # Fifty rows a page, not Django's hundred: each row's eight cells through the admin's
    # display machinery were a third of the changelist's time in the worker (issue 19).
    list_per_page = 50
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

    def get_queryset(self, request):
        # The date hierarchy's years from the index, not a DISTINCT over every booking.
        return with_quick_dates(super().get_queryset(request))

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
