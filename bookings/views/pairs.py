"""Pairs (issue 17): the coordinator records the debrief of a pair once for both."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bookings.models import Assignment
from bookings.services import BookingError
from bookings.services.pairs import pair_debrief_record
from expertbank.roles import Role, role_required


@require_POST
@role_required(Role.COORDINATOR)
def pair_debrief(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = get_object_or_404(Assignment, pk=pk)
    note = request.POST.get("note", "")
    if len(note) > 2000:
        messages.error(request, _("The debrief note can be at most 2000 characters."))
        return redirect("bookings_coordinator:detail", assignment.booking_id)
    try:
        pair_debrief_record(assignment=assignment, note=note, by=request.user)
    except BookingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The shared debrief is saved; both experts see it."))
    return redirect("bookings_coordinator:detail", assignment.booking_id)
