"""Pairs in the demo (issue 17): two experts certified a month ago, each with one gig done in a
pair (its shared debrief recorded) and one coming, beside an experienced partner; the basic
programme's setting; the expert list's filter finds them."""

from django.urls import reverse

from bookings.models import Assignment, Gig
from bookings.selectors.pairs import pair_progress
from expertbank.demo import DEMO_DOMAIN
from expertbank.models import User
from experts.models import Expert
from training.models import Programme


def test_two_new_experts_are_in_pairs_with_one_gig_done_and_one_coming():
    new = list(Expert.objects.filter(paired_gigs_required__gt=0).order_by("pk"))
    assert [e.name for e in new] == ["Elina Virtanen", "Petri Koskela"]
    progress = pair_progress(new)
    for expert in new:
        assert (progress[expert.pk].done, progress[expert.pk].coming) == (1, 1)
        partners = Assignment.objects.filter(partner_of__expert=expert)
        assert partners.count() == 2
        partner = partners.first().expert
        assert partner.pk not in progress
        done = partners.get(booking__status="delivered")
        assert done.partner_of.pair_debrief
        (gig,) = done.gigs.all()
        assert gig.status in (Gig.Status.APPROVED, Gig.Status.PAID)
        assert gig.billable_amount == 0 and gig.fee_amount > 0  # the bank pays the mentor
        (own,) = done.partner_of.gigs.all()
        assert own.billable_amount > 0
    assert Programme.objects.get(code="basic").paired_gigs == 3


def test_the_coordinator_finds_them_with_the_filter(client):
    client.force_login(User.objects.get(email=f"koordinaattori@{DEMO_DOMAIN}"))
    page = client.get(reverse("experts_coordinator:list"), {"pairs": "yes"})
    names = [e.name for e in page.context["page"].object_list]
    assert sorted(names) == ["Elina Virtanen", "Petri Koskela"]
    assert ": 1/3</span>" in page.content.decode()  # the badge, in the reader's language
