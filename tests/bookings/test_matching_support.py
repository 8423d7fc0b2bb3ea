"""Matching reads the experts' access and support profiles: no evening gig to someone who said
none, no time longer than their maximum, and the needs among the candidate's reasons."""

from __future__ import annotations

import pytest

from bookings import services
from bookings.matching import ExclusionReason, rank_candidates, refusals
from bookings.models import Assignment
from bookings.services import BookingError
from experts.services import support_profile_set
from tests.bookings.factories import at, offer, request_booking
from tests.bookings.test_matching import areas, candidate, exclusion, fitting_expert, ranked

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
Why = ExclusionReason


def test_no_evening_gigs_for_an_expert_who_said_none(booker):
    evening = request_booking(
        by=booker, times=[(at(20, 17), at(20, 19))], areas=areas("substance-use")
    )
    day = request_booking(by=booker, times=[(at(21, 10), at(21, 12))], areas=areas("substance-use"))
    tired = fitting_expert()
    support_profile_set(expert=tired, by=None, no_evenings=True)
    anytime = fitting_expert()
    result = rank_candidates(evening)
    found = exclusion(result, tired)
    assert found.code == Why.EVENING
    assert "no evenings, but this ends after 18.00" in found.text
    assert anytime in ranked(result)
    assert tired in ranked(rank_candidates(day))
    # Offering asks the same rule.
    assert refusals(evening, experts=[tired])[tired.pk][0].code == Why.EVENING


def test_a_gig_ending_exactly_at_six_is_not_an_evening(booker):
    booking = request_booking(
        by=booker, times=[(at(20, 16), at(20, 18))], areas=areas("substance-use")
    )
    expert = fitting_expert()
    support_profile_set(expert=expert, by=None, no_evenings=True)
    assert expert in ranked(rank_candidates(booking))


def test_no_gig_longer_than_the_maximum(booker):
    booking = request_booking(
        by=booker, times=[(at(20, 9), at(20, 12))], areas=areas("substance-use")
    )
    short = fitting_expert()
    support_profile_set(expert=short, by=None, max_minutes=90)
    enough = fitting_expert()
    support_profile_set(expert=enough, by=None, max_minutes=180)
    result = rank_candidates(booking)
    found = exclusion(result, short)
    assert found.code == Why.TOO_LONG
    assert "at most 90 minutes" in found.text
    assert enough in ranked(result)


def test_the_candidate_reasons_name_every_need_for_the_coordinator(booker):
    booking = request_booking(
        by=booker, times=[(at(20, 10), at(20, 12))], areas=areas("substance-use")
    )
    expert = fitting_expert()
    support_profile_set(
        expert=expert, by=None, companion=True, interpreter="sign", shared_with_unit=[]
    )
    reasons = [str(reason) for reason in candidate(rank_candidates(booking), expert).reasons]
    support = [reason for reason in reasons if reason.startswith("support:")]
    assert support == [
        "support: comes with a companion or support person; a sign-language interpreter"
    ]
    # A fact, not points: the needs do not move the expert down the ranking.
    plain = fitting_expert()
    result = rank_candidates(booking)
    assert candidate(result, expert).score == candidate(result, plain).score


def test_an_offer_is_refused_on_accept_after_the_expert_said_no_evenings(booker, coordinator):
    booking = request_booking(
        by=booker, times=[(at(20, 17), at(20, 19))], areas=areas("substance-use")
    )
    expert = fitting_expert()
    (assignment,) = offer(booking, [expert], by=coordinator)
    support_profile_set(expert=expert, by=None, no_evenings=True)
    with pytest.raises(BookingError) as refused:
        services.assignment_accept(assignment=assignment, by=expert.user)
    assert "no evenings, but this ends after 18.00" in str(refused.value)
    assert "Access and support page" in str(refused.value)
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.OFFERED
