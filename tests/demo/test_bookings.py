"""The demo data of bookings: every kind in every status, offers for the demo expert."""

from bookings.models import Assignment, Booking, Gig, Organisation
from bookings.selectors import clashing_gigs
from expertbank.demo import DEMO_DOMAIN


def test_the_demo_has_every_kind_in_every_status():
    pairs = set(Booking.objects.values_list("status", "kind"))
    assert pairs == {(s, k) for s in Booking.Status.values for k in Booking.Kind.values}
    kinds = set(Organisation.objects.values_list("kind", flat=True))
    assert {"city", "wellbeing_county", "school", "association"} <= kinds
    anna = f"asiantuntija@{DEMO_DOMAIN}"
    assert Assignment.objects.filter(expert__user__email=anna, status="offered").count() >= 2
    assert Gig.objects.filter(expert__user__email=anna, status="planned").exists()
    for gig in Gig.objects.filter(status__in=Gig.LIVE):
        assert not clashing_gigs(
            expert_id=gig.expert_id, times=[(gig.start, gig.end)], exclude_ids=[gig.pk]
        ).exists()
