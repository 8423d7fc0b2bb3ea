"""The demo's bookings being staffed show ranked candidates with reasons, and the demo expert's
start page shows her next gig, offers and earnings."""

from django.urls import reverse

from bookings.matching import ExclusionReason, rank_candidates
from bookings.models import Booking
from expertbank.demo import DEMO_DOMAIN
from expertbank.models import User
from tests.bookings.test_matching_page import url


def test_the_demo_shows_ranked_lists_with_reasons_and_the_experts_start_page(client):
    client.force_login(User.objects.get(email=f"koordinaattori@{DEMO_DOMAIN}"))
    staffing = Booking.objects.filter(status=Booking.Status.STAFFING)
    assert staffing.exists()
    for booking in staffing:
        result = rank_candidates(booking)
        assert result.ranked and result.excluded
        assert all(candidate.reasons for candidate in result.ranked)
        assert client.get(url(booking)).status_code == 200
    reasons = {e.code for b in staffing for e in rank_candidates(b).excluded}
    assert {ExclusionReason.NOT_CERTIFIED, ExclusionReason.ON_BOOKING} <= reasons
    client.force_login(User.objects.get(email=f"asiantuntija@{DEMO_DOMAIN}"))
    response = client.get(reverse("experts:portal_home"))
    shown = {template.name for template in response.templates}
    assert {
        "bookings/portal/next_gig.html",
        "bookings/portal/offers.html",
        "bookings/portal/earnings.html",
    } <= shown
