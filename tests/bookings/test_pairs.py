"""Pairs (issue 17): a new expert's first gigs beside an experienced one. Matching proposes the
pair, the coordinator offers it in one step, both answer on their own, the pair fills one seat,
both are paid and the unit is billed for one; after the set number the expert goes solo."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from bookings import selectors, services
from bookings.matching import rank_candidates
from bookings.matching.pairs import propose_partners
from bookings.models import Assignment, Booking, Gig
from bookings.money import report_amounts
from bookings.selectors.pairs import PARTNER_MIN_GIGS, expert_pair_progress, in_pairs
from bookings.selectors.staffing import seats_filled
from bookings.services.pairs import booking_offer_pair
from expertbank.models import Message
from experts.models import Expert
from tests.bookings.factories import at, member, request_booking
from tests.bookings.test_matching import areas, count_queries, days_ago, fitting_expert, gig_at
from tests.factories import TrainerFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

A = Assignment.Status


def done_gigs(expert: Expert, n: int, *, start_days_ago: int = 200) -> None:
    """``n`` approved gigs long ago (outside the 90 days of rotation)."""
    for i in range(n):
        gig_at(expert, days_ago(start_days_ago + i), status=Gig.Status.APPROVED)


def new_expert(*, required: int = 3, done: int = 1, **kwargs) -> Expert:
    expert = fitting_expert(paired_gigs_required=required, **kwargs)
    done_gigs(expert, done)
    return expert


def experienced(**kwargs) -> Expert:
    expert = fitting_expert(**kwargs)
    done_gigs(expert, PARTNER_MIN_GIGS, start_days_ago=300)
    return expert


@pytest.fixture
def booking(booker):
    return request_booking(
        by=booker, times=[(at(20, 10), at(20, 12))], areas=areas("substance-use")
    )


@pytest.fixture
def desk(client, coordinator):
    client.force_login(coordinator)
    return client


def url(booking: Booking) -> str:
    return reverse("bookings_coordinator:candidates", args=[booking.pk])


def deadline() -> dict:
    moment = timezone.localtime(timezone.now() + timedelta(days=2))
    return {"answer_by_date": moment.date().isoformat(), "answer_by_time": "12:00"}


def offer_pair(booking, new, partner, coordinator):
    return booking_offer_pair(
        booking=booking,
        expert=new,
        partner=partner,
        answer_by=timezone.now() + timedelta(days=2),
        by=coordinator,
    )


# --- Matching -----------------------------------------------------------------------------------


def test_a_new_expert_is_proposed_with_an_experienced_partner_sharing_an_area(booking):
    new = new_expert(required=3, done=1)
    partner = experienced()
    fitting_expert()  # fits, but has done no gigs: not experienced
    result = rank_candidates(booking)
    pairs = propose_partners(result.ranked, top=100)
    assert set(pairs) == {new.pk}
    pair = pairs[new.pk]
    assert pair.partner.expert == partner
    assert pair.shared_areas == ["Substance use"]
    assert pair.value == f"{new.pk}-{partner.pk}"
    new_reasons = [str(r) for r in pair.new.reasons]
    assert "new expert, gig 2 of 3 in a pair" in new_reasons
    assert f"experienced partner for {new.name}" in [str(r) for r in pair.partner.reasons]


def test_a_gig_already_coming_counts_in_the_gig_number(booking):
    new = new_expert(required=3, done=1)
    gig_at(new, at(40, 10), status=Gig.Status.PLANNED)
    result = rank_candidates(booking)
    reasons = [str(r) for c in result.ranked if c.expert == new for r in c.reasons]
    assert "new expert, gig 3 of 3 in a pair" in reasons


def test_no_partner_is_proposed_without_a_shared_area_or_enough_gigs(booker):
    booking = request_booking(by=booker, areas=())  # any area fits the booking
    new_expert(areas=("substance-use",))
    experienced(areas=("mental-health",))  # shares no area
    young = fitting_expert(areas=("substance-use",))
    done_gigs(young, PARTNER_MIN_GIGS - 1)  # one gig short of experienced
    assert propose_partners(rank_candidates(booking).ranked, top=100) == {}


def test_among_equal_candidates_the_new_expert_in_pairs_comes_first(booking):
    """Fair rotation counts new experts' first work first: same score, same recent hours, and
    the name would put the other first."""
    other = fitting_expert(user__full_name="Aalto Aino")
    new = new_expert(user__full_name="Öhman Ölli")
    result = rank_candidates(booking)
    by_expert = {c.expert: c for c in result.ranked}
    assert by_expert[new].score == by_expert[other].score
    assert [c.expert for c in result.ranked][:2] == [new, other]


def test_after_the_set_number_of_gigs_the_expert_goes_solo(booking, coordinator):
    new = new_expert(required=3, done=3)
    partner = experienced()
    assert expert_pair_progress(new) is None
    assert not in_pairs(Expert.objects.filter(pk=new.pk)).exists()
    result = rank_candidates(booking)
    solo = next(c for c in result.ranked if c.expert == new)
    assert solo.pair is None
    assert not any(r.code == "pair" for r in solo.reasons)
    assert propose_partners(result.ranked, top=100) == {}
    with pytest.raises(services.BookingError, match="not doing first gigs in a pair"):
        offer_pair(booking, new, partner, coordinator)
    assert not Assignment.objects.filter(booking=booking).exists()


def test_an_expert_without_pairs_is_never_in_pairs(booking):
    expert = fitting_expert()  # paired_gigs_required 0
    assert expert_pair_progress(expert) is None
    assert in_pairs(Expert.objects.all(), value=False).filter(pk=expert.pk).exists()


# --- Offering, answering, seats -------------------------------------------------------------------


def test_the_pair_is_offered_in_one_step_from_the_page_and_both_get_the_offer(desk, booking):
    new = new_expert()
    partner = experienced()
    page = desk.get(url(booking)).content.decode()
    assert "Proposed experienced partner" in page
    assert f'name="pair" value="{new.pk}-{partner.pk}"' in page
    response = desk.post(url(booking), {"pair": f"{new.pk}-{partner.pk}", **deadline()})
    assert response.status_code == 302
    mine = Assignment.objects.get(booking=booking, expert=new)
    theirs = Assignment.objects.get(booking=booking, expert=partner)
    assert (mine.partner_of, theirs.partner_of) == (None, mine)
    assert mine.status == theirs.status == A.OFFERED
    to_new = Message.objects.get(kind="booking_offer", recipient=new.user, channel="email")
    to_partner = Message.objects.get(kind="booking_offer", recipient=partner.user, channel="email")
    assert f"in a pair with {partner.name}" in to_new.body
    assert f"experienced partner of {new.name}" in to_partner.body


def test_each_accepts_and_the_pair_fills_one_seat(booking, coordinator):
    new = new_expert()
    partner = experienced()
    mine, theirs = offer_pair(booking, new, partner, coordinator)
    services.assignment_accept(assignment=mine, by=new.user)
    theirs.refresh_from_db()
    assert theirs.status == A.OFFERED  # the seat filled, the partner's offer stays open
    assert seats_filled(booking) == 1
    assert selectors.ready_to_confirm().filter(pk=booking.pk).exists()
    services.assignment_accept(assignment=theirs, by=partner.user)
    theirs.refresh_from_db()
    assert theirs.status == A.ACCEPTED
    assert Gig.objects.filter(booking=booking, status=Gig.Status.PLANNED).count() == 2
    assert seats_filled(booking) == 1
    counted = selectors.coordinator_booking_list().get(pk=booking.pk)
    assert counted.accepted_count == 1
    services.booking_confirm(booking=booking, by=coordinator)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED


def test_a_partner_can_accept_first_and_the_seat_stays_free(booking, coordinator):
    new = new_expert()
    partner = experienced()
    _mine, theirs = offer_pair(booking, new, partner, coordinator)
    services.assignment_accept(assignment=theirs, by=partner.user)
    assert seats_filled(booking) == 0
    assert not selectors.ready_to_confirm().filter(pk=booking.pk).exists()
    with pytest.raises(services.BookingError, match="Only 0 of the 1 experts"):
        services.booking_confirm(booking=booking, by=coordinator)


def test_when_the_new_expert_declines_the_partner_is_let_go(booking, coordinator):
    new = new_expert()
    partner = experienced()
    mine, theirs = offer_pair(booking, new, partner, coordinator)
    services.assignment_accept(assignment=theirs, by=partner.user)
    services.assignment_decline(assignment=mine, by=new.user)
    theirs.refresh_from_db()
    assert theirs.status == A.WITHDRAWN
    assert not Gig.objects.filter(assignment=theirs, status=Gig.Status.PLANNED).exists()
    told = Message.objects.get(kind="booking_released", recipient=partner.user, channel="email")
    assert new.name in told.body


def test_when_the_new_experts_offer_expires_the_partners_open_offer_closes(booking, coordinator):
    new = new_expert()
    partner = experienced()
    mine, theirs = offer_pair(booking, new, partner, coordinator)
    Assignment.objects.filter(pk=mine.pk).update(answer_by=timezone.now() - timedelta(minutes=1))
    services.offers_expire()
    theirs.refresh_from_db()
    assert theirs.status == A.EXPIRED
    with pytest.raises(services.BookingError):
        services.assignment_accept(assignment=theirs, by=partner.user)


def test_another_expert_filling_the_seat_closes_both_offers_of_the_pair(booking, coordinator):
    new = new_expert()
    partner = experienced()
    solo = fitting_expert()
    mine, theirs = offer_pair(booking, new, partner, coordinator)
    (other,) = services.booking_offer(
        booking=booking,
        experts=[solo],
        answer_by=timezone.now() + timedelta(days=2),
        by=coordinator,
    )
    services.assignment_accept(assignment=other, by=solo.user)
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.status, theirs.status) == (A.EXPIRED, A.EXPIRED)


def test_the_pair_is_refused_with_a_clear_message_and_nothing_changes(booking, coordinator):
    new = new_expert()
    partner = experienced()
    novice = fitting_expert()
    with pytest.raises(services.BookingError, match="a partner needs at least"):
        offer_pair(booking, new, novice, coordinator)
    with pytest.raises(services.BookingError, match="two different experts"):
        offer_pair(booking, new, new, coordinator)
    other = new_expert()
    with pytest.raises(services.BookingError, match="still doing first gigs in a pair"):
        offer_pair(booking, new, other, coordinator)
    stranger = experienced(areas=("mental-health",))
    with pytest.raises(services.BookingError, match="share no experience area"):
        offer_pair(booking, new, stranger, coordinator)
    assert not Assignment.objects.filter(booking=booking).exists()
    assert booking.status == Booking.Status.REQUESTED
    assert partner  # the right partner exists: refusals are about the pair chosen


# --- Money ----------------------------------------------------------------------------------------


def test_both_are_paid_and_the_unit_is_billed_for_one(terms, booking, coordinator):
    new = new_expert()
    partner = experienced()
    mine, theirs = offer_pair(booking, new, partner, coordinator)
    services.assignment_accept(assignment=mine, by=new.user)
    services.assignment_accept(assignment=theirs, by=partner.user)
    booking.refresh_from_db()
    amounts = {}
    for gig in Gig.objects.filter(booking=booking).select_related("assignment", "expert"):
        report = type("Report", (), {"hours": Decimal(2), "preparation_hours": Decimal(0)})
        report.fee_declined = False
        amounts[gig.expert_id] = report_amounts(gig=gig, report=report, terms=booking.terms)
    assert amounts[new.pk].fee == amounts[partner.pk].fee == Decimal("200.00")
    assert amounts[new.pk].billable == Decimal("350.00")
    assert amounts[partner.pk].billable == Decimal("0.00")


# --- Access and bad input -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value", ["", "abc", "1-", "-", "12345678901234-1", "999999-999998", "SAME"]
)
def test_a_bad_pair_value_gets_a_clear_error_and_changes_nothing(desk, booking, value):
    new = new_expert()
    experienced()
    if value == "SAME":
        value = f"{new.pk}-{new.pk}"
    response = desk.post(url(booking), {"pair": value, **deadline()})
    assert response.status_code == 200
    assert not Assignment.objects.filter(booking=booking).exists()
    page = response.content.decode()
    assert "That pair cannot be offered this booking" in page


def test_an_expert_who_is_not_a_candidate_cannot_be_sent_as_a_partner(desk, booking):
    new = new_expert()
    outsider = experienced(areas=("mental-health",))  # not a candidate for this booking
    response = desk.post(url(booking), {"pair": f"{new.pk}-{outsider.pk}", **deadline()})
    assert response.status_code == 200
    assert "That pair cannot be offered this booking" in response.content.decode()
    assert not Assignment.objects.filter(booking=booking).exists()


@pytest.mark.parametrize("role", ["member", "expert", "trainer"])
def test_only_coordinators_offer_pairs(client, booking, role):
    new = new_expert()
    partner = experienced()
    users = {"member": member(), "expert": new.user, "trainer": TrainerFactory()}
    client.force_login(users[role])
    response = client.post(url(booking), {"pair": f"{new.pk}-{partner.pk}", **deadline()})
    assert response.status_code == 403
    assert not Assignment.objects.filter(booking=booking).exists()


def test_a_missing_booking_answers_not_found(desk):
    response = desk.post(reverse("bookings_coordinator:candidates", args=[999999]), {"pair": "1-2"})
    assert response.status_code == 404


def test_the_page_takes_the_same_queries_with_one_pair_or_fifty_candidates(desk, booker):
    booking = request_booking(by=booker, areas=areas("substance-use"))
    new_expert()
    experienced()
    one, _page = count_queries(desk.get, url(booking))
    for number in range(24):
        new_expert(done=number % 2)
        experienced()
    fifty, page = count_queries(desk.get, url(booking))
    assert fifty == one
    assert page.content.decode().count('name="pair"') == 25


# --- The expert's pages and the shared debrief ---------------------------------------------------


@pytest.fixture
def pair_on_booking(booking, coordinator):
    new = new_expert()
    partner = experienced()
    mine, theirs = offer_pair(booking, new, partner, coordinator)
    return new, partner, mine, theirs


def test_each_offer_page_names_the_other_of_the_pair(client, pair_on_booking):
    new, partner, mine, theirs = pair_on_booking
    client.force_login(new.user)
    page = client.get(reverse("bookings_expert:offer", args=[mine.pk])).content.decode()
    assert f"You do this gig in a pair with {partner.name}" in page
    client.force_login(partner.user)
    page = client.get(reverse("bookings_expert:offer", args=[theirs.pk])).content.decode()
    assert f"You go as the experienced partner of {new.name}" in page
    # Another expert's offer is not found, pair or not.
    assert client.get(reverse("bookings_expert:offer", args=[mine.pk])).status_code == 404


def test_the_coordinator_records_the_debrief_once_and_both_see_it(
    client, desk, booking, pair_on_booking
):
    new, partner, mine, theirs = pair_on_booking
    services.assignment_accept(assignment=mine, by=new.user)
    services.assignment_accept(assignment=theirs, by=partner.user)
    page = desk.get(reverse("bookings_coordinator:detail", args=[booking.pk])).content.decode()
    assert f"experienced partner of {new.name}" in page
    action = reverse("bookings_coordinator:pair_debrief", args=[theirs.pk])
    response = desk.post(action, {"note": "Kävimme keikan läpi yhdessä. Hyvä alku!"})
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.pair_debrief == "Kävimme keikan läpi yhdessä. Hyvä alku!"
    for expert in (new, partner):
        gig = Gig.objects.get(booking=booking, expert=expert)
        client.force_login(expert.user)
        page = client.get(reverse("bookings_expert:gig", args=[gig.pk])).content.decode()
        assert "Shared debrief" in page
        assert "Kävimme keikan läpi yhdessä." in page


def test_a_debrief_for_no_pair_or_without_a_note_is_refused(desk, booking, coordinator):
    solo = fitting_expert()
    (alone,) = services.booking_offer(
        booking=booking,
        experts=[solo],
        answer_by=timezone.now() + timedelta(days=2),
        by=coordinator,
    )
    action = reverse("bookings_coordinator:pair_debrief", args=[alone.pk])
    response = desk.post(action, {"note": "Muistiinpano"}, follow=True)
    assert "This expert is not in a pair on this booking." in response.content.decode()
    alone.refresh_from_db()
    assert alone.pair_debrief == ""
    new, partner = new_expert(), experienced()
    other = request_booking(areas=areas("substance-use"))
    mine, _theirs = offer_pair(other, new, partner, coordinator)
    response = desk.post(
        reverse("bookings_coordinator:pair_debrief", args=[mine.pk]), {"note": "  "}, follow=True
    )
    assert "Write the debrief note first." in response.content.decode()
    response = desk.post(
        reverse("bookings_coordinator:pair_debrief", args=[mine.pk]), {"note": "x" * 2001}
    )
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.pair_debrief == ""
    assert desk.post(reverse("bookings_coordinator:pair_debrief", args=[999999])).status_code == 404


def test_an_expert_cannot_record_the_pairs_debrief(client, pair_on_booking):
    new, _partner, mine, _theirs = pair_on_booking
    client.force_login(new.user)
    action = reverse("bookings_coordinator:pair_debrief", args=[mine.pk])
    assert client.post(action, {"note": "Minä itse"}).status_code == 403
    mine.refresh_from_db()
    assert mine.pair_debrief == ""


# --- Who is still in pairs: the coordinators' expert list ----------------------------------------


def test_the_expert_list_filters_and_badges_experts_in_pairs(desk):
    new = new_expert(required=3, done=1, user__full_name="Uusi Ulla")
    solo = new_expert(required=3, done=3, user__full_name="Valmis Veera")
    old = experienced(user__full_name="Konkari Kalle")
    listing = reverse("experts_coordinator:list")
    page = desk.get(listing).content.decode()
    assert "in pairs: 1/3" in page
    assert "in pairs: 3/3" not in page
    shown = desk.get(listing, {"pairs": "yes"}).context["page"].object_list
    assert [e.pk for e in shown] == [new.pk]
    others = {e.pk for e in desk.get(listing, {"pairs": "no"}).context["page"].object_list}
    assert {solo.pk, old.pk} <= others and new.pk not in others
    assert desk.get(listing, {"pairs": "maybe"}).status_code == 200  # a bad value: an error


def test_the_expert_list_takes_the_same_queries_with_pairs_for_one_or_many(desk):
    listing = reverse("experts_coordinator:list")
    new_expert()
    one, _page = count_queries(desk.get, listing, {"pairs": "yes"})
    for _ in range(10):
        new_expert()
    many, page = count_queries(desk.get, listing, {"pairs": "yes"})
    assert many == one
    assert len(page.context["page"].object_list) == 11


def test_plain_language_pages_name_the_other_of_the_pair_in_short_sentences(
    client, pair_on_booking
):
    new, partner, mine, _theirs = pair_on_booking
    type(new.user).objects.filter(pk=new.user.pk).update(plain_language=True)
    client.force_login(new.user)
    page = client.get(reverse("bookings_expert:offer", args=[mine.pk])).content.decode()
    assert f"You go with {partner.name}. {partner.name} has done many gigs." in page
    services.assignment_accept(assignment=mine, by=new.user)
    Assignment.objects.filter(pk=mine.pk).update(pair_debrief="Hyvin meni.")
    gig = Gig.objects.get(assignment=mine)
    page = client.get(reverse("bookings_expert:gig", args=[gig.pk])).content.decode()
    assert f"You go with {partner.name}." in page
    assert "Hyvin meni." in page
