"""The expert's gig pages (phone first): offers with two big buttons, gigs, the calendar feed.

Offer e-mails carry signed links: the page they open (GET) changes nothing; only its POST acts,
because mail scanners follow links.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bookings import money, selectors, services
from bookings.calendar import calendar_feed as render_feed
from bookings.forms import OptionalReasonForm
from bookings.models import Assignment, CalendarToken, Gig, GigReport
from bookings.selectors.pairs import pair_head, pair_of
from expertbank.paging import PAGE_SIZE, page_of
from expertbank.plain import plain_template
from expertbank.roles import Role, role_required


def webcal(url: str) -> str:
    """The feed's address for a subscribe link: ``webcal://`` opens the calendar app, which
    then fetches the same address over HTTPS (HTTP on a developer's machine)."""
    return "webcal://" + url.split("://", 1)[1]


def _expert(request: HttpRequest):
    return request.user.expert


@role_required(Role.EXPERT)
def gig_home(request: HttpRequest) -> HttpResponse:
    expert = _expert(request)
    token = services.calendar_token_get(expert=expert)
    calendar_url = request.build_absolute_uri(
        reverse("bookings_expert:calendar", args=[token.token])
    )
    return render(
        request,
        plain_template(request.user, "bookings/expert_home.html"),
        {
            "offers": selectors.expert_open_offers(expert),
            "gigs": selectors.expert_upcoming_gigs(expert).order_by("start")[:PAGE_SIZE],
            "calendar_url": calendar_url,
            "calendar_subscribe_url": webcal(calendar_url),
            "decline_form": OptionalReasonForm(),
        },
    )


@role_required(Role.EXPERT)
def past_gigs(request: HttpRequest) -> HttpResponse:
    gigs = selectors.expert_past_gigs(_expert(request))
    page = page_of(request, gigs)
    return render(request, "bookings/expert_past.html", {"page": page})


def _own_assignment(request: HttpRequest, pk: int) -> Assignment:
    return get_object_or_404(
        Assignment.objects.select_related(
            "booking__unit__organisation", "booking__work_kind", "booking__terms"
        ),
        pk=pk,
        expert=_expert(request),
    )


@role_required(Role.EXPERT)
def offer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _own_assignment(request, pk)
    return render(
        request,
        plain_template(request.user, "bookings/expert_offer.html"),
        {
            "assignment": assignment,
            "booking": assignment.booking,
            "occurrences": assignment.booking.occurrences.all(),
            "decline_form": OptionalReasonForm(),
            "pair": pair_of(assignment),
            "gigs": assignment.gigs.filter(status=Gig.Status.PLANNED)
            .select_related("occurrence")
            .order_by("start"),
        },
    )


@require_POST
@role_required(Role.EXPERT)
def offer_accept(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _own_assignment(request, pk)
    try:
        services.assignment_accept(assignment=assignment, by=request.user)
    except services.BookingError as exc:
        messages.error(request, str(exc))
        return redirect("bookings_expert:offer", assignment.pk)
    messages.success(request, _("Thank you! You accepted the gig. It is now in your gigs."))
    return redirect("bookings_expert:home")


@require_POST
@role_required(Role.EXPERT)
def offer_decline(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _own_assignment(request, pk)
    form = OptionalReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.assignment_decline(assignment=assignment, by=request.user, reason=reason)
    except services.BookingError as exc:
        messages.error(request, str(exc))
        return redirect("bookings_expert:offer", assignment.pk)
    messages.success(request, _("You declined the offer. Thank you for answering."))
    return redirect("bookings_expert:home")


def answer(request: HttpRequest, token: str) -> HttpResponse:
    """The page an offer e-mail's link opens. GET shows the offer; only POST answers it."""
    try:
        assignment = services.assignment_from_answer_token(token)
    except services.BookingError as exc:
        return render(request, "bookings/expert_answer_invalid.html", {"error": exc}, status=400)
    chosen = request.GET.get("answer", "")
    if request.method == "POST":
        action = request.POST.get("answer")
        try:
            if action == "accept":
                services.assignment_accept(assignment=assignment, by=assignment.expert.user)
                done = _("Thank you! You accepted the gig.")
            elif action == "decline":
                # The same form as the portal's decline: the reason is validated and cleaned.
                form = OptionalReasonForm(request.POST)
                if not form.is_valid():
                    raise services.BookingError(" ".join(form.errors["reason"]))
                services.assignment_decline(
                    assignment=assignment,
                    by=assignment.expert.user,
                    reason=form.cleaned_data["reason"],
                )
                done = _("You declined the offer. Thank you for answering.")
            else:
                raise services.BookingError(_("Choose whether you accept or decline."))
        except services.BookingError as exc:
            return render(
                request,
                plain_template(assignment.expert.user, "bookings/expert_answer.html"),
                {
                    "assignment": assignment,
                    "booking": assignment.booking,
                    "occurrences": assignment.booking.occurrences.all(),
                    "error": exc,
                    "token": token,
                    "decline_form": OptionalReasonForm(request.POST),
                },
                status=400,
            )
        return render(
            request,
            "bookings/expert_answer_done.html",
            {"assignment": assignment, "booking": assignment.booking, "done": done},
        )
    return render(
        request,
        # The link's page is the offer's expert's, logged in or not: their choice of language.
        plain_template(assignment.expert.user, "bookings/expert_answer.html"),
        {
            "assignment": assignment,
            "booking": assignment.booking,
            "occurrences": assignment.booking.occurrences.all(),
            "chosen": chosen,
            "token": token,
            "decline_form": OptionalReasonForm(),
        },
    )


def _own_gig(request: HttpRequest, pk: int) -> Gig:
    return get_object_or_404(
        Gig.objects.select_related(
            "occurrence",
            "assignment__booking__unit__organisation",
            "assignment__booking__work_kind",
        ),
        pk=pk,
        expert=_expert(request),
    )


@role_required(Role.EXPERT)
def gig_detail(request: HttpRequest, pk: int) -> HttpResponse:
    gig = _own_gig(request, pk)
    booking = gig.assignment.booking
    report = GigReport.objects.filter(gig=gig).prefetch_related("expenses").first()
    return render(
        request,
        plain_template(request.user, "bookings/expert_gig.html"),
        {
            "gig": gig,
            "booking": booking,
            "travel": money.travel_costs(report, trip_date=timezone.localdate(gig.start))
            if report is not None
            else None,
            "assignment": gig.assignment,
            "pair": pair_of(gig.assignment),
            "pair_debrief": pair_head(gig.assignment).pair_debrief,
            "can_withdraw": gig.assignment.status == Assignment.Status.ACCEPTED
            and booking.status in (booking.Status.STAFFING, booking.Status.CONFIRMED)
            and not services.booking_is_panel(booking),
        },
    )


@require_POST
@role_required(Role.EXPERT)
def gig_confirm_time(request: HttpRequest, pk: int) -> HttpResponse:
    gig = _own_gig(request, pk)
    try:
        services.gig_time_confirm(gig=gig, by=request.user)
    except services.BookingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Thank you! The new time is confirmed."))
    return redirect("bookings_expert:gig", gig.pk)


@role_required(Role.EXPERT)
def assignment_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """The expert cannot come after all; the coordinator finds a replacement."""
    assignment = _own_assignment(request, pk)
    if services.booking_is_panel(assignment.booking):
        messages.info(request, services.panel_withdraw_refusal(own=True))
        return redirect("bookings_expert:home")
    # The reason is optional: an empty answer is an answer (two taps, no questions asked).
    form = OptionalReasonForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.assignment_withdraw(
                assignment=assignment, by=request.user, reason=form.cleaned_data["reason"]
            )
        except services.BookingError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, _("You are off the booking. The coordinator was told. Take care!")
            )
            return redirect("bookings_expert:home")
    return render(
        request,
        "bookings/expert_withdraw.html",
        {"assignment": assignment, "booking": assignment.booking, "form": form},
    )


def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The secret calendar address: no login, the token is the key."""
    found = CalendarToken.objects.select_related("expert__user").filter(token=token).first()
    if found is None:
        raise Http404
    response = HttpResponse(render_feed(found.expert), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="gigs.ics"'
    response["Cache-Control"] = "private, no-store"  # places and contacts: never kept
    return response


@require_POST
@role_required(Role.EXPERT)
def calendar_reset(request: HttpRequest) -> HttpResponse:
    services.calendar_token_reset(expert=_expert(request))
    messages.success(
        request,
        _(
            "Your calendar has a new address. The old one no longer works: calendars subscribed "
            "to it get no more updates. Remove the old subscription and subscribe again."
        ),
    )
    return redirect("bookings_expert:home")
