"""Ranking the experts for a booking: each reason for a place, each reason for an exclusion, ties,
fair rotation, the earnings cap, and a constant number of queries whatever the pool's size."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.formats import date_format

from bookings import services
from bookings.matching import ExclusionReason, rank_candidates
from bookings.models import Assignment, Booking, Feedback, Gig, Occurrence
from bookings.selectors.schedule import slot_needs
from expertbank.formatting import euros, time_range
from experts.models import (
    AreaDisclosure,
    AvailabilitySlot,
    Blackout,
    BookerKind,
    ExperienceArea,
    Expert,
    ExpertDocument,
)
from tests.bookings.factories import at, bookable_expert, offer, request_booking, work_kind
from tests.factories import OrganisationFactory, UnitFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
Why = ExclusionReason


# --- Builders (shared with test_earnings, test_portal_panels and test_matching_page) ------------


def areas(*slugs: str) -> list[ExperienceArea]:
    return list(ExperienceArea.objects.filter(slug__in=slugs))


def fitting_expert(
    *, areas: tuple[str, ...] = ("substance-use",), show_to=(BookerKind.CITY,), **kwargs
) -> Expert:
    """A bookable expert with ``areas``, each shown to the kinds of booker in ``show_to``."""
    expert = bookable_expert(areas=list(areas), disclose=False, **kwargs)
    AreaDisclosure.objects.bulk_create(
        AreaDisclosure(expert=expert, area=area, booker_kind=kind)
        for area in expert.areas.all()
        for kind in show_to
    )
    return expert


def gig_at(
    expert: Expert,
    start: datetime,
    end: datetime | None = None,
    *,
    status: str = Gig.Status.PLANNED,
    fee: str = "100.00",
    paid_on: date | None = None,
    late_cancelled: bool = False,
    areas: tuple[str, ...] = (),
    booking: Booking | None = None,
) -> Gig:
    """A gig of ``expert`` in any state, at any time (also in the past), on its own booking."""
    end = end or start + timedelta(hours=2)
    if booking is None:
        booking = Booking.objects.create(
            title="Keikka",
            unit=UnitFactory(),
            work_kind=work_kind(),
            place="Kielotie 13, Vantaa",
            status=Booking.Status.CONFIRMED,
            first_start=start,
            last_end=end,
        )
        booking.areas.set(ExperienceArea.objects.filter(slug__in=areas))
    occurrence = Occurrence.objects.create(booking=booking, start=start, end=end)
    assignment = Assignment.objects.create(
        booking=booking, expert=expert, status=Assignment.Status.ACCEPTED, answer_by=start
    )
    if status == Gig.Status.PAID and paid_on is None:
        paid_on = timezone.localdate(end)  # a paid gig always has its payment date
    return Gig.objects.create(
        booking=booking,
        assignment=assignment,
        occurrence=occurrence,
        expert=expert,
        start=start,
        end=end,
        busy_until=end + timedelta(minutes=30),
        status=status,
        fee_amount=Decimal(fee),
        paid_on=paid_on,
        late_cancelled=late_cancelled,
    )


def days_ago(days: int, hour: int = 10) -> datetime:
    day = timezone.localdate() - timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, time(hour)))


# --- Fixtures and helpers -----------------------------------------------------------------------


@pytest.fixture
def booking(booker):
    """A talk for a city unit in 20 days, 10–12, wanting substance use in Finnish."""
    return request_booking(
        by=booker, times=[(at(20, 10), at(20, 12))], areas=areas("substance-use")
    )


def ranked(result) -> list[Expert]:
    return [candidate.expert for candidate in result.ranked]


def candidate(result, expert):
    return next(c for c in result.ranked if c.expert == expert)


def exclusion(result, expert):
    return next(e for e in result.excluded if e.expert == expert)


def texts(reasons) -> list[str]:
    return [str(reason) for reason in reasons]


def count_queries(function, *args):
    """How many queries ``function(*args)`` runs, and its result."""
    reset_queries()  # the log holds at most 9000 queries: start from empty
    with CaptureQueriesContext(connection) as captured:
        result = function(*args)
    return len(captured), result


# --- Ranking ------------------------------------------------------------------------------------


def test_a_fitting_free_expert_is_ranked_with_the_reasons_for_the_place(booking):
    expert = fitting_expert(municipality="Vantaa")
    expert.work_kinds.set([work_kind("talk")])
    result = rank_candidates(booking)
    assert ranked(result) == [expert]
    reasons = texts(candidate(result, expert).reasons)
    assert reasons == [
        "+30 experience area: Substance use",
        "+15 kind of work: Talk",
        "+10 language: Finnish",
        "+10 same municipality",
        "+30 rotation: no gigs in 90 days",
    ]
    assert candidate(result, expert).score == 95
    assert candidate(result, expert).rank == 1


def test_more_wanted_areas_rank_higher(booker):
    booking = request_booking(by=booker, areas=areas("substance-use", "mental-health"))
    one = fitting_expert(areas=("substance-use",))
    both = fitting_expert(areas=("substance-use", "mental-health"))
    result = rank_candidates(booking)
    assert ranked(result) == [both, one]
    assert candidate(result, both).score - candidate(result, one).score == 30


def test_an_area_not_shown_to_this_booker_scores_nothing(booker):
    booking = request_booking(by=booker, areas=areas("substance-use", "mental-health"))
    expert = fitting_expert(areas=("substance-use", "mental-health"))
    expert.disclosures.filter(area__slug="mental-health").delete()
    reasons = texts(candidate(rank_candidates(booking), expert).reasons)
    assert "+30 experience area: Substance use" in reasons
    assert not any("Mental health" in reason for reason in reasons)


def test_the_kind_of_work_counts_for_and_against(booking):
    does = fitting_expert()
    does.work_kinds.set([work_kind("talk")])
    other = fitting_expert()
    other.work_kinds.set([work_kind("media")])
    unknown = fitting_expert()
    result = rank_candidates(booking)
    assert ranked(result) == [does, unknown, other]
    assert "−10 not among their kinds of work: Talk" in texts(candidate(result, other).reasons)


def test_the_same_municipality_wins_and_a_travel_radius_helps(booking):
    local = fitting_expert(municipality="Vantaa")
    far = fitting_expert(municipality="Turku", travel_radius_km=100)
    stays = fitting_expert(municipality="Turku", travel_radius_km=10)
    result = rank_candidates(booking)
    assert ranked(result) == [local, far, stays]
    assert "+5 travels up to 100 km" in texts(candidate(result, far).reasons)


def test_a_remote_booking_prefers_experts_who_work_remotely(booker):
    booking = request_booking(by=booker, place="", remote_link="https://meet.example/abc")
    remote = fitting_expert(remote_ok=True, municipality="Vantaa")
    not_remote = fitting_expert(remote_ok=False, municipality="Vantaa")
    result = rank_candidates(booking)
    assert ranked(result) == [remote, not_remote]
    assert "+5 works remotely" in texts(candidate(result, remote).reasons)
    assert "−10 prefers not to work remotely" in texts(candidate(result, not_remote).reasons)
    assert "+10 same municipality" not in texts(candidate(result, remote).reasons)


def test_rotation_puts_experts_with_fewer_recent_gigs_first(booking):
    busy_lately, rested = fitting_expert(), fitting_expert()
    gig_at(busy_lately, days_ago(10), status=Gig.Status.APPROVED)
    gig_at(busy_lately, days_ago(40), status=Gig.Status.PAID, paid_on=date(2020, 1, 1))
    gig_at(rested, days_ago(100), status=Gig.Status.PAID)  # older than 90 days
    gig_at(rested, days_ago(5), status=Gig.Status.CANCELLED)  # never took place
    result = rank_candidates(booking)
    assert ranked(result) == [rested, busy_lately]
    first, second = result.ranked
    assert (first.gigs_90, second.gigs_90, second.hours_90) == (0, 2, Decimal("4.00"))
    assert "+18 rotation: 2 gigs / 4 h in 90 days" in texts(second.reasons)
    assert first.score - second.score == 12  # four points a gig, one an hour


def test_rotation_weighs_hours_as_well_as_gigs(booking):
    long_day, short_talk = fitting_expert(), fitting_expert()
    gig_at(long_day, days_ago(3, 8), days_ago(3, 16), status=Gig.Status.REPORTED)
    gig_at(short_talk, days_ago(3, 8), days_ago(3, 9), status=Gig.Status.REPORTED)
    assert ranked(rank_candidates(booking)) == [short_talk, long_day]


def test_ties_go_to_fewer_recent_hours_then_the_name_then_the_id(booking):
    # 1 h 30 min and 1 h both cost five rotation points: the same score, fewer hours first.
    longer = fitting_expert(user=UserFactory(full_name="Aino Aalto", language="en"))
    shorter = fitting_expert(user=UserFactory(full_name="Veera Virta", language="en"))
    gig_at(longer, days_ago(3, 8), days_ago(3, 8) + timedelta(minutes=90))
    gig_at(shorter, days_ago(3, 8), days_ago(3, 9))
    bertta = fitting_expert(user=UserFactory(full_name="Bertta Berg", language="en"))
    twin_a = fitting_expert(user=UserFactory(full_name="Cecilia Carlsson", language="en"))
    twin_b = fitting_expert(user=UserFactory(full_name="Cecilia Carlsson", language="en"))
    result = rank_candidates(booking)
    assert candidate(result, longer).score == candidate(result, shorter).score
    assert ranked(result) == [bertta, twin_a, twin_b, shorter, longer]
    assert twin_a.pk < twin_b.pk


def test_cap_headroom_is_shown_and_a_near_cap_expert_ranks_lower(terms, booking):
    free = fitting_expert()
    near = fitting_expert(earnings_cap_monthly=Decimal("300.00"))  # the fee is 200 €
    roomy = fitting_expert(earnings_cap_yearly=Decimal("20000.00"))
    result = rank_candidates(booking)
    assert candidate(result, free).headroom is None
    assert candidate(result, near).headroom == Decimal("100.00")
    assert candidate(result, roomy).headroom == Decimal("19800.00")
    assert ranked(result).index(near) == 2
    expected = f"−7 cap headroom {euros(Decimal('100.00'))} (monthly cap)"
    assert expected in texts(candidate(result, near).reasons)


def test_released_feedback_counts_and_unreleased_does_not(booking):
    praised, unknown, hidden = fitting_expert(), fitting_expert(), fitting_expert()
    old = gig_at(praised, days_ago(120), status=Gig.Status.PAID)
    Feedback.objects.create(booking=old.booking, rating=5, released_at=timezone.now())
    secret = gig_at(hidden, days_ago(120), status=Gig.Status.PAID)
    Feedback.objects.create(booking=secret.booking, rating=1)
    result = rank_candidates(booking)
    assert ranked(result)[0] == praised
    assert candidate(result, praised).feedback == Decimal("5.0")
    assert "+10 feedback 5/5 (1 booking)" in texts(candidate(result, praised).reasons)
    assert candidate(result, hidden).feedback is None
    assert candidate(result, hidden).score == candidate(result, unknown).score


def test_an_earlier_answer_on_this_booking_is_shown(booking, coordinator):
    expert = fitting_expert()
    (assignment,) = offer(booking, [expert], by=coordinator)
    services.assignment_decline(assignment=assignment, by=expert.user)
    reasons = candidate(rank_candidates(booking), expert).reasons
    assert "declined an earlier offer of this booking" in texts(reasons)


# --- Exclusions, one reason at a time ------------------------------------------------------------


def test_an_uncertified_expert_is_excluded(booking):
    expert = fitting_expert()
    Expert.objects.filter(pk=expert.pk).update(certified_on=None)
    assert exclusion(rank_candidates(booking), expert).code == Why.NOT_CERTIFIED


def test_a_paused_expert_is_excluded(booking):
    expert = fitting_expert()
    Expert.objects.filter(pk=expert.pk).update(status=Expert.Status.PAUSED)
    found = exclusion(rank_candidates(booking), expert)
    assert (found.code, found.text) == (Why.NOT_ACTIVE, "not active (paused)")


def test_a_retired_expert_is_not_even_listed(booking):
    expert = fitting_expert()
    Expert.objects.filter(pk=expert.pk).update(status=Expert.Status.RETIRED)
    result = rank_candidates(booking)
    assert expert not in ranked(result) + [e.expert for e in result.excluded]


def test_an_expert_without_current_consent_is_excluded(booking):
    expert = fitting_expert()
    expert.consents.update(withdrawn_at=timezone.now())
    assert exclusion(rank_candidates(booking), expert).code == Why.NO_CONSENT


def test_an_expert_already_on_the_booking_is_excluded(booking, coordinator):
    expert = fitting_expert()
    offer(booking, [expert], by=coordinator)
    found = exclusion(rank_candidates(booking), expert)
    assert (found.code, found.text) == (Why.ON_BOOKING, "already on this booking (offered)")


def test_an_expert_without_the_wanted_language_is_excluded(booking):
    expert = fitting_expert(languages=("sv",))
    found = exclusion(rank_candidates(booking), expert)
    assert (found.code, found.text) == (Why.LANGUAGE, "does not speak Finnish")


def test_an_expert_without_any_wanted_area_is_excluded(booking):
    expert = fitting_expert(areas=("gambling",))
    assert exclusion(rank_candidates(booking), expert).code == Why.AREA


def test_without_wanted_areas_any_expert_fits(booker):
    booking = request_booking(by=booker)
    expert = bookable_expert(areas=[])  # shows nothing to anyone: nothing is revealed
    assert ranked(rank_candidates(booking)) == [expert]


def test_an_area_not_shown_to_this_kind_of_booker_excludes(booking):
    expert = fitting_expert(show_to=(BookerKind.SCHOOL,))
    found = exclusion(rank_candidates(booking), expert)
    assert found.code == Why.NOT_DISCLOSED
    assert "Substance use" in found.text and "city unit" in found.text


def test_disclosure_is_per_kind_of_booker(booker):
    city = booker.memberships.get().unit
    school = UnitFactory(organisation=OrganisationFactory(kind=BookerKind.SCHOOL))
    booker.memberships.create(unit=school)
    expert = fitting_expert(show_to=(BookerKind.SCHOOL,))
    for_school = request_booking(by=booker, unit=school, areas=areas("substance-use"))
    for_city = request_booking(by=booker, unit=city, areas=areas("substance-use"))
    assert ranked(rank_candidates(for_school)) == [expert]
    assert exclusion(rank_candidates(for_city), expert).code == Why.NOT_DISCLOSED


def _minors_booking(booker) -> Booking:
    return request_booking(
        by=booker,
        times=[(at(20, 10), at(20, 12)), (at(27, 10), at(27, 12))],
        areas=areas("substance-use"),
        audience=Booking.Audience.MINORS,
    )


def test_minors_need_a_criminal_record_extract_valid_on_every_date(booker):
    booking = _minors_booking(booker)
    without = fitting_expert()
    valid = fitting_expert()
    ExpertDocument.objects.create(
        expert=valid, kind=ExpertDocument.Kind.CRIMINAL_RECORD, dated=date(2020, 1, 1)
    )
    lapsing = fitting_expert()  # valid on the first date only
    ExpertDocument.objects.create(
        expert=lapsing,
        kind=ExpertDocument.Kind.CRIMINAL_RECORD,
        dated=date(2020, 1, 1),
        valid_until=at(22).date(),
    )
    other_document = fitting_expert()
    ExpertDocument.objects.create(
        expert=other_document, kind=ExpertDocument.Kind.CONFIDENTIALITY, dated=date(2020, 1, 1)
    )
    result = rank_candidates(booking)
    assert ranked(result) == [valid]
    for expert in (without, lapsing, other_document):
        assert exclusion(result, expert).code == Why.CRIMINAL_RECORD
    assert date_format(at(27).date(), "SHORT_DATE_FORMAT") in exclusion(result, lapsing).text


def test_adults_need_no_extract(booking):
    expert = fitting_expert()
    assert ranked(rank_candidates(booking)) == [expert]


def test_an_expert_busy_at_a_time_is_excluded_naming_the_time(booking):
    expert = fitting_expert()
    gig_at(expert, at(20, 11), at(20, 13))
    found = exclusion(rank_candidates(booking), expert)
    assert found.code == Why.BUSY
    assert found.text == f"busy at {time_range(at(20, 10), at(20, 12))} (another gig)"


def test_the_travel_buffer_counts_as_busy(booking):
    close_before = fitting_expert()
    gig_at(close_before, at(20, 8), at(20, 9, 40))  # 20 minutes before: under the 30 minute buffer
    far_before = fitting_expert()
    gig_at(far_before, at(20, 8), at(20, 9, 30))  # exactly 30 minutes
    result = rank_candidates(booking)
    assert exclusion(result, close_before).code == Why.BUSY
    assert far_before in ranked(result)


def test_an_expert_with_days_off_is_excluded(booking):
    expert = fitting_expert()
    day = at(20).date()
    Blackout.objects.create(expert=expert, start=day - timedelta(days=1), end=day)
    assert exclusion(rank_candidates(booking), expert).code == Why.BLACKOUT


def test_days_off_on_other_days_do_not_matter(booking):
    expert = fitting_expert()
    Blackout.objects.create(expert=expert, start=date(2020, 1, 1), end=date(2020, 1, 5))
    day = at(20).date()
    Blackout.objects.create(
        expert=expert, start=day + timedelta(days=1), end=day + timedelta(days=3)
    )
    assert expert in ranked(rank_candidates(booking))


def test_an_expert_without_a_weekly_time_that_covers_the_time_is_excluded(booking):
    none = fitting_expert(slots=False)
    short = fitting_expert(slots=False)
    AvailabilitySlot.objects.create(
        expert=short, weekday=at(20).weekday(), start=time(10), end=time(11)
    )
    covering = fitting_expert(slots=False)
    AvailabilitySlot.objects.create(
        expert=covering, weekday=at(20).weekday(), start=time(9), end=time(12)
    )
    result = rank_candidates(booking)
    assert exclusion(result, none).code == Why.NO_SLOT
    assert exclusion(result, short).code == Why.NO_SLOT
    assert covering in ranked(result)


def test_weekly_times_are_read_to_the_minute():
    """A time ending at 23:59:30 is within a weekly time "until 23:59" (the end of the day
    there); it was refused as not covered, whenever a booking's times carried seconds."""
    start = at(20, 22, 59) + timedelta(seconds=30)
    late = Occurrence(start=start, end=start + timedelta(hours=1))
    assert slot_needs([late]) == {(start.weekday(), time(22, 59), time(23, 59))}
    overnight = Occurrence(start=start, end=start + timedelta(hours=2))
    assert slot_needs([overnight]) == {
        (start.weekday(), time(22, 59), time(23, 59)),
        ((start.weekday() + 1) % 7, time(0, 0), time(0, 59)),
    }
    # A time ending at midnight asks nothing of the next day's weekly times.
    evening = at(20, 22)
    until_midnight = Occurrence(start=evening, end=evening + timedelta(hours=2))
    assert slot_needs([until_midnight]) == {(evening.weekday(), time(22, 0), time(23, 59))}


def test_the_monthly_gig_limit_counts_live_gigs_and_this_booking(booking):
    full = fitting_expert(max_gigs_per_month=1)
    gig_at(full, at(20, 15), at(20, 16))  # the same day, so the same month
    room = fitting_expert(max_gigs_per_month=2)
    gig_at(room, at(20, 15), at(20, 16))
    cancelled = fitting_expert(max_gigs_per_month=1)
    gig_at(cancelled, at(20, 15), at(20, 16), status=Gig.Status.CANCELLED)
    result = rank_candidates(booking)
    found = exclusion(result, full)
    assert found.code == Why.MONTHLY_LIMIT
    assert "at most 1 gigs a month: 1 + 1 of this booking" in found.text
    assert room in ranked(result) and cancelled in ranked(result)


def test_rest_days_after_an_earlier_heavy_gig_exclude(booking):
    tired = fitting_expert(rest_days_after_heavy=2)
    gig_at(tired, at(18, 10), areas=("mental-health",))  # heavy, two days before
    rested = fitting_expert(rest_days_after_heavy=1)
    gig_at(rested, at(18, 10), areas=("mental-health",))
    light = fitting_expert(rest_days_after_heavy=3)
    gig_at(light, at(19, 10), areas=("family",))  # not a heavy theme
    result = rank_candidates(booking)
    assert exclusion(result, tired).code == Why.REST_DAYS
    assert "rest days after a heavy gig on" in exclusion(result, tired).text
    assert rested in ranked(result) and light in ranked(result)


def test_rest_days_after_this_heavy_booking_exclude_a_gig_soon_after(booking):
    # Substance use is a heavy theme: the expert needs the next two days off.
    expert = fitting_expert(rest_days_after_heavy=2)
    gig_at(expert, at(22, 10), areas=("family",))
    found = exclusion(rank_candidates(booking), expert)
    assert found.code == Why.REST_DAYS
    assert "needs rest days after this heavy gig" in found.text


def test_the_light_gig_after_a_light_booking_needs_no_rest(booker):
    booking = request_booking(by=booker, areas=areas("family"))
    expert = fitting_expert(areas=("family",), rest_days_after_heavy=2)
    gig_at(expert, at(21, 10), areas=("family",))
    assert expert in ranked(rank_candidates(booking))


def test_the_earnings_cap_excludes_an_expert_it_would_push_over(terms, booking):
    over = fitting_expert(earnings_cap_monthly=Decimal("250.00"))
    gig_at(over, at(20, 15), status=Gig.Status.PLANNED, fee="100.00")  # 100 + 200 > 250
    yearly = fitting_expert(earnings_cap_yearly=Decimal("150.00"))  # 200 > 150
    exactly = fitting_expert(earnings_cap_monthly=Decimal("300.00"))
    gig_at(exactly, at(20, 15), status=Gig.Status.PLANNED, fee="100.00")  # 300: still allowed
    expenses_only = fitting_expert(earnings_cap_yearly=Decimal("1.00"), expenses_only=True)
    result = rank_candidates(booking)
    found = exclusion(result, over)
    assert found.code == Why.EARNINGS_CAP
    assert "monthly cap 250" in found.text and "200" in found.text and "100" in found.text
    assert exclusion(result, yearly).code == Why.EARNINGS_CAP
    assert candidate(result, exactly).headroom == Decimal("0.00")
    assert candidate(result, expenses_only).fee == Decimal("0.00")


def test_an_excluded_expert_near_a_fit_shows_every_reason(booking):
    expert = fitting_expert(max_gigs_per_month=1)
    gig_at(expert, at(20, 11), at(20, 13))
    day = at(20).date()
    Blackout.objects.create(expert=expert, start=day, end=day)
    assert exclusion(rank_candidates(booking), expert).codes == [
        Why.BUSY,
        Why.BLACKOUT,
        Why.MONTHLY_LIMIT,
    ]


def test_the_excluded_are_counted_by_reason(booking):
    fitting_expert(areas=("gambling",))
    fitting_expert(areas=("gambling",))
    fitting_expert(languages=("sv",))
    counts = rank_candidates(booking).excluded_counts()
    assert [(code, n) for code, _label, n in counts] == [(Why.AREA, 2), (Why.LANGUAGE, 1)]


def test_every_ranked_expert_passes_the_offer_services_filters(booking, coordinator):
    pool = [fitting_expert() for _ in range(3)]
    hidden = fitting_expert(show_to=())
    Blackout.objects.create(expert=pool[0], start=at(20).date(), end=at(20).date())
    result = rank_candidates(booking)
    assert set(ranked(result)) == {pool[1], pool[2]}
    offered = services.booking_offer(
        booking=booking,
        experts=ranked(result),
        answer_by=timezone.now() + timedelta(days=1),
        by=coordinator,
    )
    assert {assignment.expert for assignment in offered} == {pool[1], pool[2]}
    for refused in (pool[0], hidden):
        with pytest.raises(services.BookingError, match="cannot be offered"):
            services.booking_offer(
                booking=booking,
                experts=[refused],
                answer_by=timezone.now() + timedelta(days=1),
                by=coordinator,
            )


def test_times_that_have_begun_are_left_out(booker):
    booking = request_booking(by=booker, times=[(at(20, 10), at(20, 12))])
    Occurrence.objects.create(booking=booking, start=days_ago(2, 10), end=days_ago(2, 12))
    expert = fitting_expert()
    gig_at(expert, days_ago(2, 10))  # busy then, but that time is over
    result = rank_candidates(booking)
    assert expert in ranked(result)
    assert len(result.occurrences) == 1


# --- Speed ---------------------------------------------------------------------------------------


def _varied_pool(count: int, start: int = 0) -> None:
    """Experts of every sort: capped, limited, resting, busy, with documents and feedback."""
    for number in range(start, start + count):
        expert = fitting_expert(
            areas=("substance-use", "youth") if number % 2 else ("substance-use",),
            show_to=(BookerKind.SCHOOL, BookerKind.CITY) if number % 3 else (BookerKind.CITY,),
            earnings_cap_monthly=Decimal("900.00") if number % 4 == 0 else None,
            earnings_cap_yearly=Decimal("9000.00") if number % 5 == 0 else None,
            max_gigs_per_month=3 if number % 6 == 0 else None,
            rest_days_after_heavy=2 if number % 7 == 0 else 0,
            languages=("fi", "sv") if number % 8 else ("sv",),
        )
        ExpertDocument.objects.create(
            expert=expert, kind=ExpertDocument.Kind.CRIMINAL_RECORD, dated=date(2020, 1, 1)
        )
        expert.work_kinds.set([work_kind("talk" if number % 2 else "media")])
        gig = gig_at(
            expert, days_ago(10 + number % 30), status=Gig.Status.PAID, paid_on=date.today()
        )
        if number % 3 == 0:
            Feedback.objects.create(booking=gig.booking, rating=4, released_at=timezone.now())
        gig_at(expert, at(20 + number % 3, 14), areas=("mental-health",))
        if number % 11 == 0:
            gig_at(expert, at(27, 11))
        if number % 9 == 0:
            Blackout.objects.create(expert=expert, start=at(27).date(), end=at(27).date())
        if number % 10 == 0:
            Expert.objects.filter(pk=expert.pk).update(certified_on=None)


def test_ranking_takes_the_same_number_of_queries_for_5_and_40_experts(booker, terms):
    booking = request_booking(
        by=booker,
        times=[(at(20, 10), at(20, 12)), (at(27, 10), at(27, 12))],
        areas=areas("substance-use", "youth"),
        audience=Booking.Audience.MINORS,
    )
    _varied_pool(5)
    small, small_result = count_queries(rank_candidates, Booking.objects.get(pk=booking.pk))
    _varied_pool(35, start=5)
    large, large_result = count_queries(rank_candidates, Booking.objects.get(pk=booking.pk))
    assert large == small
    assert len(large_result.ranked) + len(large_result.excluded) == 40
    assert len(small_result.ranked) + len(small_result.excluded) == 5
    assert len(large_result.ranked) > 0 and {e.code for e in large_result.excluded} >= {
        Why.NOT_CERTIFIED,
        Why.BUSY,
    }


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_reasons_are_given_in_the_active_language(booking, language):
    fitting_expert()
    fitting_expert(languages=("sv",))
    with translation.override(language):
        result = rank_candidates(booking)
    area_name = {"fi": "Päihteet", "sv": "Missbruk", "en": "Substance use"}[language]
    assert any(area_name in str(reason) for reason in result.ranked[0].reasons)
