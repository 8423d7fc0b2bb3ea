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


def _history() -> dict[str, Booking]:
    """Open, settled with times, and settled without times (a cancelled request whose times
    were taken off): every part of the queue."""
    made = {
        "open": request_booking(title="Avoin", times=[(at(3), at(3, 12))]),
        "delivered": request_booking(title="Pidetty", times=[(at(4), at(4, 12))]),
        "cancelled": request_booking(title="Peruttu", times=[(at(5), at(5, 12))]),
        "untimed": request_booking(title="Ajaton", times=[(at(6), at(6, 12))]),
    }
    Booking.objects.filter(pk=made["delivered"].pk).update(
        status=Booking.Status.DELIVERED, first_start=at(-30)
    )
    Booking.objects.filter(pk=made["cancelled"].pk).update(
        status=Booking.Status.CANCELLED, first_start=at(-20)
    )
    Booking.objects.filter(pk=made["untimed"].pk).update(
        status=Booking.Status.CANCELLED, first_start=None
    )
    return made


def test_the_queue_sized_from_the_tabs_counts_is_the_queue_it_counts_itself():
    from django.db.models import Count

    from bookings.selectors import coordinator_booking_list, most_urgent_first

    _history()
    bookings = coordinator_booking_list()
    by_status = dict(Booking.objects.values_list("status").annotate(n=Count("pk")).order_by())
    counted = most_urgent_first(bookings)
    told = most_urgent_first(bookings, by_status=by_status)
    assert told.counts() == counted.counts() == [1, 2, 1]
    assert [b.pk for b in told[0:50]] == [b.pk for b in counted[0:50]]
    cancelled = {Booking.Status.CANCELLED: by_status[Booking.Status.CANCELLED]}
    only = most_urgent_first(bookings.filter(status=Booking.Status.CANCELLED), by_status=cancelled)
    assert only.counts() == [0, 1, 1]
    # Counted up to a cap of one, the settled part holds one row, untimed or not (here two
    # cancelled bookings without times).
    second = request_booking(title="Toinen ajaton", times=[(at(8), at(8, 12))])
    Booking.objects.filter(pk=second.pk).update(status=Booking.Status.CANCELLED, first_start=None)
    capped = most_urgent_first(
        bookings.filter(status=Booking.Status.CANCELLED), by_status={Booking.Status.CANCELLED: 1}
    )
    assert capped.counts() == [0, 0, 1] and len(capped[0:50]) == 1


def test_the_unfiltered_queue_counts_the_history_once(desk):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    made = _history()
    with CaptureQueriesContext(connection) as captured:
        page = desk.get(reverse("bookings_coordinator:list")).content.decode()
    for booking in made.values():
        assert booking.title in page
    counts = [q["sql"] for q in captured if q["sql"].startswith("SELECT COUNT(*)")]
    # Beside the tabs' one query, only the settled bookings without times are counted (an
    # index): no second pass over the settled history.
    assert len(counts) == 1, counts
    assert "IS NULL" in counts[0]
    # The tabs: each status counted in one query, and only up to the cap (LIMIT 10001), so
    # the count costs the same however long the history grows.
    tabs = [q["sql"] for q in captured if q["sql"].startswith("SELECT (SELECT COUNT(*)")]
    assert len(tabs) == 1, tabs
    assert tabs[0].count("LIMIT 10001") == len(Booking.Status.values), tabs[0]
    assert "GROUP BY" not in tabs[0]


def test_a_status_beyond_the_cap_reads_as_more_and_the_list_stops_there(desk, monkeypatch):
    """Tabs count each status up to the cap ("2+" here, "10 000+" live); the list goes no
    further, says so, and the filters still find the rest."""
    monkeypatch.setattr("bookings.views.staffing.CAP", 2)
    made = _history()
    for day in (40, 50):
        older = request_booking(title=f"Vanha {day}", times=[(at(7), at(7, 12))])
        Booking.objects.filter(pk=older.pk).update(
            status=Booking.Status.DELIVERED, first_start=at(-day)
        )
    page = desk.get(reverse("bookings_coordinator:list")).content.decode()
    assert 'href="?status=delivered">Delivered <span class="badge text-bg-light">2+</span>' in page
    assert 'href="?status=cancelled">Cancelled <span class="badge text-bg-light">2</span>' in page
    assert "Each status is counted up to 2 bookings and the list goes no further" in page
    # The newest two delivered are listed, the oldest is not; the other parts are whole.
    assert ">Pidetty</a>" in page and ">Vanha 40</a>" in page and "Vanha 50" not in page
    assert made["open"].title in page and made["untimed"].title in page
    delivered = desk.get(reverse("bookings_coordinator:list") + "?status=delivered").content
    assert b"Vanha 50" not in delivered and b"goes no further" in delivered
    found = desk.get(reverse("bookings_coordinator:list") + "?q=Vanha+50").content.decode()
    assert ">Vanha 50</a>" in found and "goes no further" not in found


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ("?status=cancelled", ["Peruttu", "Ajaton"], ["Avoin", "Pidetty"]),
        ("?status=cancelled&page=2", ["Peruttu", "Ajaton"], ["Avoin", "Pidetty"]),
        # An unknown status filters nothing (as before): the queue counts itself then.
        ("?status=nonsense", ["Avoin", "Pidetty", "Peruttu", "Ajaton"], []),
        ("?q=Pidetty", ["Pidetty"], ["Avoin", "Peruttu", "Ajaton"]),
    ],
)
def test_a_filtered_queue_lists_what_its_filter_chose(desk, query, shown, hidden):
    _history()
    response = desk.get(reverse("bookings_coordinator:list") + query)
    assert response.status_code == 200
    page = response.content.decode()
    for title in shown:
        assert f">{title}</a>" in page
    for title in hidden:
        assert title not in page


def test_the_open_bookings_index_holds_exactly_the_open_statuses():
    """The partial index's condition is written out in the model's Meta; it must stay
    ``Booking.OPEN`` or the queue's queries stop matching it."""
    from django.db.models import Q

    index = next(i for i in Booking._meta.indexes if i.name == "booking_open_first_start")
    assert index.condition == Q(status__in=list(Booking.OPEN))
