"""The booking unit's portal: request an expert, follow the bookings, cancel."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from bookings import money, selectors, services
from bookings.forms import BookingRequestForm, CancelForm, WorkingBlockFormSet
from bookings.models import Booking, Gig, Membership, Occurrence, Panel, Unit
from bookings.settlement import attach_money_notes
from expertbank.paging import page_of
from expertbank.roles import Role, role_required, user_roles


@role_required(Role.UNIT_MEMBER)
def unit_home(request: HttpRequest) -> HttpResponse:
    """The unit's start page: request an expert, and the organisation's bookings."""
    bookings = selectors.unit_booking_list(request.user)
    page = page_of(request, bookings)
    attach_money_notes(list(page))
    rows = [(booking, selectors.booking_next_step(booking)) for booking in page]
    memberships = Membership.objects.filter(user=request.user).select_related("unit__organisation")
    return render(
        request,
        "bookings/unit_home.html",
        {
            "page": page,
            "rows": rows,
            "memberships": memberships,
            "roles": user_roles(request.user),
        },
    )


def _terms_day(form: BookingRequestForm):
    if form.is_bound and form.is_valid():
        return money.terms_day(form.cleaned_data["times"][0][0])
    return money.terms_day(None)


def request_pages(
    request: HttpRequest,
    *,
    form: BookingRequestForm,
    blocks,
    send: Callable[[dict], HttpResponse],
    row_for: Callable[[dict], object],
    texts: dict | None = None,
    terms: list | None = None,
    frozen_terms=None,
) -> HttpResponse:
    """The request form, then its check page (the times, the price estimate and the terms of
    ``row_for(cleaned)``), then ``send(cleaned)``, whose refusal is the form's error. The unit's
    request, the coordinator's request on a unit's behalf and the coordinator's change of a
    request (``bookings.views.on_behalf``) are all these pages; ``texts`` gives the coordinator's
    headings and button words (``form_title``, ``form_lead``, ``check_label``,
    ``preview_title``, ``preview_lead``, ``send_label``, ``back_url``)."""
    texts = texts or {}
    data = request.POST if request.method == "POST" else None
    if data is not None and "edit" not in data and form.is_valid():
        cleaned = form.cleaned_data
        if "send" in data:
            try:
                return send(cleaned)
            except services.BookingError as exc:
                form.add_error(None, str(exc))
        else:
            times = cleaned["times"]
            row = row_for(cleaned)
            return render(
                request,
                "bookings/unit_request_preview.html",
                {
                    "form": form,
                    "blocks": blocks,
                    "times": times,
                    "row": row,
                    "estimate": money.price_estimate(
                        row, times=times, experts=cleaned["experts_wanted"]
                    ),
                    **texts,
                },
            )
    return render(
        request,
        "bookings/unit_request.html",
        {
            "form": form,
            "blocks": blocks,
            "terms": terms or [],
            "frozen_terms": frozen_terms,
            **texts,
        },
    )


def row_in_force(cleaned: dict):
    """The price row in force for a cleaned request: its unit's organisation, kind, first date."""
    return money.price_row_for(
        organisation_id=cleaned["unit"].organisation_id,
        work_kind_id=cleaned["work_kind"].pk,
        day=money.terms_day(cleaned["times"][0][0]),
    )


@role_required(Role.UNIT_MEMBER)
def booking_request(request: HttpRequest) -> HttpResponse:
    """The request form. Sending goes through a check page showing the price and terms."""
    if not Unit.objects.can_request().filter(memberships__user=request.user).exists():
        messages.error(
            request,
            _(
                "Your unit is no longer in use, so it cannot request new bookings. Its bookings "
                "and invoices are still here. Ask the coordinator if this is a mistake."
            ),
        )
        return redirect("bookings:unit_home")
    data = request.POST if request.method == "POST" else None
    blocks = WorkingBlockFormSet(data, prefix="blocks")
    form = BookingRequestForm(data, user=request.user, blocks=blocks)

    def send(cleaned: dict) -> HttpResponse:
        booking = services.booking_request(
            unit=cleaned["unit"],
            by=request.user,
            times=cleaned["times"],
            areas=cleaned["areas"],
            **form.booking_values(),
        )
        messages.success(
            request, _("Your request was sent. The coordinator will look for experts.")
        )
        return redirect("bookings:detail", booking.pk)

    # The terms of the unit the member chose; before a choice, of their first unit.
    chosen = form["unit"].value() if form.is_bound else None
    units = form.fields["unit"].queryset
    unit = (units.filter(pk=chosen).first() if str(chosen or "").isdigit() else None) or (
        units.first()
    )
    terms = (
        money.terms_in_force(organisation_id=unit.organisation_id, day=_terms_day(form))
        if unit
        else []
    )
    return request_pages(
        request, form=form, blocks=blocks, send=send, row_for=row_in_force, terms=terms
    )


def _member_booking(request: HttpRequest, pk: int) -> Booking:
    return get_object_or_404(
        selectors.bookings_for_member(request.user).select_related(
            "unit__organisation", "work_kind", "language", "requested_by", "terms"
        ),
        pk=pk,
    )


@role_required(Role.UNIT_MEMBER)
def booking_detail(request: HttpRequest, pk: int) -> HttpResponse:
    booking = _member_booking(request, pk)
    planned = Gig.objects.filter(status=Gig.Status.PLANNED).select_related("expert__user")
    occurrences = booking.occurrences.prefetch_related(
        Prefetch("gigs", queryset=planned, to_attr="planned_gigs")
    )
    # The unit sees the booking's own history (its status, times, billing), not the experts'.
    history = booking.changes.filter(assignment__isnull=True, gig__isnull=True).select_related("by")
    return render(
        request,
        "bookings/unit_booking_detail.html",
        {
            "booking": booking,
            "next_step": selectors.booking_next_step(booking),
            "names": selectors.shown_names(booking),
            "occurrences": occurrences,
            "history": history,
            "row": booking.terms,
            "areas": booking.areas.all(),
            "panel": Panel.objects.filter(booking=booking).first(),
        },
    )


@role_required(Role.UNIT_MEMBER)
def booking_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """Shows the late rule and the fee before the unit confirms the cancellation."""
    booking = _member_booking(request, pk)
    if not services.booking_can_cancel(booking):
        if services.booking_is_panel(booking):
            messages.error(request, services.booking_panel_refusal())
        else:
            messages.error(request, _("This booking can no longer be cancelled."))
        return redirect("bookings:detail", booking.pk)
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.booking_cancel(
                booking=booking, by=request.user, reason=form.cleaned_data["reason"]
            )
        except services.BookingError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The booking is cancelled."))
        return redirect("bookings:detail", booking.pk)
    return render(
        request,
        "bookings/unit_booking_cancel.html",
        {
            "booking": booking,
            "form": form,
            "terms": money.cancellation_terms(booking),
            "occurrences": Occurrence.objects.filter(booking=booking),
        },
    )
