"""The work after a gig: the expert's report with expenses and check-in, receipts, and the
coordinator's pages — reports to approve or return, late cancellations to settle, gigs to write
off, and check-ins asking for a debrief. Views are thin: forms, one service, a redirect."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from bookings import money, services
from bookings.filters import CheckInFilter, ReportFilter
from bookings.forms import (
    ArrangeForm,
    CheckInForm,
    ExpenseFormSet,
    ReportForm,
    ReturnForm,
    WriteOffForm,
)
from bookings.models import CheckIn, Expense, Gig, GigReport
from bookings.models.reports import RECEIPT_TYPES
from bookings.selectors import after as selectors_after
from bookings.selectors.after import ReportView
from bookings.selectors.feedback import released_feedback_for_gig
from bookings.services import BookingError
from bookings.services.receipts import download_name
from expertbank.models import ReadEntry
from expertbank.paging import page_of, query_without_page
from expertbank.plain import plain_on
from expertbank.roles import Role, role_required
from expertbank.services.audit import read_logged

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
            "fee_declined": report.fee_declined,
        }
    return {"hours": money.scheduled_hours(gig.start, gig.end)}


def report_can_send(gig: Gig, report: GigReport | None) -> bool:
    """Whether the expert can send (or send again) the report of ``gig`` now: a planned gig
    that has ended, not reported yet or returned."""
    return (
        gig.status == Gig.Status.PLANNED
        and selectors_after.gig_has_ended(gig)
        and (report is None or report.editable)
    )


@role_required(Role.EXPERT)
def gig_report(request: HttpRequest, pk: int) -> HttpResponse:
    """The report of one gig: the form while it can be sent, else what was sent and its state.
    An expert who chose plain language fills it in one question a step (``report_steps``;
    ``?all=1`` shows the whole form)."""
    gig = _own_gig(request, pk)
    report = GigReport.objects.filter(gig=gig).prefetch_related("expenses").first()
    checkin = CheckIn.objects.filter(gig=gig).first()
    ended = selectors_after.gig_has_ended(gig)
    can_report = report_can_send(gig, report)
    if (
        can_report
        and request.method == "GET"
        and plain_on(request.user)
        and "all" not in request.GET
    ):
        return redirect("bookings_expert:report_step", gig.pk, 1)
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
                services.report_submit(
                    gig=gig,
                    by=request.user,
                    hours=cleaned["hours"],
                    preparation_hours=cleaned["preparation_hours"],
                    km=cleaned["km"],
                    km_from=cleaned["km_from"],
                    notes=cleaned["notes"],
                    fee_declined=cleaned.get("fee_declined", False),
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
            "travel": money.travel_costs(report, trip_date=timezone.localdate(gig.start))
            if report is not None
            else None,
            "feedback": released_feedback_for_gig(gig),
        },
        status=400 if data is not None else 200,
    )


def _receipt_response(expenses, pk: int) -> HttpResponse:
    expense = get_object_or_404(expenses.exclude(receipt=""), pk=pk)
    try:
        handle = expense.receipt.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404 from exc
    # The type sniffed at upload names the download; anything unknown is a download of bytes.
    content_type = expense.receipt_type if expense.receipt_type in RECEIPT_TYPES else ""
    response = FileResponse(
        handle,
        as_attachment=content_type not in INLINE_TYPES,
        filename=download_name(number=expense.pk, content_type=content_type),
        content_type=content_type or "application/octet-stream",
    )
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@role_required(Role.EXPERT)
def receipt(request: HttpRequest, pk: int) -> HttpResponse:
    """A receipt the expert sent; another expert's answers 404."""
    return _receipt_response(Expense.objects.filter(report__gig__expert__user=request.user), pk)


@role_required(Role.COORDINATOR)
def coordinator_receipt(request: HttpRequest, pk: int) -> HttpResponse:
    """Any expert's receipt, for the coordinators approving the report."""
    return _receipt_response(Expense.objects.all(), pk)


REPORT_TABS = [
    (ReportView.WAITING, gettext_lazy("Waiting for approval")),
    (ReportView.RETURNED, gettext_lazy("Returned to the expert")),
    (ReportView.MISSING, gettext_lazy("Not reported yet")),
    (ReportView.APPROVED, gettext_lazy("Approved")),
    (ReportView.CANCELLED, gettext_lazy("Late cancellations to settle")),
]


@role_required(Role.COORDINATOR)
def report_list(request: HttpRequest) -> HttpResponse:
    """Gigs by the state of their report, with filters; the oldest waiting first."""
    view = request.GET.get("view", ReportView.WAITING)
    if view not in dict(REPORT_TABS):
        view = ReportView.WAITING
    gigs = (
        selectors_after.coordinator_gigs()
        .filter(selectors_after.report_view_q(view))
        .order_by(*selectors_after.REPORT_ORDER[view])
    )
    filters = ReportFilter(request.GET or None, queryset=gigs)
    if filters.is_bound:
        gigs = filters.qs
    page = page_of(request, gigs)
    counts = selectors_after.report_view_counts()
    tabs = [(value, label, counts[value]) for value, label in REPORT_TABS]
    return render(
        request,
        "bookings/reports/coordinator_reports.html",
        {
            "page": page,
            "filters": filters,
            "tabs": tabs,
            "view": view,
            "View": ReportView,
            "query": query_without_page(request),
        },
    )


def _gig(pk: int) -> Gig:
    return get_object_or_404(
        Gig.objects.select_related(
            "expert__user",
            "occurrence",
            "booking__unit__organisation",
            "booking__work_kind",
            "booking__funding_source",
        ),
        pk=pk,
    )


@role_required(Role.COORDINATOR)
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One gig's report beside its booking and terms, the amounts approval would fix, and the
    check-in (coordinators only)."""
    gig = _gig(pk)
    booking = gig.booking
    report = GigReport.objects.filter(gig=gig).select_related("reviewed_by").first()
    terms = booking.terms
    checkin = CheckIn.objects.filter(gig=gig).select_related("handled_by").first()
    if checkin is not None:
        checkin.gig = gig
        _checkins_read(request, [checkin])
    amounts = None
    if gig.status == Gig.Status.CANCELLED and gig.late_cancelled:
        amounts = money.cancellation_amounts(booking).get(gig.pk)
    elif report is not None and terms is not None:
        amounts = money.report_amounts(gig=gig, report=report, terms=terms)
    return render(
        request,
        "bookings/reports/coordinator_report.html",
        {
            "gig": gig,
            "booking": booking,
            "report": report,
            "expenses": list(report.expenses.all()) if report else [],
            "checkin": checkin,
            "row": terms,
            "amounts": amounts,
            "scheduled_hours": money.hours_between(gig.start, gig.end),
            "travel": money.travel_costs(report, trip_date=timezone.localdate(gig.start))
            if report is not None
            else None,
            "can_approve": services.report_can_approve(gig, report),
            "can_settle": services.gig_can_settle(gig),
            "can_write_off": services.gig_can_write_off(gig),
            "history": gig.changes.select_related("by").order_by("at", "pk"),
            "return_form": ReturnForm(),
        },
    )


@require_POST
@role_required(Role.COORDINATOR)
def report_approve_view(request: HttpRequest, pk: int) -> HttpResponse:
    gig = _gig(pk)
    try:
        gig = services.report_approve(gig=gig, by=request.user)
    except BookingError as exc:
        messages.error(request, str(exc))
        return redirect("bookings_coordinator:report", gig.pk)
    if gig.status == Gig.Status.CANCELLED:
        messages.success(request, _("The cancellation amounts are fixed."))
        return redirect(reverse("bookings_coordinator:reports") + "?view=cancelled")
    messages.success(
        request,
        _("The report of %(name)s is approved.") % {"name": gig.expert.name},
    )
    return redirect("bookings_coordinator:reports")


@role_required(Role.COORDINATOR)
def report_return_view(request: HttpRequest, pk: int) -> HttpResponse:
    gig = _gig(pk)
    form = ReturnForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.report_return(gig=gig, by=request.user, note=form.cleaned_data["note"])
        except BookingError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("The report is returned to %(name)s with your note.") % {"name": gig.expert.name},
            )
            return redirect("bookings_coordinator:reports")
    return render(
        request,
        "bookings/reports/coordinator_form.html",
        {
            "gig": gig,
            "form": form,
            "title": _("Return the report"),
            "button": _("Return to the expert"),
            "back": reverse("bookings_coordinator:report", args=[gig.pk]),
        },
        status=400 if request.method == "POST" else 200,
    )


def _checkins_read(request: HttpRequest, checkins) -> None:
    """A check-in tells how the expert feels after a gig: health data, so each one shown is in
    the expert's read log."""
    read_logged(
        request,
        kind=ReadEntry.Kind.WELLBEING,
        items=[(checkin, checkin.gig.expert.user_id) for checkin in checkins],
    )


@role_required(Role.COORDINATOR)
def checkin_list(request: HttpRequest) -> HttpResponse:
    """Check-ins, those asking for a debrief first. Only coordinators ever see these."""
    data = request.GET.copy()
    data.setdefault("state", "waiting")
    filters = CheckInFilter(
        data, queryset=selectors_after.coordinator_checkins().order_by("created_at", "pk")
    )
    checkins = filters.qs
    if data.get("state") != "waiting":
        checkins = checkins.order_by("-created_at", "-pk")
    page = page_of(request, checkins)
    _checkins_read(request, page)
    return render(
        request,
        "bookings/reports/coordinator_checkins.html",
        {"page": page, "filters": filters, "query": query_without_page(request)},
    )


@role_required(Role.COORDINATOR)
def checkin_arrange_view(request: HttpRequest, pk: int) -> HttpResponse:
    checkin = get_object_or_404(
        CheckIn.objects.select_related("gig__expert__user", "gig__booking"), pk=pk
    )
    _checkins_read(request, [checkin])
    form = ArrangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.checkin_arrange(
                checkin=checkin, by=request.user, note=form.cleaned_data["note"]
            )
        except BookingError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The debrief is marked arranged."))
            return redirect("bookings_coordinator:checkins")
    return render(
        request,
        "bookings/reports/coordinator_form.html",
        {
            "gig": checkin.gig,
            "checkin": checkin,
            "form": form,
            "title": _("Mark the debrief arranged"),
            "button": _("Mark arranged"),
            "back": reverse("bookings_coordinator:checkins"),
        },
        status=400 if request.method == "POST" else 200,
    )


@role_required(Role.COORDINATOR)
def gig_write_off_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Settle a gig that will not be paid, with the reason kept in the booking's history."""
    gig = _gig(pk)
    form = WriteOffForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.gig_write_off(gig=gig, by=request.user, reason=form.cleaned_data["reason"])
        except BookingError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The gig is written off."))
            return redirect("bookings_coordinator:report", gig.pk)
    return render(
        request,
        "bookings/reports/coordinator_form.html",
        {
            "gig": gig,
            "form": form,
            "title": _("Write off the gig"),
            "button": _("Write off"),
            "back": reverse("bookings_coordinator:report", args=[gig.pk]),
        },
        status=400 if request.method == "POST" else 200,
    )
