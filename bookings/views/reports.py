"""After the gig, for the expert and the unit: the report with expenses and check-in, receipts,
released feedback, and the unit's feedback form. The coordinator's pages are in
``reports_coordinator.py``. Views are thin: forms, one service, a redirect."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings import selectors_reports
from bookings.forms_reports import CheckInForm, ExpenseFormSet, FeedbackForm, ReportForm
from bookings.models import CheckIn, Expense, Gig, GigReport
from bookings.selectors import bookings_for_member, hours_between
from bookings.services.common import BookingError
from bookings.services.feedback import feedback_give
from bookings.services.reports import report_submit
from expertbank.roles import Role, has_role, role_required

PAGE_SIZE = 50
INLINE_TYPES = {"image/jpeg", "image/png"}


def _own_gig(request: HttpRequest, pk: int) -> Gig:
    return get_object_or_404(
        Gig.objects.select_related(
            "occurrence", "booking__unit__organisation", "booking__work_kind", "expert__user"
        ),
        pk=pk,
        expert__user=request.user,
    )


def _initial(gig: Gig, report: GigReport | None) -> dict:
    if report is not None:
        return {
            "hours": report.hours,
            "preparation_hours": report.preparation_hours or None,
            "km": report.km or None,
            "km_from": report.km_from,
            "notes": report.notes,
        }
    scheduled = hours_between(gig.start, gig.end).quantize(Decimal("0.01"))
    return {"hours": scheduled.normalize() if scheduled == scheduled.to_integral() else scheduled}


@role_required(Role.EXPERT)
def gig_report(request: HttpRequest, pk: int) -> HttpResponse:
    """The report of one gig: the form while it can be sent, else what was sent and its state."""
    gig = _own_gig(request, pk)
    report = GigReport.objects.filter(gig=gig).prefetch_related("expenses").first()
    checkin = CheckIn.objects.filter(gig=gig).first()
    ended = selectors_reports.gig_has_ended(gig)
    can_report = gig.status == Gig.Status.PLANNED and ended and (report is None or report.editable)
    data = request.POST if request.method == "POST" else None
    files = request.FILES if request.method == "POST" else None
    form = ReportForm(data, report=report, initial=_initial(gig, report))
    expense_forms = ExpenseFormSet(data, files, prefix="expenses")
    checkin_form = CheckInForm(data, prefix="checkin") if checkin is None else None
    if data is not None:
        valid = [form.is_valid(), expense_forms.is_valid()]
        if checkin_form is not None:
            valid.append(checkin_form.is_valid())
        if all(valid):
            cleaned = form.cleaned_data
            try:
                report_submit(
                    gig=gig,
                    by=request.user,
                    hours=cleaned["hours"],
                    preparation_hours=cleaned["preparation_hours"],
                    km=cleaned["km"],
                    km_from=cleaned["km_from"],
                    notes=cleaned["notes"],
                    expenses=expense_forms.inputs(),
                    remove_expenses=[e.pk for e in cleaned.get("remove_expenses") or []],
                    checkin=checkin_form.to_input() if checkin_form is not None else None,
                )
            except BookingError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Thank you! Your report was sent to the coordinator."))
                return redirect("bookings_expert:report", gig.pk)
    return render(
        request,
        "bookings/reports/expert_report.html",
        {
            "gig": gig,
            "booking": gig.booking,
            "report": report,
            "expenses": list(report.expenses.all()) if report else [],
            "checkin": checkin,
            "form": form,
            "expense_forms": expense_forms,
            "checkin_form": checkin_form,
            "can_report": can_report,
            "ended": ended,
            "feedback": selectors_reports.released_feedback_for_gig(gig),
        },
        status=400 if data is not None else 200,
    )


@login_required
def receipt(request: HttpRequest, pk: int) -> HttpResponse:
    """A receipt, for the expert who sent it and for coordinators; anyone else gets 404."""
    expenses = Expense.objects.exclude(receipt="").select_related("report__gig")
    if not has_role(request.user, Role.COORDINATOR):
        expenses = expenses.filter(report__gig__expert__user=request.user)
    expense = get_object_or_404(expenses, pk=pk)
    try:
        handle = expense.receipt.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404 from exc
    response = FileResponse(
        handle,
        as_attachment=expense.receipt_type not in INLINE_TYPES,
        filename=expense.receipt_name or "receipt",
        content_type=expense.receipt_type or "application/octet-stream",
    )
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@role_required(Role.EXPERT)
def my_feedback(request: HttpRequest) -> HttpResponse:
    """Feedback from the units on the expert's past gigs, as the coordinator released it."""
    feedback = selectors_reports.expert_released_feedback(request.user.expert)
    page = Paginator(feedback, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "bookings/reports/expert_feedback.html", {"page": page})


@role_required(Role.UNIT_MEMBER)
def booking_feedback(request: HttpRequest, pk: int) -> HttpResponse:
    """The unit's feedback on one of its organisation's bookings: once per person."""
    booking = get_object_or_404(
        bookings_for_member(request.user).select_related("unit__organisation", "work_kind"),
        pk=pk,
    )
    given = selectors_reports.member_feedback(booking, request.user)
    is_open = selectors_reports.feedback_open(booking)
    form = FeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            feedback_give(
                booking=booking,
                by=request.user,
                rating=form.cleaned_data["rating"],
                text=form.cleaned_data["text"],
            )
        except BookingError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Thank you for your feedback!"))
            return redirect("bookings:detail", booking.pk)
    return render(
        request,
        "bookings/reports/unit_feedback.html",
        {
            "booking": booking,
            "given": given,
            "is_open": is_open,
            "form": form,
            "now": timezone.now(),
        },
        status=400 if request.method == "POST" else 200,
    )
