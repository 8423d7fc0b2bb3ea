"""The expert's own payments (phone first, plain words): fees waiting for a statement, each
statement with its lines and status, moving a fee to next month, this year's earnings by
payment month against the caps, and PDFs of a statement and of a year.

An expert sees only their own statements and gigs; anyone else's answer 404, coordinators
included (they have their own pages).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bookings.models import Gig
from bookings.selectors.earnings import Period, cap_checks, expert_earnings
from bookings.services.payments import gig_can_move_payment
from expertbank.models import ReadEntry
from expertbank.paging import page_of
from expertbank.plain import plain_template
from expertbank.roles import Role, role_required
from expertbank.services.audit import read_logged
from experts.models import Expert
from invoicing.documents.statements import gross_by_type, statement_pdf, yearly_summary_pdf
from invoicing.forms_fees import YearForm
from invoicing.models import FeeLine, FeeStatement, PaymentBatch
from invoicing.selectors import waiting_gigs
from invoicing.services import fees as services
from invoicing.services.common import InvoicingError

MOVABLE_KINDS = (FeeLine.Kind.FEE, FeeLine.Kind.CANCELLATION)


def _expert(request: HttpRequest) -> Expert:
    return request.user.expert


def _own(request: HttpRequest):
    """The logged-in expert's own statements: another expert's answer 404 (the views let only
    experts in; other roles get the 403 of a wrong role)."""
    return FeeStatement.objects.filter(expert__user=request.user).select_related("expert__user")


def months_of_year(expert: Expert, *, today=None) -> dict:
    """This year's earnings by payment month with the monthly cap, and the year with the yearly
    cap (bookings' earnings: counted by payment date)."""
    today = today or timezone.localdate()
    year = Period.year_of(today)
    months = [Period.month_of(today.replace(month=number, day=1)) for number in range(1, 13)]
    counted = expert_earnings(expert, [year, *months], today=today)
    earnings = dict(zip([year, *months], counted, strict=True))
    checks = {check.period: check for check in cap_checks(expert, earnings=earnings)}
    return {
        "year": year,
        "year_earnings": earnings[year],
        "yearly": checks.get(year),
        "months": [
            {
                "period": month,
                "earnings": earnings[month],
                "check": checks.get(month),
                "current": today in month,
            }
            for month in months
        ],
        "has_cap": bool(checks),
    }


def _waiting(expert: Expert) -> list[Gig]:
    """``waiting_gigs``, each with ``can_move``."""
    gigs = list(waiting_gigs(expert))
    for gig in gigs:
        # On no statement (the query above): ``fee_can_defer`` would look for its statement.
        gig.can_move = gig_can_move_payment(gig)
    return gigs


def _years(expert: Expert) -> list[int]:
    """The years a summary can be made for: from the first payment to this year."""
    this_year = timezone.localdate().year
    first = (
        FeeStatement.objects.filter(expert=expert, paid_on__isnull=False)
        .order_by("paid_on")
        .values_list("paid_on", flat=True)
        .first()
    )
    start = min(first.year, this_year) if first else this_year
    return list(range(this_year, start - 1, -1))


@role_required(Role.EXPERT)
def payments_home(request: HttpRequest) -> HttpResponse:
    expert = _expert(request)
    statements = _own(request).order_by("-period_start", "-pk")
    return render(
        request,
        plain_template(request.user, "invoicing/fees/expert_home.html"),
        {
            "expert": expert,
            "waiting": _waiting(expert),
            "page": page_of(request, statements),
            "earnings": months_of_year(expert),
            "years": _years(expert),
            "this_year": timezone.localdate().year,
        },
    )


def _read(request: HttpRequest, statement: FeeStatement) -> None:
    # Only the expert's own statements reach here, and one's own reads are not logged; the
    # call keeps the rule in this view should the pages ever be opened to others.
    read_logged(
        request,
        kind=ReadEntry.Kind.FEE_STATEMENT,
        obj=statement,
        subject_ids=[statement.expert.user_id],
    )


@role_required(Role.EXPERT)
def statement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    statement = get_object_or_404(
        _own(request).select_related("batch").defer(*PaymentBatch.file_fields("batch")), pk=pk
    )
    _read(request, statement)
    lines = list(statement.lines.select_related("gig").order_by("date", "pk"))
    # The button goes on each gig's fee line (a gig has one; kilometres and expenses follow it).
    for line in lines:
        line.can_move = (
            line.gig is not None and line.kind in MOVABLE_KINDS and services.fee_can_defer(line.gig)
        )
    return render(
        request,
        plain_template(request.user, "invoicing/fees/expert_statement.html"),
        {
            "statement": statement,
            "expert": statement.expert,
            "lines": lines,
            "by_type": gross_by_type(lines),
            "movable": any(line.can_move for line in lines),
        },
    )


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@role_required(Role.EXPERT)
def statement_download(request: HttpRequest, pk: int) -> HttpResponse:
    statement = get_object_or_404(_own(request), pk=pk)
    _read(request, statement)
    return _pdf(statement_pdf(statement), f"fee-statement-{statement.period_start:%Y-%m}.pdf")


@role_required(Role.EXPERT)
def yearly_summary(request: HttpRequest) -> HttpResponse:
    form = YearForm(request.GET or None)
    if not form.is_valid():
        messages.error(request, _("Choose a year from the list, then download the summary."))
        return redirect("invoicing_expert:home")
    year = form.cleaned_data["year"]
    return _pdf(yearly_summary_pdf(_expert(request), year), f"payments-{year}.pdf")


@require_POST
@role_required(Role.EXPERT)
def fee_move(request: HttpRequest, pk: int) -> HttpResponse:
    """Pay this gig's fee with next month's statement (earnings count by payment date)."""
    gig = get_object_or_404(Gig.objects.filter(expert__user=request.user), pk=pk)
    try:
        moved = services.fee_defer(gig=gig, by=request.user)
    except InvoicingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("Done. This fee moves to the statement of %(month)s, so it is paid a month later.")
            % {"month": date_format(moved.pay_not_before, "YEAR_MONTH_FORMAT")},
        )
    return redirect("invoicing_expert:home")
