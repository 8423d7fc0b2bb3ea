"""The bookings panels on the expert's start page (``BookingsConfig.expert_portal_panels``).

The next gig (when, where, who to meet, what to know), offers waiting with their two big
buttons, reports to fill in, and this year's and this month's earnings against the expert's
caps. Plain, short words. An offer shows its title, organisation, times, place, fee and the
brief (purpose, audience, what the expert is asked to share, who meets them, a co-presenting
professional, the length with preparation and the expenses paid), because the expert answers
from this page; the next gig shows no title or experience areas, because the page may be read
over the expert's shoulder. Everything is the logged-in expert's own; a constant number of
queries.
"""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bookings import selectors
from bookings.models import Gig
from bookings.selectors.earnings import expert_cap_status
from bookings.selectors.panels import panel_list, panels_of_expert
from experts.models import Expert
from experts.portal import PortalPanel

REPORTS_SHOWN = 5


def report_url(gig: Gig) -> str:
    """Where the expert fills in the report of ``gig``: the report page, or the gig's page if
    the report pages are not installed."""
    try:
        return reverse("bookings_expert:report", args=[gig.pk])
    except NoReverseMatch:
        return reverse("bookings_expert:gig", args=[gig.pk])


def _next_gig(expert: Expert) -> PortalPanel:
    gig = (
        selectors.expert_upcoming_gigs(expert)
        .select_related("assignment__booking__language")
        .order_by("start", "pk")
        .first()
    )
    action = None
    if gig is not None and not gig.time_confirmed:
        action = (
            pgettext_lazy("plain", "Your gig has a new time. Tell us if you can come."),
            pgettext_lazy("plain", "See the new time"),
            reverse("bookings_expert:gig", args=[gig.pk]),
        )
    return PortalPanel(
        _("Your next gig"), "bookings/portal/next_gig.html", {"gig": gig}, order=10, action=action
    )


def _offers(expert: Expert) -> PortalPanel | None:
    offers = list(selectors.expert_open_offers(expert))
    if not offers:
        return None
    return PortalPanel(
        _("Offers waiting for your answer"),
        "bookings/portal/offers.html",
        {"offers": offers},
        order=20,
        action=(
            pgettext_lazy("plain", "You have a gig offer. Answer yes or no."),
            pgettext_lazy("plain", "See the offer"),
            reverse("bookings_expert:offer", args=[offers[0].pk]),
        ),
    )


def _reports(expert: Expert) -> PortalPanel | None:
    ended = (
        Gig.objects.filter(expert=expert, status=Gig.Status.PLANNED, end__lte=timezone.now())
        .filter(booking__panel__isnull=True)  # the organiser records panel attendance
        .select_related("booking__work_kind", "booking__unit__organisation")
        .order_by("start", "pk")
    )
    gigs = list(ended[: REPORTS_SHOWN + 1])
    if not gigs:
        return None
    for gig in gigs:
        gig.report_url = report_url(gig)
    return PortalPanel(
        _("Reports to fill in"),
        "bookings/portal/reports.html",
        {"gigs": gigs[:REPORTS_SHOWN], "more": len(gigs) > REPORTS_SHOWN},
        order=30,
        action=(
            pgettext_lazy("plain", "Your gig is over. Tell us your hours and travel."),
            pgettext_lazy("plain", "Tell about the gig"),
            gigs[0].report_url,
        ),
    )


def _earnings(expert: Expert) -> PortalPanel:
    return PortalPanel(
        _("Your earnings"), "bookings/portal/earnings.html", expert_cap_status(expert), order=40
    )


def _customer_panels(expert: Expert) -> PortalPanel | None:
    """The customer panels the expert sits on (a panel member's main page), with the next
    meeting of each."""
    panels = list(panel_list(panels_of_expert(expert.user, current=True)))
    if not panels:
        return None
    return PortalPanel(
        _("Your customer panel"),
        "bookings/portal/customer_panels.html",
        {"panels": panels},
        order=15,
    )


def expert_portal_panels(request, expert: Expert) -> list[PortalPanel]:
    panels = [
        _next_gig(expert),
        _customer_panels(expert),
        _offers(expert),
        _reports(expert),
        _earnings(expert),
    ]
    return [panel for panel in panels if panel is not None]
