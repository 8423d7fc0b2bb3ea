"""Incoming payments: import the bank's file, see what matched, allocate the rest by hand."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from expertbank.models import ReadEntry
from expertbank.paging import page_of
from expertbank.roles import Role, role_required
from expertbank.services.audit import read_logged
from invoicing import selectors, services
from invoicing.forms import AllocateForm, BankFileForm
from invoicing.models import IncomingPayment, PaymentFile


@role_required(Role.COORDINATOR)
def payment_list(request: HttpRequest) -> HttpResponse:
    """Payments to allocate first, then every payment, newest first; the files imported."""
    recent = IncomingPayment.objects.select_related("invoice", "file").order_by(
        "-booking_date", "-pk"
    )
    files = list(PaymentFile.objects.select_related("imported_by")[:10])
    # The bank's statements of incoming payments (camt.054): about the units, not experts.
    read_logged(request, kind=ReadEntry.Kind.BANK_FILE, items=[(file, None) for file in files])
    return render(
        request,
        "invoicing/payments.html",
        {
            "unallocated": selectors.unallocated_payments()[:200],
            "overpaid": selectors.overpaid()[:50],
            "page": page_of(request, recent),
            "files": files,
        },
    )


@role_required(Role.COORDINATOR)
def payment_import(request: HttpRequest) -> HttpResponse:
    form = BankFileForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = services.payments_import(data=upload.read(), name=upload.name, by=request.user)
        except services.InvoicingError as exc:
            form.add_error("file", str(exc))
        else:
            messages.success(
                request,
                _(
                    "%(new)s new payments: %(matched)s matched to invoices, %(open)s to allocate "
                    "by hand; %(already)s were already recorded."
                )
                % {
                    "new": len(result.new),
                    "matched": len(result.matched),
                    "open": len(result.unallocated),
                    "already": result.already,
                },
            )
    return render(
        request,
        "invoicing/payment_import.html",
        {"form": form, "result": result},
        status=400 if request.method == "POST" and form.errors else 200,
    )


@role_required(Role.COORDINATOR)
def payment_allocate(request: HttpRequest, pk: int) -> HttpResponse:
    payment = get_object_or_404(IncomingPayment.objects.select_related("file", "invoice"), pk=pk)
    form = AllocateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.payment_allocate(
                payment=payment,
                invoice=form.cleaned_data["number"],
                by=request.user,
                note=form.cleaned_data["note"],
            )
        except services.InvoicingError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The payment is allocated."))
            return redirect("invoicing_coordinator:payments")
    return render(
        request,
        "invoicing/payment_allocate.html",
        {"payment": payment, "form": form, "can_allocate": services.payment_can_allocate(payment)},
        status=400 if request.method == "POST" else 200,
    )
