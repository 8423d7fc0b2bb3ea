"""The coordinator's ranked list: who may see it, what it shows, offers sent from it in one step,
and the same number of queries for 1 and 50 candidates."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from bookings import services
from bookings.models import Assignment, Booking
from bookings.views.matching import RANKED_SHOWN
from expertbank.formatting import euros
from experts.models import BookerKind, Expert
from tests.bookings.factories import at, member, request_booking, staffed
from tests.bookings.test_matching import areas, count_queries, fitting_expert, gig_at
from tests.factories import TrainerFactory

pytestmark = pytest.mark.django_db


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


def test_the_page_lists_candidates_best_first_with_reasons_and_headroom(desk, terms, booking):
    best = fitting_expert(municipality="Vantaa", public_alias="Kettu")
    capped = fitting_expert(earnings_cap_yearly="300.00", municipality="Turku")
    page = desk.get(url(booking)).content.decode()
    assert page.index(best.name) < page.index(capped.name)
    assert "+30 experience area: Substance use" in page
    assert "+10 same municipality" in page
    assert "shown as Kettu" in page
    with translation.override("en"):
        assert euros("100.00") in page  # 300 € cap less the 200 € fee
    assert f'value="{best.pk}"' in page and f'value="{capped.pk}"' in page


def test_the_excluded_experts_are_listed_with_their_reason(desk, booking):
    busy = fitting_expert()
    gig_at(busy, at(20, 11))
    hidden = fitting_expert(show_to=(BookerKind.SCHOOL,))
    page = desk.get(url(booking)).content.decode()
    assert '<details class="mt-4" id="excluded">' in page
    assert "2 experts left out" in page
    assert busy.name in page and "busy at" in page
    assert hidden.name in page and "does not show Substance use" in page
    # an excluded expert has no checkbox to be offered
    assert f'value="{busy.pk}"' not in page and f'value="{hidden.pk}"' not in page


def test_offers_go_to_the_ticked_candidates_in_one_step(desk, booking):
    first, second, third = fitting_expert(), fitting_expert(), fitting_expert()
    response = desk.post(
        url(booking), {"experts": [first.pk, third.pk], **deadline(), "note": "Sopisiko?"}
    )
    assert response.status_code == 302
    assert response.url == reverse("bookings_coordinator:detail", args=[booking.pk])
    offered = Assignment.objects.filter(booking=booking).order_by("expert_id")
    assert [(a.expert, a.offer_note) for a in offered] == [
        (first, "Sopisiko?"),
        (third, "Sopisiko?"),
    ]
    assert all(timezone.localtime(a.answer_by).hour == 12 for a in offered)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.STAFFING
    assert second not in [a.expert for a in offered]


def test_an_excluded_expert_cannot_be_offered_even_by_a_forged_post(desk, booking):
    hidden = fitting_expert(show_to=())  # passes the old filters, but shows no area to a city
    response = desk.post(url(booking), {"experts": [hidden.pk], **deadline()})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Assignment.objects.exists()


def test_a_bad_deadline_is_a_form_error_and_nothing_is_sent(desk, booking):
    expert = fitting_expert()
    late = timezone.localtime(at(21))
    response = desk.post(
        url(booking),
        {
            "experts": [expert.pk],
            "answer_by_date": late.date().isoformat(),
            "answer_by_time": "12:00",
        },
    )
    assert "The answer deadline must be before the first time" in response.content.decode()
    assert f'value="{expert.pk}" id="candidate-{expert.pk}" checked' in response.content.decode()
    assert not Assignment.objects.exists()


def test_a_replacement_is_chosen_from_the_ranked_list(desk, coordinator, booking):
    leaving = fitting_expert()
    (assignment,) = staffed(booking, [leaving], by=coordinator)
    services.assignment_withdraw(assignment=assignment, by=coordinator, reason="Sairas")
    substitute = fitting_expert()
    page = desk.get(f"{url(booking)}?replace={assignment.pk}").content.decode()
    assert f"A replacement for {leaving.name}" in page
    assert f'type="radio" name="expert" value="{substitute.pk}"' in page
    desk.post(url(booking), {"replace": assignment.pk, "expert": substitute.pk, **deadline()})
    assert Assignment.objects.get(expert=substitute).replacement_for == assignment


def test_a_booking_that_takes_no_offers_shows_the_list_without_the_button(desk, booking):
    fitting_expert()
    Booking.objects.filter(pk=booking.pk).update(status=Booking.Status.CANCELLED)
    page = desk.get(url(booking)).content.decode()
    assert "Offers cannot be sent for a booking that is cancelled." in page
    assert 'disabled aria-disabled="true"' in page


def test_only_the_best_are_shown_until_asked_for_all(desk, booker):
    booking = request_booking(by=booker)
    Expert.objects.all().delete()
    for _ in range(RANKED_SHOWN + 2):
        fitting_expert(areas=())
    page = desk.get(url(booking)).content.decode()
    assert page.count('name="experts"') == RANKED_SHOWN
    assert "Show all, 2 more candidates" in page
    everyone = desk.get(url(booking) + "?show=all").content.decode()
    assert everyone.count('name="experts"') == RANKED_SHOWN + 2


def test_the_page_takes_the_same_queries_for_1_and_50_candidates(desk, booker):
    booking = request_booking(by=booker, areas=areas("substance-use"))
    fitting_expert()
    one, _page = count_queries(desk.get, url(booking))
    for number in range(49):
        expert = fitting_expert(earnings_cap_monthly="900.00" if number % 2 else None)
        gig_at(expert, at(-3 - number % 20, 10), status="approved")
    fitting_expert(show_to=())  # and one left out
    fifty, page = count_queries(desk.get, url(booking))
    assert fifty == one
    assert page.content.decode().count('name="experts"') == 50


@pytest.mark.parametrize("role", ["member", "expert", "trainer"])
def test_only_coordinators_see_the_ranked_list(client, booking, role):
    expert = fitting_expert()
    users = {"member": member(), "expert": expert.user, "trainer": TrainerFactory()}
    client.force_login(users[role])
    assert client.get(url(booking)).status_code == 403
    assert client.post(url(booking), {"experts": [expert.pk], **deadline()}).status_code == 403
    assert not Assignment.objects.exists()


def test_the_booking_unit_itself_cannot_see_the_ranked_list(client, booker, booking):
    client.force_login(booker)
    assert client.get(url(booking)).status_code == 403


def test_an_anonymous_visitor_is_sent_to_log_in(client, booking):
    response = client.get(url(booking))
    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))


def test_a_missing_booking_or_replacement_is_404(desk, booking):
    assert desk.get(reverse("bookings_coordinator:candidates", args=[999999])).status_code == 404
    assert desk.get(url(booking) + "?replace=abc").status_code == 404
    assert desk.get(url(booking) + "?replace=999999").status_code == 404


def test_the_page_speaks_the_coordinators_language(client, coordinator, booking):
    fitting_expert()
    coordinator.language = "fi"
    coordinator.save()
    client.force_login(coordinator)
    with translation.override("fi"):
        page = client.get(url(booking), HTTP_ACCEPT_LANGUAGE="fi").content.decode()
    assert "Päihteet" in page
