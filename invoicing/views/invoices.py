"""The coordinator's invoices: the list, one invoice with its lines, payments and history, the
monthly run with its dry run, credit notes, and the documents."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from expertbank.at_once import counts_at_once
from expertbank.formatting import at_most
from expertbank.paging import CAP, Capped, page_of, query_without_page
from expertbank.roles import Role, role_required
from invoicing import money, selectors, services
from invoicing.documents import finvoice, pdf
from invoicing.filters import InvoiceFilter
from invoicing.forms import CreditForm, MonthForm
from invoicing.models import Invoice

TAB_STATUSES = (
    Invoice.Status.PARTLY_PAID,
    Invoice.Status.ISSUED,
    Invoice.Status.PAID,
    Invoice.Status.CREDITED,
)


@role_required(Role.COORDINATOR)
def invoice_list(request: HttpRequest) -> HttpResponse:
    invoices = selectors.coordinator_invoices().order_by("-year", "-sequence", "-pk")
    filters = InvoiceFilter(request.GET or None, queryset=invoices)
    if filters.is_bound:
        invoices = filters.qs
    # The tabs in one query, each counted up to CAP, and the list paged through the first CAP
    # (``Capped``): the paid history grows without end (136,131 invoices at national scale: a
    # GROUP BY and the paginator's COUNT over all of them; issue 19, sixth pass).
    tabs = {status: Invoice.objects.filter(status=status) for status in TAB_STATUSES}
    *numbers, overdue_count, unallocated_count = counts_at_once(
        [*tabs.values(), selectors.overdue(), selectors.unallocated_payments()], cap=CAP
    )
    rows = Capped(invoices, cap=CAP)
    return render(
        request,
        "invoicing/coordinator_list.html",
        {
            "filters": filters,
            "page": page_of(request, rows),
            "more": rows.more,
            "cap": at_most(CAP, CAP),
            "query": query_without_page(request),
            "counts": {s: at_most(n, CAP) for s, n in zip(tabs, numbers, strict=True)},
            "overdue_count": at_most(overdue_count, CAP),
            "unallocated_count": min(unallocated_count, CAP),
            "today": timezone.localdate(),
        },
    )


def _invoice(pk: int) -> Invoice:
    return get_object_or_404(
        selectors.coordinator_invoices().select_related("unit__organisation", "issued_by"),
        pk=pk,
    )


@role_required(Role.COORDINATOR)
def invoice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    invoice = _invoice(pk)
    lines = list(invoice.lines.select_related("booking", "gig").order_by("position"))
    return render(
        request,
        "invoicing/coordinator_detail.html",
        {
            "invoice": invoice,
            "lines": lines,
            "vat": money.vat_breakdown(lines),
            "payments": invoice.payments.select_related("allocated_by").order_by("booking_date"),
            "credit_notes": invoice.credit_notes.order_by("pk"),
            "history": invoice.changes.select_related("by").order_by("at", "pk"),
            "can_credit": services.invoice_can_credit(invoice),
            "finvoice": finvoice.finvoice_applies(invoice),
        },
    )


@role_required(Role.COORDINATOR)
def invoice_credit(request: HttpRequest, pk: int) -> HttpResponse:
    invoice = _invoice(pk)
    form = CreditForm(request.POST or None, invoice=invoice)
    if request.method == "POST" and form.is_valid():
        try:
            note = services.invoice_credit(
                invoice=invoice,
                by=request.user,
                reason=form.cleaned_data["reason"],
                lines=form.cleaned_data["lines"] or None,
            )
        except services.InvoicingError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("Credit note %(number)s is issued. The credited gigs can be invoiced again.")
                % {"number": note.number},
            )
            return redirect("invoicing_coordinator:detail", note.pk)
    return render(
        request,
        "invoicing/coordinator_credit.html",
        {"invoice": invoice, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@role_required(Role.COORDINATOR)
def invoice_run(request: HttpRequest) -> HttpResponse:
    """Choose a month, see what would be invoiced (the dry run), then issue."""
    form = MonthForm(request.POST or request.GET or None)
    plan = None
    if form.is_bound and form.is_valid():
        if request.method == "POST":
            try:
                result = services.invoices_issue(period=form.period, by=request.user)
            except services.InvoicingError as exc:
                messages.error(request, str(exc))
            else:
                count = len(result.invoices)
                messages.success(
                    request,
                    ngettext("%(count)s invoice issued.", "%(count)s invoices issued.", count)
                    % {"count": count},
                )
                url = reverse("invoicing_coordinator:list")
                return redirect(f"{url}?month={form.period.start:%Y-%m}")
        plan = services.invoices_issue(period=form.period, by=request.user, dry_run=True).plan
    return render(request, "invoicing/coordinator_run.html", {"form": form, "plan": plan})


def document_response(
    invoice: Invoice, content: bytes, suffix: str, content_type: str
) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{invoice.number}.{suffix}"'
    response["Cache-Control"] = "private, no-store"
    return response


@role_required(Role.COORDINATOR)
def invoice_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    invoice = _invoice(pk)
    return document_response(invoice, pdf.invoice_pdf(invoice), "pdf", "application/pdf")


@role_required(Role.COORDINATOR)
def invoice_finvoice(request: HttpRequest, pk: int) -> HttpResponse:
    invoice = _invoice(pk)
    if not finvoice.finvoice_applies(invoice):
        messages.error(request, _("This unit has no e-invoice address: send the PDF instead."))
        return redirect("invoicing_coordinator:detail", invoice.pk)
    return document_response(invoice, finvoice.finvoice_xml(invoice), "xml", "application/xml")
