"""Feedback: the unit gives it once the work took place, a coordinator releases it, the
experts read it."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bookings.filters import FeedbackFilter
from bookings.forms import FeedbackForm
from bookings.models import Feedback
from bookings.selectors import feedback as selectors_feedback
from bookings.selectors.requests import bookings_for_member
from bookings.services import BookingError, feedback_give, feedback_release
from expertbank.paging import page_of, query_without_page
from expertbank.roles import Role, role_required


@role_required(Role.EXPERT)
def my_feedback(request: HttpRequest) -> HttpResponse:
    """Feedback from the units on the expert's past gigs, as the coordinator released it."""
    feedback = selectors_feedback.expert_released_feedback(request.user.expert)
    page = page_of(request, feedback)
    return render(request, "bookings/reports/expert_feedback.html", {"page": page})


@role_required(Role.UNIT_MEMBER)
def booking_feedback(request: HttpRequest, pk: int) -> HttpResponse:
    """The unit's feedback on one of its organisation's bookings: once per person."""
    booking = get_object_or_404(
        bookings_for_member(request.user).select_related("unit__organisation", "work_kind"),
        pk=pk,
    )
    given = selectors_feedback.member_feedback(booking, request.user)
    is_open = selectors_feedback.feedback_open(booking)
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


@role_required(Role.COORDINATOR)
def feedback_list(request: HttpRequest) -> HttpResponse:
    """The units' feedback, not yet released first; release shows it to the experts."""
    feedback = selectors_feedback.coordinator_feedback().order_by(
        F("released_at").asc(nulls_first=True), "-created_at", "-pk"
    )
    filters = FeedbackFilter(request.GET or None, queryset=feedback)
    if filters.is_bound:
        feedback = filters.qs
    page = page_of(request, feedback)
    return render(
        request,
        "bookings/reports/coordinator_feedback.html",
        {"page": page, "filters": filters, "query": query_without_page(request)},
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
