"""The hard filters of candidate selection."""

from datetime import date, time

import pytest

from bookings import selectors
from experts.models import AvailabilitySlot, Blackout, ExperienceArea, Language
from tests.bookings.factories import at, bookable_expert, offer, request_booking, staffed

pytestmark = pytest.mark.django_db


@pytest.fixture
def booking(booker):
    booking = request_booking(by=booker, times=[(at(20, 10), at(20, 12))])
    booking.areas.set(ExperienceArea.objects.filter(slug="substance-use"))
    return booking


def test_a_matching_free_expert_is_a_candidate(booking):
    fits = bookable_expert(areas=["substance-use", "youth"])
    assert list(selectors.candidates_for(booking)) == [fits]


@pytest.mark.parametrize(
    "spoil",
    [
        "not_certified",
        "paused",
        "no_consent",
        "wrong_area",
        "wrong_language",
        "blackout",
        "no_slot",
        "slot_too_short",
        "offered_already",
        "busy",
    ],
)
def test_an_expert_who_fails_a_filter_is_no_candidate(booking, coordinator, spoil):
    expert = bookable_expert(areas=["substance-use"])
    if spoil == "not_certified":
        expert.certified_on = None
        expert.save()
    elif spoil == "paused":
        expert.status = expert.Status.PAUSED
        expert.save()
    elif spoil == "no_consent":
        expert.consents.update(withdrawn_at=at(-1))
    elif spoil == "wrong_area":
        expert.areas.set(ExperienceArea.objects.filter(slug="gambling"))
    elif spoil == "wrong_language":
        expert.languages.set(Language.objects.filter(code="sv"))
    elif spoil == "blackout":
        day = at(20).date()
        Blackout.objects.create(expert=expert, start=day, end=day)
    elif spoil == "no_slot":
        expert.slots.all().delete()
    elif spoil == "slot_too_short":
        expert.slots.all().delete()
        AvailabilitySlot.objects.create(
            expert=expert, weekday=at(20).weekday(), start=time(10), end=time(11)
        )
    elif spoil == "offered_already":
        offer(booking, [expert], by=coordinator)
    elif spoil == "busy":
        staffed(request_booking(times=[(at(20, 12, 10), at(20, 13))]), [expert], by=coordinator)
    assert expert not in selectors.candidates_for(booking)


def test_a_blackout_on_another_day_does_not_matter(booking):
    expert = bookable_expert(areas=["substance-use"])
    Blackout.objects.create(expert=expert, start=date(2020, 1, 1), end=date(2020, 1, 5))
    assert expert in selectors.candidates_for(booking)


def test_without_wanted_areas_any_area_will_do(booker):
    booking = request_booking(by=booker)
    expert = bookable_expert(areas=[])
    assert expert in selectors.candidates_for(booking)


def test_candidate_selection_takes_a_constant_number_of_queries(
    booking, django_assert_max_num_queries
):
    for _ in range(5):
        bookable_expert(areas=["substance-use"])
    with django_assert_max_num_queries(5):
        assert len(list(selectors.candidates_for(booking))) == 5
