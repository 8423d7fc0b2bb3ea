"""Support that travels with the expert (issue 17): the coordinator names the companion of an
assignment on the booking's page."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bookings.models import Assignment
from bookings.services import BookingError
from bookings.services.companions import assignment_companion_set
from expertbank.roles import Role, role_required
from experts.models import Expert


@require_POST
@role_required(Role.COORDINATOR)
def assignment_companion(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = get_object_or_404(Assignment, pk=pk)
    back = redirect("bookings_coordinator:detail", assignment.booking_id)
    chosen = request.POST.get("companion", "").strip()
    companion = None
    if chosen:
        companion = (
            Expert.objects.select_related("user").filter(pk=chosen).first()
            if chosen.isdigit()
            else None
        )
        if companion is None:
            messages.error(request, _("Choose the companion from the list of support persons."))
            return back
    try:
        assignment_companion_set(assignment=assignment, companion=companion, by=request.user)
    except BookingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The companion is saved."))
    return back
