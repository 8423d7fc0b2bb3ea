"""A booking unit's invoices: its organisation's, with the PDF; anyone else's answer 404."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from expertbank.paging import page_of
from expertbank.roles import Role, role_required
from invoicing import money, selectors
from invoicing.documents import pdf
from invoicing.views.invoices import document_response


def _own(request: HttpRequest):
    return selectors.with_balance(selectors.invoices_for_member(request.user)).select_related(
        "unit__organisation", "credit_for"
    )


@role_required(Role.UNIT_MEMBER)
def invoice_list(request: HttpRequest) -> HttpResponse:
    invoices = _own(request).order_by("-issue_date", "-pk")
    return render(request, "invoicing/unit_list.html", {"page": page_of(request, invoices)})


@role_required(Role.UNIT_MEMBER)
def invoice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    invoice = get_object_or_404(_own(request), pk=pk)
    lines = list(invoice.lines.order_by("position"))
    return render(
        request,
        "invoicing/unit_detail.html",
        {"invoice": invoice, "lines": lines, "vat": money.vat_breakdown(lines)},
    )


@role_required(Role.UNIT_MEMBER)
def invoice_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    invoice = get_object_or_404(_own(request), pk=pk)
    return document_response(invoice, pdf.invoice_pdf(invoice), "pdf", "application/pdf")
