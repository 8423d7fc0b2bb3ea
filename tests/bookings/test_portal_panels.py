"""The bookings panels on the expert's start page: the next gig, offers with their two buttons,
reports to fill in, earnings against the caps — the expert's own, and nothing of anyone else's."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation

from bookings import portal
from bookings.models import Gig
from expertbank.formatting import time_range
from tests.bookings.factories import at, confirmed, offer, request_booking
from tests.bookings.test_matching import count_queries, days_ago, fitting_expert, gig_at
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

HOME = "experts:portal_home"


@pytest.fixture
def expert():
    return fitting_expert(user=UserFactory(language="en"), areas=("substance-use",))


@pytest.fixture
def phone(client, expert):
    client.force_login(expert.user)
    return client


def home(client) -> str:
    response = client.get(reverse(HOME))
    assert response.status_code == 200
    return response.content.decode()


def test_the_next_gig_says_when_where_who_to_meet_and_what_to_know(phone, expert, coordinator):
    later = confirmed(
        experts=[expert], coordinator=coordinator, times=[(at(30, 9), at(30, 11))], place="B"
    )
    booking = confirmed(
        experts=[expert],
        coordinator=coordinator,
        times=[(at(10, 13), at(10, 15))],
        title="Päihdeilta nuorille",
        place="Kielotie 13, Vantaa",
        contact_name="Laura Salminen",
        contact_phone="+358 40 123 4567",
        notes="Ota mukaan henkilökortti.",
    )
    booking.areas.set(expert.areas.all())
    page = home(phone)
    with translation.override("en"):
        assert time_range(at(10, 13), at(10, 15)) in page
    assert "Kielotie 13, Vantaa" in page
    assert "Laura Salminen" in page and 'href="tel:+358 40 123 4567"' in page
    assert "Ota mukaan henkilökortti." in page
    gig = Gig.objects.get(booking=booking)
    assert reverse("bookings_expert:gig", args=[gig.pk]) in page
    assert later.title not in page
    # nothing on the start page tells the theme of the gig to someone looking over a shoulder
    assert "Päihdeilta" not in page and "Substance use" not in page


def test_the_next_gig_is_in_finnish_for_a_finnish_expert(client, coordinator):
    expert = fitting_expert(user=UserFactory(language="fi"))
    confirmed(experts=[expert], coordinator=coordinator, times=[(at(10, 13), at(10, 15))])
    client.force_login(expert.user)
    page = home(client)
    with translation.override("fi"):
        expected = time_range(at(10, 13), at(10, 15))
    assert expected in page and " klo " in expected
    assert "Seuraava keikkasi" in page or "Your next gig" in page


def test_without_gigs_the_panel_says_so(phone):
    assert "No gigs coming." in home(phone)


def test_offers_waiting_have_two_big_buttons(phone, expert, coordinator):
    booking = request_booking(times=[(at(12, 10), at(12, 12)), (at(19, 10), at(19, 12))])
    (assignment,) = offer(booking, [expert], by=coordinator)
    page = home(phone)
    assert "Offers waiting for your answer" in page
    assert f'action="{reverse("bookings_expert:accept", args=[assignment.pk])}"' in page
    assert f'action="{reverse("bookings_expert:decline", args=[assignment.pk])}"' in page
    assert page.count('class="btn btn-success btn-lg w-100"') == 1
    assert "(2 times in all)" in page


def test_the_big_yes_button_accepts_the_offer(phone, expert, coordinator):
    booking = request_booking()
    (assignment,) = offer(booking, [expert], by=coordinator)
    phone.post(reverse("bookings_expert:accept", args=[assignment.pk]))
    assignment.refresh_from_db()
    assert assignment.status == "accepted"
    assert "Offers waiting for your answer" not in home(phone)


def test_no_offers_no_offers_panel(phone):
    assert "Offers waiting for your answer" not in home(phone)


def test_gigs_that_ended_and_wait_for_a_report_are_listed(phone, expert):
    waiting = gig_at(expert, days_ago(2))
    reported = gig_at(expert, days_ago(3), status=Gig.Status.REPORTED)
    coming = gig_at(expert, at(5))
    page = home(phone)
    assert "Reports to fill in" in page
    assert f'href="{portal.report_url(waiting)}"' in page
    for gig in (reported, coming):
        assert f'href="{portal.report_url(gig)}"' not in page


def test_the_report_link_is_the_report_page(expert):
    gig = gig_at(expert, days_ago(2))
    try:
        expected = reverse("bookings_expert:report", args=[gig.pk])
    except NoReverseMatch:  # the report pages are not installed
        expected = reverse("bookings_expert:gig", args=[gig.pk])
    assert portal.report_url(gig) == expected


def test_without_report_pages_the_link_falls_back_to_the_gig(monkeypatch, expert):
    gig = gig_at(expert, days_ago(2))
    real = portal.reverse

    def reverse_without_reports(name, *args, **kwargs):
        if name == "bookings_expert:report":
            raise NoReverseMatch(name)
        return real(name, *args, **kwargs)

    monkeypatch.setattr(portal, "reverse", reverse_without_reports)
    assert portal.report_url(gig) == reverse("bookings_expert:gig", args=[gig.pk])


def test_no_reports_panel_without_ended_gigs(phone, expert):
    gig_at(expert, days_ago(2), status=Gig.Status.APPROVED)
    assert "Reports to fill in" not in home(phone)


def test_earnings_are_shown_against_the_caps_in_words_and_a_bar(phone, expert):
    expert.earnings_cap_yearly = Decimal("1000.00")
    expert.earnings_cap_monthly = Decimal("250.00")
    expert.save()
    today = timezone.localdate()
    gig_at(expert, days_ago(20), status=Gig.Status.PAID, fee="200.00", paid_on=today)
    gig_at(expert, days_ago(10), status=Gig.Status.APPROVED, fee="100.00")  # paid from today on
    page = home(phone)
    assert "Your earnings" in page
    assert "Paid 200.00\xa0€, coming 100.00\xa0€" in page
    assert 'aria-valuenow="30"' in page  # 300 of 1,000
    assert "30 % of your cap 1,000.00\xa0€." in page and "Room left: 700.00\xa0€." in page
    assert 'aria-valuenow="100"' in page  # 300 of 250
    assert "Over the cap by 50.00\xa0€." in page and "Please talk to the coordinator." in page


def test_without_a_cap_the_earnings_panel_explains_who_to_tell(phone, expert):
    gig_at(expert, days_ago(10), status=Gig.Status.APPROVED, fee="80.00")
    page = home(phone)
    assert "You have no earnings cap." in page
    assert "80.00\xa0€" in page
    assert 'role="progressbar"' not in page


def test_another_experts_gigs_offers_reports_and_earnings_never_show(phone, expert, coordinator):
    other = fitting_expert(
        user=UserFactory(language="en", full_name="Toinen Henkilö"),
        earnings_cap_yearly=Decimal("777.00"),
    )
    confirmed(
        experts=[other],
        coordinator=coordinator,
        times=[(at(3, 9), at(3, 11))],
        place="Salainen katu 1",
        contact_name="Salainen Yhteyshenkilö",
    )
    (theirs,) = offer(request_booking(place="Toinen paikka 5"), [other], by=coordinator)
    ended = gig_at(other, days_ago(2))
    gig_at(other, days_ago(30), status=Gig.Status.PAID, fee="565.65", paid_on=timezone.localdate())
    page = home(phone)
    for secret in ("Salainen katu 1", "Salainen Yhteyshenkilö", "Toinen paikka 5", "565", "777"):
        assert secret not in page
    assert reverse("bookings_expert:accept", args=[theirs.pk]) not in page
    assert f'href="{portal.report_url(ended)}"' not in page
    assert "No gigs coming." in page


def test_the_start_page_takes_the_same_queries_for_one_and_many_items(phone, expert, coordinator):
    confirmed(experts=[expert], coordinator=coordinator, times=[(at(3, 9), at(3, 11))])
    offer(request_booking(times=[(at(40, 9), at(40, 11))]), [expert], by=coordinator)
    gig_at(expert, days_ago(2))
    expert.earnings_cap_monthly = Decimal("900.00")
    expert.save()
    one, _response = count_queries(phone.get, reverse(HOME))
    for number in range(6):
        confirmed(
            experts=[expert],
            coordinator=coordinator,
            times=[(at(50 + number, 9), at(50 + number, 11))],
        )
        offer(
            request_booking(times=[(at(60 + number, 9), at(60 + number, 11))]),
            [expert],
            by=coordinator,
        )
        gig_at(expert, days_ago(5 + number) - timedelta(hours=3))
    many, response = count_queries(phone.get, reverse(HOME))
    assert many == one
    assert response.content.decode().count('class="btn btn-success btn-lg w-100"') == 7
