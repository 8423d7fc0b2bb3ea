"""The coordinator's request queue: the most urgent first by default (open bookings by their
first time, soonest first; settled ones after them), the received date shown, and every sort
option and filter label in the reader's language (django-filter's "(descending)" was English
in every language)."""

import re
from datetime import timedelta

import pytest
from django import forms
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import Promise

from bookings import services
from bookings.filters import BookingFilter
from bookings.models import Booking
from tests.bookings.factories import at, member, request_booking

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(client, coordinator):
    client.force_login(coordinator)
    return client


def _titles(page: str, titles: list[str]) -> list[str]:
    return sorted(titles, key=page.index)


def test_the_queue_shows_the_most_urgent_first_with_the_received_date(desk, coordinator):
    later = request_booking(title="Syksyn koulutuspäivä", times=[(at(60), at(60, 12))])
    soon = request_booking(title="Huomisen puheenvuoro", times=[(at(1), at(1, 12))])
    middle = request_booking(title="Kevään vertaisryhmä", times=[(at(20), at(20, 12))])
    rejected = request_booking(title="Hylätty toive", times=[(at(2), at(2, 12))])
    services.booking_reject(booking=rejected, by=coordinator, reason="Ei resursseja")
    Booking.objects.filter(pk=later.pk).update(created_at=timezone.now() - timedelta(days=9))

    page = desk.get(reverse("bookings_coordinator:list")).content.decode()

    titles = [soon.title, middle.title, later.title, rejected.title]
    assert _titles(page, titles) == titles  # open ones soonest first, the settled one after
    received = timezone.localtime(later.created_at) - timedelta(days=9)
    with translation.override(coordinator.language):
        assert f">{translation.gettext('Received')}</th>" in page
    assert received.strftime("%-d.%-m.%Y") in page


def test_the_other_sort_orders_still_apply(desk):
    soon = request_booking(title="Aikaisin", times=[(at(1), at(1, 12))])
    late = request_booking(title="Myöhään", times=[(at(30), at(30, 12))])
    url = reverse("bookings_coordinator:list")
    page = desk.get(url + "?order=-first_start").content.decode()
    assert _titles(page, [soon.title, late.title]) == [late.title, soon.title]
    page = desk.get(url + "?order=-created_at").content.decode()
    assert _titles(page, [soon.title, late.title]) == [late.title, soon.title]


def test_every_sort_option_and_filter_label_is_translated_when_shown():
    """Each label stays lazy until the page is drawn, so it is in the reader's language; none is
    django-filter's "%s (descending)", formatted once at import in whichever language was on."""
    filters = BookingFilter()
    for name, field in filters.form.fields.items():
        assert isinstance(field.label, Promise), name
        if isinstance(field, forms.ModelChoiceField):
            continue  # the rows' own names
        for value, label in getattr(field, "choices", []):
            assert isinstance(label, Promise), (name, value)
    order = dict(filters.form.fields["order"].choices)
    assert set(order) == {
        "",
        "first_start",
        "-first_start",
        "created_at",
        "-created_at",
        "title",
        "-title",
    }
    assert all("descending" not in str(label) for label in order.values())


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_the_sort_menu_never_says_descending(client, coordinator, language):
    coordinator.language = language
    coordinator.save(update_fields=["language"])
    client.force_login(coordinator)
    request_booking(by=member())
    page = client.get(reverse("bookings_coordinator:list")).content.decode()
    menu = re.search(r'<select name="order".*?</select>', page, re.S).group(0)
    assert "descending" not in menu
    assert menu.count("<option") == 7
    with translation.override(language):
        assert str(BookingFilter.base_filters["order"].extra["empty_label"]) in menu
