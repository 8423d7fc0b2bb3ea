"""The coordinator's booking pages: the list, a booking's detail with its whole history, and every
action on it (the ranked candidates with their offer form are in ``bookings.views.matching``)."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bookings import money, selectors, services
from bookings.filters import BookingFilter
from bookings.forms import (
    BookingChangeForm,
    CoordinatorCancelForm,
    FundingForm,
    MemberInviteForm,
    ReasonForm,
    RepriceForm,
    RescheduleForm,
)
from bookings.models import Assignment, Booking, Gig, Occurrence, Panel, Unit
from expertbank.at_once import counts_at_once
from expertbank.formatting import at_most, time_range
from expertbank.paging import CAP, page_of
from expertbank.roles import Role, role_required


@role_required(Role.COORDINATOR)
def booking_list(request: HttpRequest) -> HttpResponse:
    """Every booking, filtered; the most urgent first by default (``most_urgent_first``)."""
    queryset = selectors.coordinator_booking_list()
    filters = BookingFilter(request.GET or None, queryset=queryset)
    bookings = filters.qs if filters.is_bound else queryset
    # Each status counted up to CAP: a GROUP BY over every booking ever made was most of the
    # page at national scale (234,047 bookings: 75 ms; issue 19, sixth pass).
    each = [Booking.objects.filter(status=status) for status in Booking.Status.values]
    counts = dict(zip(Booking.Status.values, counts_at_once(each, cap=CAP), strict=True))
    valid = not filters.is_bound or filters.is_valid()
    chosen = {k: v for k, v in getattr(filters.form, "cleaned_data", {}).items() if v}
    more = False
    if not chosen.get("order"):
        # Unfiltered, or by status alone, the tabs' counts are the list's: the paginator
        # need not count the history again. It reaches the first CAP bookings of a status.
        by_status = None
        if valid and not set(chosen) - {"status"}:
            by_status = {s: n for s, n in counts.items() if chosen.get("status", s) == s}
            more = any(n > CAP for n in by_status.values())
            by_status = {s: min(n, CAP) for s, n in by_status.items()}
        bookings = selectors.most_urgent_first(bookings, by_status=by_status)
    page = page_of(request, bookings)
    # Each label looked up in a dictionary made once a page: ``get_FOO_display`` makes its
    # dictionary again for every cell, translating every choice to hash it (100 cells: ~10 ms;
    # issue 19, fifth pass).
    kinds, statuses = dict(Booking.Kind.choices), dict(Booking.Status.choices)
    for booking in page:
        booking.kind_label = kinds.get(booking.kind, booking.kind)
        booking.status_label = statuses.get(booking.status, booking.status)
    tabs = [(status, label, at_most(counts[status], CAP)) for status, label in statuses.items()]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "bookings/coordinator_list.html",
        {
            "filters": filters,
            "page": page,
            "tabs": tabs,
            "query": query.urlencode(),
            "more": more,
            "cap": at_most(CAP, CAP),
        },
    )


def _booking(pk: int) -> Booking:
    return get_object_or_404(
        Booking.objects.select_related(
            "unit__organisation",
            "work_kind",
            "language",
            "requested_by",
            "funding_source",
            "terms__source_row__price_list",
        ),
        pk=pk,
    )


@role_required(Role.COORDINATOR)
def booking_detail(request: HttpRequest, pk: int) -> HttpResponse:
    booking = _booking(pk)
    gigs = Gig.objects.select_related("expert__user").order_by("expert__user__full_name")
    occurrences = booking.occurrences.prefetch_related(Prefetch("gigs", queryset=gigs))
    assignments = booking.assignments.select_related(
        "expert__user", "offered_by", "replacement_for__expert__user", "partner_of__expert__user"
    ).prefetch_related("replacements", "partners")
    # Filled seats: an experienced partner of a pair fills none (issue 17).
    accepted = sum(
        1 for a in assignments if a.status == Assignment.Status.ACCEPTED and a.partner_of_id is None
    )
    for assignment in assignments:
        assignment.can_replace = services.assignment_can_replace(
            assignment, booking=booking, accepted=accepted
        )
    times = [(o.start, o.end) for o in occurrences]
    return render(
        request,
        "bookings/coordinator_detail.html",
        {
            "booking": booking,
            "occurrences": occurrences,
            "assignments": assignments,
            "accepted_count": accepted,
            "can_confirm": services.booking_can_confirm(booking, accepted=accepted),
            "can_deliver": services.booking_can_deliver(booking),
            "can_change": services.booking_can_change(booking),
            "can_edit": services.booking_can_edit(booking),
            "can_reprice": services.booking_can_reprice(booking),
            "history": selectors.booking_history(booking),
            "row": booking.terms,
            "estimate": money.price_estimate(
                booking.terms, times=times, experts=booking.experts_wanted
            ),
            "cancellation": money.cancellation_terms(booking)
            if services.booking_can_cancel(booking)
            else None,
            "funding_form": FundingForm(initial={"funding_source": booking.funding_source_id}),
            "areas": booking.areas.all(),
            "panel": Panel.objects.filter(booking=booking).first(),
            "Status": Booking.Status,
            "OfferStatus": Assignment.Status,
        },
    )


@role_required(Role.COORDINATOR)
def booking_reject(request: HttpRequest, pk: int) -> HttpResponse:
    booking = _booking(pk)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.booking_reject(
                booking=booking, by=request.user, reason=form.cleaned_data["reason"]
            )
        except services.BookingError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The request is rejected and the unit was told why."))
            return redirect("bookings_coordinator:detail", booking.pk)
    return render(
        request,
        "bookings/coordinator_action.html",
        {
            "booking": booking,
            "form": form,
            "title": _("Reject the request"),
            "button": _("Reject and tell the unit"),
            "danger": True,
        },
    )


@require_POST
@role_required(Role.COORDINATOR)
def booking_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    booking = _booking(pk)
    try:
        services.booking_confirm(booking=booking, by=request.user)
    except services.BookingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("The booking is confirmed; the experts and the unit were told.")
        )
    return redirect("bookings_coordinator:detail", booking.pk)


@require_POST
@role_required(Role.COORDINATOR)
def booking_deliver(request: HttpRequest, pk: int) -> HttpResponse:
    booking = _booking(pk)
    try:
        services.booking_deliver(booking=booking, by=request.user)
    except services.BookingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The booking is marked delivered."))
    return redirect("bookings_coordinator:detail", booking.pk)


@require_POST
@role_required(Role.COORDINATOR)
def booking_funding(request: HttpRequest, pk: int) -> HttpResponse:
    booking = _booking(pk)
    form = FundingForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a funding source from the list."))
        return redirect("bookings_coordinator:detail", booking.pk)
    try:
        services.booking_fund(
            booking=booking, funding_source=form.cleaned_data["funding_source"], by=request.user
        )
    except services.BookingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Billing changed."))
    return redirect("bookings_coordinator:detail", booking.pk)


@role_required(Role.COORDINATOR)
def booking_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    booking = _booking(pk)
    if services.booking_is_panel(booking):
        messages.error(request, services.booking_panel_refusal())
        return redirect("bookings_coordinator:detail", booking.pk)
    form = CoordinatorCancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.booking_cancel(
                booking=booking,
                by=request.user,
                reason=form.cleaned_data["reason"],
                charge_client=form.cleaned_data["charge_client"],
            )
        except services.BookingError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The booking is cancelled; everyone on it was told."))
            return redirect("bookings_coordinator:detail", booking.pk)
    return render(
        request,
        "bookings/coordinator_action.html",
        {
            "booking": booking,
            "form": form,
            "title": _("Cancel the booking"),
            "button": _("Cancel the booking"),
            "danger": True,
            "cancellation": money.cancellation_terms(booking)
            if services.booking_can_cancel(booking)
            else None,
        },
    )


@role_required(Role.COORDINATOR)
def booking_change(request: HttpRequest, pk: int) -> HttpResponse:
    """Change the unit, kind of work, audience or number of experts, with the service's checks."""
    booking = _booking(pk)
    if services.booking_is_panel(booking):
        messages.error(request, services.booking_panel_change_refusal())
        return redirect("bookings_coordinator:detail", booking.pk)
    form = BookingChangeForm.for_booking(booking, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.booking_change(
                booking=booking,
                by=request.user,
                reason=data["reason"],
                unit=data["unit"],
                work_kind=data["work_kind"],
                audience=data["audience"],
                experts_wanted=data["experts_wanted"],
            )
        except services.BookingError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The booking is changed; its history says how."))
            return redirect("bookings_coordinator:detail", booking.pk)
    return render(
        request,
        "bookings/coordinator_action.html",
        {
            "booking": booking,
            "form": form,
            "title": _("Change the booking"),
            "button": _("Save the changes"),
        },
    )


@role_required(Role.COORDINATOR)
def booking_reprice(request: HttpRequest, pk: int) -> HttpResponse:
    """Give one booking new terms, deliberately; the history keeps the old and the new."""
    booking = _booking(pk)
    form = RepriceForm(request.POST or None, instance=booking.terms)
    if request.method == "POST" and form.is_valid():
        try:
            services.booking_reprice(
                booking=booking,
                by=request.user,
                reason=form.cleaned_data["reason"],
                values=form.values(),
            )
        except services.BookingError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The booking has new terms."))
            return redirect("bookings_coordinator:detail", booking.pk)
    return render(
        request,
        "bookings/coordinator_action.html",
        {
            "booking": booking,
            "form": form,
            "title": _("Change the booking's terms"),
            "subtitle": _(
                "Gigs already approved keep their amounts; planned gigs are counted again."
            ),
            "button": _("Change the terms"),
        },
    )


@role_required(Role.COORDINATOR)
def occurrence_reschedule(request: HttpRequest, pk: int) -> HttpResponse:
    occurrence = get_object_or_404(Occurrence.objects.select_related("booking"), pk=pk)
    booking = occurrence.booking
    start = timezone.localtime(occurrence.start)
    form = RescheduleForm(
        request.POST or None,
        initial={
            "day": start.date(),
            "start_time": start.time(),
            "end_time": timezone.localtime(occurrence.end).time(),
            "place": occurrence.place,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.occurrence_reschedule(
                occurrence=occurrence,
                start=data["start"],
                end=data["end"],
                place=data["place"],
                note=data["note"],
                by=request.user,
            )
        except services.BookingError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, _("The time is moved; the experts were asked to confirm the new time.")
            )
            return redirect("bookings_coordinator:detail", booking.pk)
    return render(
        request,
        "bookings/coordinator_action.html",
        {
            "booking": booking,
            "form": form,
            "title": _("Move a time"),
            "subtitle": time_range(occurrence.start, occurrence.end),
            "button": _("Move the time"),
        },
    )


@require_POST
@role_required(Role.COORDINATOR)
def booking_cover_mode(request: HttpRequest, pk: int) -> HttpResponse:
    """Cover without blame: find a replacement automatically, or ask the coordinator first."""
    booking = get_object_or_404(Booking, pk=pk)
    choice = request.POST.get("automatic")
    if choice not in ("0", "1"):
        messages.error(request, _("Choose how cover is found."))
    else:
        services.booking_cover_mode(booking=booking, automatic=choice == "1", by=request.user)
        messages.success(
            request,
            _("Cover is now found automatically.")
            if choice == "1"
            else _("You will be asked before anyone is offered the seat."),
        )
    return redirect("bookings_coordinator:detail", booking.pk)


@role_required(Role.COORDINATOR)
def assignment_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """Take an expert off a booking (they called in sick, say); a replacement is found next."""
    assignment = get_object_or_404(
        Assignment.objects.select_related("booking", "expert__user"), pk=pk
    )
    booking = assignment.booking
    if services.booking_is_panel(booking):
        messages.error(request, services.panel_withdraw_refusal(own=False))
        return redirect("bookings_coordinator:detail", booking.pk)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.assignment_withdraw(
                assignment=assignment, by=request.user, reason=form.cleaned_data["reason"]
            )
        except services.BookingError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("%(name)s is off the booking. Offer the seat to a replacement.")
                % {"name": assignment.expert.name},
            )
            return redirect("bookings_coordinator:detail", booking.pk)
    return render(
        request,
        "bookings/coordinator_action.html",
        {
            "booking": booking,
            "form": form,
            "title": _("Take %(name)s off the booking") % {"name": assignment.expert.name},
            "button": _("Take off the booking"),
            "danger": True,
        },
    )


@role_required(Role.COORDINATOR)
def unit_list(request: HttpRequest) -> HttpResponse:
    """Organisations and their units, each with its members and a link to invite one more."""
    units = (
        Unit.objects.select_related("organisation")
        .annotate(member_count=Count("memberships", distinct=True))
        .annotate(
            open_count=Count("bookings", filter=Q(bookings__status__in=Booking.OPEN), distinct=True)
        )
        .order_by("organisation__name", "name")
    )
    page = page_of(request, units)
    return render(request, "bookings/coordinator_units.html", {"page": page})


@role_required(Role.COORDINATOR)
def member_invite(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_object_or_404(Unit.objects.select_related("organisation"), pk=pk)
    form = MemberInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.member_invite(
                unit=unit,
                email=data["email"],
                full_name=data["full_name"],
                language=data["language"],
                role=data["role"],
                by=request.user,
            )
        except services.BookingError as exc:
            form.add_error("email", str(exc))
        else:
            messages.success(
                request,
                _("%(email)s is now a member of %(unit)s.")
                % {"email": data["email"], "unit": unit.name},
            )
            return redirect("bookings_coordinator:units")
    members = unit.memberships.select_related("user").order_by("user__full_name")
    return render(
        request,
        "bookings/coordinator_invite.html",
        {"unit": unit, "form": form, "members": members},
    )
