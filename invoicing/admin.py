"""Administration of invoicing. Invoices, credit notes, payments and bank files are documents:
read-only here, never deleted (issue, credit and allocate on the invoicing pages, which keep the
history). The penalty interest is data a coordinator keeps: a new rate is a new row from its
first day."""

from __future__ import annotations

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from expertbank import guarded_admin
from expertbank.admin_dates import with_quick_dates
from invoicing.models import (
    IncomingPayment,
    Invoice,
    InvoiceChange,
    InvoiceLine,
    NumberSeries,
    PaymentFile,
    PenaltyInterestRate,
)


class ReadOnly:
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class LineInline(ReadOnly, guarded_admin.TabularInline):
    model = InvoiceLine
    fk_name = "invoice"
    extra = 0
    fields = [
        "position",
        "kind",
        "date",
        "description",
        "expert_name",
        "quantity",
        "unit_price",
        "net",
        "vat_rate",
        "vat",
        "gross",
        "billing",
    ]


class ChangeInline(ReadOnly, guarded_admin.TabularInline):
    model = InvoiceChange
    extra = 0
    fields = ["at", "by", "kind", "from_status", "to_status", "note"]
    verbose_name_plural = _("history")


class PaymentInline(ReadOnly, guarded_admin.TabularInline):
    model = IncomingPayment
    extra = 0
    fields = ["booking_date", "amount", "reference", "payer_name", "allocated_by"]


@admin.register(Invoice)
class InvoiceAdmin(ReadOnly, guarded_admin.ModelAdmin):
    list_display = [
        "number",
        "kind",
        "buyer_name",
        "buyer_unit",
        "issue_date",
        "due_date",
        "gross_total",
        "status",
    ]
    list_filter = ["status", "kind", ("issue_date", admin.DateFieldListFilter)]
    search_fields = ["number", "reference", "buyer_name", "buyer_unit", "client_reference"]
    date_hierarchy = "issue_date"
    # A national bank issues tens of thousands of invoices a year: no second COUNT(*) of the
    # table, and the date hierarchy's years from the index, not a DISTINCT over every invoice.
    show_full_result_count = False
    readonly_fields = ["page"]
    inlines = [LineInline, PaymentInline, ChangeInline]

    def get_queryset(self, request):
        return with_quick_dates(super().get_queryset(request))

    @admin.display(description=_("invoicing page"))
    def page(self, invoice: Invoice) -> str:
        url = reverse("invoicing_coordinator:detail", args=[invoice.pk])
        return format_html('<a href="{}">{}</a>', url, _("Open: documents, credit, payments"))


@admin.register(IncomingPayment)
class IncomingPaymentAdmin(ReadOnly, guarded_admin.ModelAdmin):
    list_display = ["booking_date", "amount", "reference", "payer_name", "invoice"]
    list_select_related = ["invoice"]
    list_filter = [
        ("invoice", admin.EmptyFieldListFilter),
        ("booking_date", admin.DateFieldListFilter),
    ]
    search_fields = ["reference", "payer_name", "entry_reference", "invoice__number"]


@admin.register(PaymentFile)
class PaymentFileAdmin(ReadOnly, guarded_admin.ModelAdmin):
    list_display = ["imported_at", "name", "version", "entries", "new_entries", "imported_by"]
    list_select_related = ["imported_by"]


@admin.register(NumberSeries)
class NumberSeriesAdmin(ReadOnly, guarded_admin.ModelAdmin):
    list_display = ["year", "last"]


@admin.register(PenaltyInterestRate)
class PenaltyInterestRateAdmin(guarded_admin.ModelAdmin):
    list_display = ["valid_from", "rate"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
