"""The booking's brief: the unit's request form asks for it, the coordinator and the unit see it,
and the expert reads it — with the title, organisation, times, place and fee — on every offer
card, the offer page, the answer page and the offer e-mail before accepting."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from bookings.models import Booking
from expertbank.formatting import euros
from expertbank.models import Message
from experts.models import Language, WorkKind
from tests.bookings.factories import at, offer, request_booking
from tests.bookings.test_matching import count_queries, fitting_expert
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

BRIEF = {
    "purpose": "Henkilöstö oppii, miltä palvelut näyttävät asiakkaan silmin.",
    "share_topics": "Oma polku päihdepalveluihin ja mikä auttoi.",
    "co_presenter": "Anna Virtanen, sosiaalityöntekijä",
    "preparation_minutes": 30,
    "expenses_paid": "Lounas henkilöstöravintolassa.",
    "what_to_bring": "Diat muistitikulla, jos haluat.",
}


def briefed(**kwargs) -> Booking:
    kwargs.setdefault("title", "Henkilöstöpäivä Tikkurilassa")
    kwargs.setdefault("contact_name", "Maria Lahtinen")
    kwargs.setdefault("times", [(at(20, 10), at(20, 11, 30))])
    return request_booking(**{**BRIEF, **kwargs})


@pytest.fixture
def expert():
    return fitting_expert(user=UserFactory(language="en"), areas=("substance-use",))


@pytest.fixture
def phone(client, expert):
    client.force_login(expert.user)
    return client


def fee() -> str:
    """The fee of the frozen terms (200 € a gig) as the English pages write it."""
    with translation.override("en"):
        return f"{euros('200.00')} per gig"


def assert_full_brief(page: str, booking: Booking) -> None:
    for text in (
        booking.title,
        booking.unit.organisation.name,
        "Kielotie 13, Vantaa",  # the place
        fee(),  # the fee of the frozen terms
        BRIEF["purpose"],
        "Adults",  # the audience
        BRIEF["share_topics"],
        "Maria Lahtinen",  # who meets them on site
        "Yes: Anna Virtanen, sosiaalityöntekijä",
        "1 h 30 min, plus 30 min of preparation",
        "Travel: kilometres at the tax-free rate",
        BRIEF["expenses_paid"],
        BRIEF["what_to_bring"],
    ):
        assert text in page, text


# --- The unit's request form ---------------------------------------------------------------------


def _request(booker, **changes) -> dict:
    data = {
        "unit": booker.memberships.get().unit_id,
        "title": "Puheenvuoro henkilöstöpäivillä",
        "work_kind": WorkKind.objects.get(code="talk").pk,
        "language": Language.objects.get(code="fi").pk,
        "kind": "one_off",
        "day": (timezone.localdate() + timedelta(days=21)).isoformat(),
        "start_time": "13:00",
        "end_time": "14:30",
        "place": "Kielotie 13, Vantaa",
        "audience": "adults",
        "experts_wanted": "1",
        "contact_name": "Maria Lahtinen",
        "blocks-TOTAL_FORMS": "0",
        "blocks-INITIAL_FORMS": "0",
        "blocks-MIN_NUM_FORMS": "0",
        "blocks-MAX_NUM_FORMS": "7",
        **{field: str(value) for field, value in BRIEF.items()},
        "send": "1",
    }
    data.update(changes)
    return data


def test_the_request_form_asks_for_the_brief_and_saves_it(client, booker, terms):
    client.force_login(booker)
    form = client.get(reverse("bookings:request")).content.decode()
    for name in BRIEF:
        assert f'name="{name}"' in form
    assert "The experts read this before they say yes." in form
    response = client.post(reverse("bookings:request"), _request(booker))
    assert response.status_code == 302
    booking = Booking.objects.get()
    assert {field: getattr(booking, field) for field in Booking.BRIEF_FIELDS} == BRIEF


@pytest.mark.parametrize("missing", ["purpose", "share_topics"])
def test_the_purpose_and_what_to_share_are_required(client, booker, terms, missing):
    client.force_login(booker)
    response = client.post(reverse("bookings:request"), _request(booker, **{missing: "  "}))
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not Booking.objects.exists()


def test_the_optional_parts_may_be_left_empty(client, booker, terms):
    client.force_login(booker)
    empty = {
        "co_presenter": "",
        "preparation_minutes": "",
        "expenses_paid": "",
        "what_to_bring": "",
    }
    assert client.post(reverse("bookings:request"), _request(booker, **empty)).status_code == 302
    booking = Booking.objects.get()
    assert (booking.co_presenter, booking.preparation_minutes) == ("", None)


def test_a_preparation_time_out_of_range_is_refused(client, booker, terms):
    client.force_login(booker)
    response = client.post(reverse("bookings:request"), _request(booker, preparation_minutes="-5"))
    assert response.status_code == 200
    assert "greater than or equal to 0" in response.content.decode()
    assert not Booking.objects.exists()


# --- What the coordinator and the unit see -------------------------------------------------------


def test_the_coordinator_and_the_unit_see_the_brief(client, coordinator, terms):
    booking = briefed()
    client.force_login(coordinator)
    page = client.get(reverse("bookings_coordinator:detail", args=[booking.pk])).content.decode()
    assert "The brief to the experts" in page
    assert_full_brief(page, booking)
    client.force_login(booking.requested_by)
    page = client.get(reverse("bookings:detail", args=[booking.pk])).content.decode()
    assert BRIEF["share_topics"] in page and BRIEF["co_presenter"] in page


# --- What the expert sees before accepting -------------------------------------------------------


def test_the_offer_cards_and_the_offer_page_show_the_full_brief(phone, expert, coordinator, terms):
    booking = briefed()
    (assignment,) = offer(booking, [expert], by=coordinator)
    start_page = phone.get(reverse("experts:portal_home")).content.decode()
    gigs_page = phone.get(reverse("bookings_expert:home")).content.decode()
    offer_page = phone.get(reverse("bookings_expert:offer", args=[assignment.pk])).content.decode()
    for page in (start_page, gigs_page, offer_page):
        assert_full_brief(page, booking)
        # the brief comes before the button that accepts
        accept = reverse("bookings_expert:accept", args=[assignment.pk])
        assert page.index(BRIEF["share_topics"]) < page.index(f'action="{accept}"')


def test_a_booking_without_a_co_presenter_or_preparation_says_so(phone, expert, coordinator, terms):
    booking = briefed(co_presenter="", preparation_minutes=None)
    offer(booking, [expert], by=coordinator)
    page = phone.get(reverse("bookings_expert:home")).content.decode()
    assert "No, the experts present on their own" in page
    assert "1 h 30 min" in page and "preparation</" not in page
    assert "of preparation" not in page


def test_a_series_gives_the_length_of_each_time_and_their_number(phone, expert, coordinator):
    booking = briefed(times=[(at(20, 10), at(20, 12)), (at(27, 10), at(27, 12))])
    offer(booking, [expert], by=coordinator)
    page = phone.get(reverse("bookings_expert:home")).content.decode()
    assert "2 h each, 2 times, plus 30 min of preparation" in page
    assert "The coordinator tells you the fee." in page  # no price row: no frozen fee


def test_the_answer_page_of_the_mail_shows_the_brief(client, expert, coordinator, terms):
    from bookings.services import answer_url

    booking = briefed()
    (assignment,) = offer(booking, [expert], by=coordinator)
    path = "/" + answer_url(assignment, "accept").split("://", 1)[1].split("/", 1)[1]
    page = client.get(path, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert BRIEF["purpose"] in page and "Yes: Anna Virtanen" in page


def test_the_offer_mail_carries_the_brief_and_no_title_in_its_subject(expert, coordinator, terms):
    booking = briefed(title="Päihdekokemus henkilöstöpäivillä")
    offer(booking, [expert], by=coordinator)
    message = Message.objects.get(kind="booking_offer")
    assert "Päihde" not in message.subject
    assert booking.unit.organisation.name in message.subject
    for text in (
        BRIEF["purpose"],
        BRIEF["share_topics"],
        "Maria Lahtinen",
        "Yes: Anna Virtanen, sosiaalityöntekijä",
        "1 h 30 min, plus 30 min of preparation",
        fee(),
        BRIEF["expenses_paid"],
        BRIEF["what_to_bring"],
    ):
        assert text in message.body, text


def test_the_offer_pages_take_the_same_queries_for_one_and_many_offers(
    phone, expert, coordinator, terms
):
    offer(briefed(times=[(at(30, 9), at(30, 11))]), [expert], by=coordinator)
    for name in ("experts:portal_home", "bookings_expert:home"):
        phone.get(reverse(name))  # the first visit makes the calendar address
    one = {
        name: count_queries(phone.get, reverse(name))[0]
        for name in ("experts:portal_home", "bookings_expert:home")
    }
    for number in range(5):
        offer(briefed(times=[(at(40 + number, 9), at(40 + number, 11))]), [expert], by=coordinator)
    for name, queries in one.items():
        many, response = count_queries(phone.get, reverse(name))
        assert many == queries, name
        assert response.content.decode().count(BRIEF["purpose"]) == 6
