"""The coordinator's ranked list of experts for a booking: why each is where they are, who is
excluded and why, and offers (or a replacement) sent to the ticked ones in one step."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import ngettext

from bookings import services
from bookings.forms import OfferForm, PairOfferForm, ReplaceForm
from bookings.matching import rank_candidates
from bookings.matching.pairs import propose_partners
from bookings.models import Assignment, Booking
from bookings.services import pairs as pair_services
from expertbank.fields import parse_id
from expertbank.roles import Role, role_required
from experts.models import Expert

RANKED_SHOWN = 100  # the rest behind "show all"
EXCLUDED_SHOWN = 200
# More excluded experts than this are read only when their fold is opened (``booking_excluded``):
# at national scale 200 rows of them were a fifth of the page's time, mostly never looked at.
EXCLUDED_INLINE = 20

OFFERS_OPEN = (Booking.Status.REQUESTED, Booking.Status.STAFFING)
REPLACEMENT_OPEN = (Booking.Status.STAFFING, Booking.Status.CONFIRMED)


def _booking(pk: int) -> Booking:
    return get_object_or_404(
        Booking.objects.select_related("unit__organisation", "work_kind", "language", "terms"),
        pk=pk,
    )


def _replacing(request: HttpRequest, booking: Booking) -> Assignment | None:
    replace_id = request.GET.get("replace") or request.POST.get("replace")
    if not replace_id:
        return None
    return get_object_or_404(
        Assignment.objects.select_related("expert__user"),
        pk=parse_id(replace_id) or 0,
        booking=booking,
        status=Assignment.Status.WITHDRAWN,
    )


def _send(booking: Booking, replacing: Assignment | None, data: dict, by) -> list[Assignment]:
    if "pair" in data:
        expert, partner = data["pair"]
        return pair_services.booking_offer_pair(
            booking=booking,
            expert=expert,
            partner=partner,
            answer_by=data["answer_by"],
            by=by,
            note=data["note"],
        )
    if replacing is None:
        return services.booking_offer(
            booking=booking,
            experts=list(data["experts"]),
            answer_by=data["answer_by"],
            by=by,
            note=data["note"],
        )
    return [
        services.assignment_replace(
            assignment=replacing,
            expert=data["expert"],
            answer_by=data["answer_by"],
            by=by,
            note=data["note"],
        )
    ]


@role_required(Role.COORDINATOR)
def booking_ranked(request: HttpRequest, pk: int) -> HttpResponse:
    """The candidates best first with their reasons, the excluded experts with theirs, and the
    form that offers the booking to the ticked candidates.

    With ``?replace=<assignment>`` it offers the seat of an expert who withdrew to one of them.
    """
    booking = _booking(pk)
    replacing = _replacing(request, booking)
    # The page lists the candidates; the offers go to the experts the form reads.
    result = rank_candidates(booking, rows_only=True)
    candidates = Expert.objects.filter(pk__in=[c.expert.pk for c in result.ranked])
    # Pairs (issue 17): a partner proposed for each new expert among the top shown only.
    pairs = propose_partners(result.ranked, top=RANKED_SHOWN) if replacing is None else {}
    pairing = replacing is None and request.method == "POST" and "pair" in request.POST
    form_class = PairOfferForm if pairing else OfferForm if replacing is None else ReplaceForm
    form = form_class(request.POST or None, booking=booking, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        try:
            offers = _send(booking, replacing, form.cleaned_data, request.user)
        except services.BookingError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                ngettext("%(count)s offer sent.", "%(count)s offers sent.", len(offers))
                % {"count": len(offers)},
            )
            return redirect("bookings_coordinator:detail", booking.pk)
    name = "experts" if replacing is None else "expert"
    show_all = request.GET.get("show") == "all"
    open_statuses = OFFERS_OPEN if replacing is None else REPLACEMENT_OPEN
    return render(
        request,
        "bookings/matching/ranked.html",
        {
            "booking": booking,
            "result": result,
            "ranked": result.ranked if show_all else result.ranked[:RANKED_SHOWN],
            "hidden_count": 0 if show_all else max(0, len(result.ranked) - RANKED_SHOWN),
            "excluded_inline": len(result.excluded) <= EXCLUDED_INLINE,
            "excluded": result.excluded[:EXCLUDED_INLINE],
            "form": form,
            "field_name": name,
            "selected": set(request.POST.getlist(name)),
            "choice_errors": form.errors.get(name, []),
            "replacing": replacing,
            "pairs": pairs,
            "can_send": booking.status in open_statuses and bool(result.ranked),
        },
    )


@role_required(Role.COORDINATOR)
def booking_excluded(request: HttpRequest, pk: int) -> HttpResponse:
    """The experts who cannot be offered the booking, each with every reason: the rows of the
    candidates page's fold when htmx asks as it is opened, else a page of its own (the fold's
    link, without JavaScript)."""
    booking = _booking(pk)
    result = rank_candidates(booking, rows_only=True)
    fragment = request.headers.get("HX-Request") == "true"
    response = render(
        request,
        "bookings/matching/excluded_rows.html" if fragment else "bookings/matching/excluded.html",
        {
            "booking": booking,
            "result": result,
            "excluded": result.excluded[:EXCLUDED_SHOWN],
            "excluded_hidden": max(0, len(result.excluded) - EXCLUDED_SHOWN),
        },
    )
    patch_vary_headers(response, ["HX-Request"])  # a fragment and a page at the same address
    return response
