"""The coordinator's pages after the gig: reports to approve or return, late cancellations to
settle, check-ins asking for a debrief, and feedback to release."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from bookings import selectors_reports
from bookings.filters_reports import CheckInFilter, FeedbackFilter, ReportFilter
from bookings.forms_reports import ArrangeForm, ReturnForm
from bookings.models import CheckIn, Feedback, Gig, GigReport
from bookings.selectors import booking_terms, hours_between
from bookings.selectors_reports import ReportView
from bookings.services.common import BookingError
from bookings.services.feedback import feedback_release
from bookings.services.fees import cancellation_amounts, report_amounts
from bookings.services.reports import checkin_arrange, report_approve, report_return
from expertbank.roles import Role, role_required

PAGE_SIZE = 50

REPORT_TABS = [
    (ReportView.WAITING, gettext_lazy("Waiting for approval")),
    (ReportView.RETURNED, gettext_lazy("Returned to the expert")),
    (ReportView.MISSING, gettext_lazy("Not reported yet")),
    (ReportView.APPROVED, gettext_lazy("Approved")),
    (ReportView.CANCELLED, gettext_lazy("Late cancellations to settle")),
]


def _query(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@role_required(Role.COORDINATOR)
def report_list(request: HttpRequest) -> HttpResponse:
    """Gigs by the state of their report, with filters; the oldest waiting first."""
    view = request.GET.get("view", ReportView.WAITING)
    if view not in dict(REPORT_TABS):
        view = ReportView.WAITING
    gigs = (
        selectors_reports.coordinator_gigs()
        .filter(selectors_reports.report_view_q(view))
        .order_by(*selectors_reports.REPORT_ORDER[view])
    )
    filters = ReportFilter(request.GET or None, queryset=gigs)
    if filters.is_bound:
        gigs = filters.qs
    page = Paginator(gigs, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = selectors_reports.report_view_counts()
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
            "query": _query(request),
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
    row = booking_terms(booking)
    amounts = None
    if gig.status == Gig.Status.CANCELLED and gig.late_cancelled:
        amounts = cancellation_amounts(booking, row).get(gig.pk)
    elif report is not None and row is not None:
        amounts = report_amounts(gig=gig, report=report, row=row)
    return render(
        request,
        "bookings/reports/coordinator_report.html",
        {
            "gig": gig,
            "booking": booking,
            "report": report,
            "expenses": list(report.expenses.all()) if report else [],
            "checkin": CheckIn.objects.filter(gig=gig).select_related("handled_by").first(),
            "row": row,
            "amounts": amounts,
            "scheduled_hours": hours_between(gig.start, gig.end),
            "can_approve": gig.status == Gig.Status.REPORTED and report is not None,
            "can_settle": gig.status == Gig.Status.CANCELLED
            and gig.late_cancelled
            and gig.billable_amount is None,
            "history": gig.changes.select_related("by").order_by("at", "pk"),
            "return_form": ReturnForm(),
        },
    )


@require_POST
@role_required(Role.COORDINATOR)
def report_approve_view(request: HttpRequest, pk: int) -> HttpResponse:
    gig = _gig(pk)
    try:
        gig = report_approve(gig=gig, by=request.user)
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
            report_return(gig=gig, by=request.user, note=form.cleaned_data["note"])
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


@role_required(Role.COORDINATOR)
def checkin_list(request: HttpRequest) -> HttpResponse:
    """Check-ins, those asking for a debrief first. Only coordinators ever see these."""
    data = request.GET.copy()
    data.setdefault("state", "waiting")
    filters = CheckInFilter(
        data, queryset=selectors_reports.coordinator_checkins().order_by("created_at", "pk")
    )
    checkins = filters.qs
    if data.get("state") != "waiting":
        checkins = checkins.order_by("-created_at", "-pk")
    page = Paginator(checkins, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "bookings/reports/coordinator_checkins.html",
        {"page": page, "filters": filters, "query": _query(request)},
    )


@role_required(Role.COORDINATOR)
def checkin_arrange_view(request: HttpRequest, pk: int) -> HttpResponse:
    checkin = get_object_or_404(
        CheckIn.objects.select_related("gig__expert__user", "gig__booking"), pk=pk
    )
    form = ArrangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            checkin_arrange(checkin=checkin, by=request.user, note=form.cleaned_data["note"])
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
def feedback_list(request: HttpRequest) -> HttpResponse:
    """The units' feedback, not yet released first; release shows it to the experts."""
    feedback = selectors_reports.coordinator_feedback().order_by(
        F("released_at").asc(nulls_first=True), "-created_at", "-pk"
    )
    filters = FeedbackFilter(request.GET or None, queryset=feedback)
    if filters.is_bound:
        feedback = filters.qs
    page = Paginator(feedback, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "bookings/reports/coordinator_feedback.html",
        {"page": page, "filters": filters, "query": _query(request)},
    )


@require_POST
@role_required(Role.COORDINATOR)
def feedback_release_view(request: HttpRequest, pk: int) -> HttpResponse:
    feedback = get_object_or_404(Feedback, pk=pk)
    try:
        feedback_release(feedback=feedback, by=request.user)
    except BookingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The feedback is now shown to the experts."))
    return redirect(reverse("bookings_coordinator:feedback") + "?state=waiting")
