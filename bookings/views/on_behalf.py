"""The coordinator's requests for a unit: a request entered on the unit's behalf (it came by
phone or e-mail) and a change of a request's details before it is confirmed. Both are the
unit's request form (``BookingRequestForm``), its check page with the price and terms, and its
templates (``bookings/unit_request*.html``)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from bookings import money, services
from bookings.forms import BookingEditForm, CoordinatorRequestForm, WorkingBlockFormSet
from bookings.forms.requests import booking_initial
from bookings.models import Booking
from bookings.views.requests import request_pages, row_in_force
from expertbank.fields import parse_id
from expertbank.roles import Role, role_required


@role_required(Role.COORDINATOR)
def booking_new(request: HttpRequest) -> HttpResponse:
    """Enter a request for any unit: the unit's form with a unit picker; the unit is told and the
    history says who entered it."""
    data = request.POST if request.method == "POST" else None
    blocks = WorkingBlockFormSet(data, prefix="blocks")
    form = CoordinatorRequestForm(data, user=request.user, blocks=blocks)

    def send(cleaned: dict) -> HttpResponse:
        booking = services.booking_request(
            unit=cleaned["unit"],
            by=request.user,
            times=cleaned["times"],
            areas=cleaned["areas"],
            on_behalf=True,
            **form.booking_values(),
        )
        messages.success(
            request,
            _("The request is entered for %(unit)s; the unit was told it was received.")
            % {"unit": booking.unit},
        )
        return redirect("bookings_coordinator:detail", booking.pk)

    # The price lists of the unit picked; before a choice, none (the check page shows them).
    chosen = parse_id(form["unit"].value()) if form.is_bound else None
    unit = form.fields["unit"].queryset.filter(pk=chosen).first() if chosen else None
    terms = (
        money.terms_in_force(organisation_id=unit.organisation_id, day=money.terms_day(None))
        if unit
        else []
    )
    return request_pages(
        request,
        form=form,
        blocks=blocks,
        send=send,
        row_for=row_in_force,
        terms=terms,
        texts={
            "form_title": _("Request experts on a unit's behalf"),
            "form_lead": _(
                "For a request that came by phone or e-mail. The unit gets the same "
                "confirmation as for its own request, and the booking's history says that you "
                "entered it."
            ),
            "check_label": _("Check the price and the terms"),
            "preview_title": _("Check the request"),
            "preview_lead": _(
                "Nothing has been sent yet. Check the unit, the times, the price and the "
                "cancellation terms, then send the request for the unit."
            ),
            "send_label": _("Send the request for the unit"),
            "back_url": reverse("bookings_coordinator:list"),
        },
    )


@role_required(Role.COORDINATOR)
def booking_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a request's details before it is confirmed; the price is counted again under the
    booking's frozen terms, and the history records what changed."""
    booking = get_object_or_404(
        Booking.objects.select_related("unit__organisation", "work_kind", "language", "terms"),
        pk=pk,
    )
    if not services.booking_can_edit(booking):
        messages.error(
            request,
            _(
                "The details can be changed only before the booking is confirmed; this booking "
                "is %(status)s. Move a time or cancel the booking instead."
            )
            % {"status": booking.get_status_display()},
        )
        return redirect("bookings_coordinator:detail", booking.pk)
    data = request.POST if request.method == "POST" else None
    _initial, initial_blocks = booking_initial(booking)
    blocks = WorkingBlockFormSet(data, prefix="blocks", initial=initial_blocks)
    form = BookingEditForm(data, booking=booking, user=request.user, blocks=blocks)

    def send(cleaned: dict) -> HttpResponse:
        services.booking_edit(
            booking=booking,
            by=request.user,
            values=form.booking_values(),
            areas=cleaned["areas"],
            times=cleaned["times"] if cleaned.get("change_times") else None,
            reason=cleaned["reason"],
        )
        messages.success(request, _("The booking is changed; its history says how."))
        return redirect("bookings_coordinator:detail", booking.pk)

    def row_for(cleaned: dict):
        # The frozen terms, unless another kind of work takes the row in force for it.
        if cleaned["work_kind"].pk != booking.work_kind_id:
            return row_in_force(cleaned)
        return booking.terms

    return request_pages(
        request,
        form=form,
        blocks=blocks,
        send=send,
        row_for=row_for,
        frozen_terms=booking.terms,
        texts={
            "form_title": _("Change the request: %(title)s") % {"title": booking.title},
            "form_lead": _(
                "Change what the unit asked for, before the booking is confirmed. The price is "
                "counted again under the booking's own terms; the history keeps the old and the "
                "new values."
            ),
            "check_label": _("Check the changes"),
            "preview_title": _("Check the changes"),
            "preview_lead": _(
                "Nothing has been changed yet. Check the times and the price, then save."
            ),
            "send_label": _("Save the changes"),
            "back_url": reverse("bookings_coordinator:detail", args=[booking.pk]),
        },
    )
