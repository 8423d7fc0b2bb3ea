"""Accepting an offer asks again every rule that offering asked (``bookings.matching.refusals``):
what changed between the offer and the answer — consent, status, extracts, days off, limits,
disclosure — refuses the answer with the reason, on every way of answering, and changes nothing."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from bookings import services
from bookings.models import Assignment, Booking, BookingChange, Gig
from experts.models import Blackout, Expert, ExpertDocument, PrivacyNotice
from tests.bookings.factories import at, offer, request_booking
from tests.bookings.test_matching import areas, fitting_expert, gig_at

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_pages")]


@pytest.fixture
def offered(terms, booker, coordinator):
    """An offer of a talk to minors in 20 days, 10–12 (substance use, a heavy theme, fee 200 €),
    to an expert who met every rule when it was made."""
    expert = fitting_expert()
    ExpertDocument.objects.create(
        expert=expert, kind=ExpertDocument.Kind.CRIMINAL_RECORD, dated=date(2020, 1, 1)
    )
    booking = request_booking(
        by=booker,
        times=[(at(20, 10), at(20, 12))],
        areas=areas("substance-use"),
        audience=Booking.Audience.MINORS,
    )
    (assignment,) = offer(booking, [expert], by=coordinator)
    return assignment


def _new_privacy_notice(expert: Expert) -> None:
    PrivacyNotice.objects.create(version="new", published_on=timezone.localdate())


def _status(status: str):
    return lambda expert: Expert.objects.filter(pk=expert.pk).update(status=status)


def _days_off(expert: Expert) -> None:
    day = at(20).date()
    Blackout.objects.create(expert=expert, start=day, end=day + timedelta(days=2))


def _rest_days(expert: Expert) -> None:
    Expert.objects.filter(pk=expert.pk).update(rest_days_after_heavy=2)
    gig_at(expert, at(21, 10))


def _monthly_limit(expert: Expert) -> None:
    Expert.objects.filter(pk=expert.pk).update(max_gigs_per_month=1)
    gig_at(expert, at(20, 15), at(20, 16))


def _earnings_cap(expert: Expert) -> None:
    Expert.objects.filter(pk=expert.pk).update(earnings_cap_monthly=Decimal("150.00"))


# What changes after the offer, and the words the expert reads.
CONDITIONS = {
    "consent to the current notice missing": (
        _new_privacy_notice,
        "no consent to the current privacy notice",
    ),
    "paused": (_status(Expert.Status.PAUSED), "not active (paused)"),
    "retired": (_status(Expert.Status.RETIRED), "not active (retired)"),
    "certification removed": (
        lambda e: Expert.objects.filter(pk=e.pk).update(certified_on=None),
        "not certified yet",
    ),
    "area no longer shown to this kind of booker": (
        lambda e: e.disclosures.all().delete(),
        "does not show Substance use to a booker of this kind",
    ),
    "language removed": (lambda e: e.languages.clear(), "does not speak Finnish"),
    "area removed": (lambda e: e.areas.clear(), "has none of the wanted areas"),
    "criminal-record extract gone": (
        lambda e: e.documents.all().delete(),
        "no criminal-record extract valid on",
    ),
    "days off": (_days_off, "unavailable days at"),
    "weekly times removed": (lambda e: e.slots.all().delete(), "no weekly available time at"),
    "rest days": (_rest_days, "needs rest days after this heavy gig"),
    "monthly gig limit": (_monthly_limit, "at most 1 gigs a month"),
    "earnings cap": (_earnings_cap, "monthly cap"),
}


def _accept_in_the_portal(client, assignment: Assignment) -> str:
    client.force_login(assignment.expert.user)
    response = client.post(reverse("bookings_expert:accept", args=[assignment.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("bookings_expert:offer", args=[assignment.pk])
    return response.content.decode()


def _accept_by_the_link(client, assignment: Assignment) -> str:
    path = reverse("bookings_expert:answer", args=[services.answer_token(assignment)])
    response = client.post(path, {"answer": "accept"})
    assert response.status_code == 400
    return response.content.decode()


PATHS = {"portal": _accept_in_the_portal, "answer link": _accept_by_the_link}


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("condition", CONDITIONS)
def test_an_accept_that_breaks_a_rule_of_offering_is_refused_and_changes_nothing(
    client, offered, path, condition
):
    change, words = CONDITIONS[condition]
    change(offered.expert)
    history = BookingChange.objects.count()
    page = PATHS[path](client, offered)
    assert "You cannot accept this offer now:" in page
    assert words in page
    offered.refresh_from_db()
    assert (offered.status, offered.answered_at) == (Assignment.Status.OFFERED, None)
    assert not Gig.objects.filter(booking=offered.booking).exists()
    assert BookingChange.objects.count() == history


def test_the_refusal_says_what_the_expert_can_do(offered):
    _new_privacy_notice(offered.expert)
    with pytest.raises(services.BookingError, match="Give your consent on your Privacy page"):
        services.assignment_accept(assignment=offered, by=offered.expert.user)


def test_once_the_reason_is_gone_the_same_offer_can_be_accepted(offered):
    _days_off(offered.expert)
    with pytest.raises(services.BookingError, match="unavailable days"):
        services.assignment_accept(assignment=offered, by=offered.expert.user)
    offered.expert.blackouts.all().delete()
    services.assignment_accept(assignment=offered, by=offered.expert.user)
    offered.refresh_from_db()
    assert offered.status == Assignment.Status.ACCEPTED


def test_the_experts_own_offer_does_not_count_as_being_on_the_booking_already(offered):
    services.assignment_accept(assignment=offered, by=offered.expert.user)
    assert Gig.objects.filter(assignment=offered, status=Gig.Status.PLANNED).count() == 1


def test_offering_refuses_a_retired_expert_with_the_reason(terms, booker, coordinator):
    expert = fitting_expert()
    Expert.objects.filter(pk=expert.pk).update(status=Expert.Status.RETIRED)
    booking = request_booking(by=booker, areas=areas("substance-use"))
    with pytest.raises(services.BookingError, match=r"not active \(retired\)"):
        offer(booking, [expert], by=coordinator)
