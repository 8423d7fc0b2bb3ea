"""The impact loop: the unit answers "What changed because of it?" 30 and 90 days after a
booking; the expert reads the answers the units shared."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from bookings.forms import ImpactAnswerForm
from bookings.selectors.impact import DAY_MARKS, booking_impact_answers, impact_open_marks
from bookings.selectors.requests import bookings_for_member
from bookings.services import BookingError
from bookings.services.impact import impact_answer
from expertbank.roles import Role, role_required


@role_required(Role.UNIT_MEMBER)
def booking_impact(request: HttpRequest, pk: int, mark: int) -> HttpResponse:
    """One impact question of one of the organisation's bookings: answered once per mark."""
    if mark not in DAY_MARKS:
        raise Http404
    booking = get_object_or_404(
        bookings_for_member(request.user).select_related("unit__organisation", "work_kind"),
        pk=pk,
    )
    answer = booking_impact_answers(booking).get(mark)
    is_open = mark in impact_open_marks(booking)
    form = ImpactAnswerForm(request.POST or None)
    if request.method == "POST" and answer is None and form.is_valid():
        try:
            impact_answer(
                booking=booking,
                by=request.user,
                day_mark=mark,
                text=form.cleaned_data["text"],
                change=form.cleaned_data["change"],
                share_with_experts=form.cleaned_data["share_with_experts"],
            )
        except BookingError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Thank you! Your answer helps us show what the work does."))
            return redirect("bookings:detail", booking.pk)
    return render(
        request,
        "bookings/impact/unit_answer.html",
        {"booking": booking, "mark": mark, "answer": answer, "is_open": is_open, "form": form},
        status=400 if request.method == "POST" else 200,
    )
