"""Pages a person opens daily take a constant number of queries, at most 25, whether they show
one row or fifty (issue 19): the admin changelists of bookings, experts and invoices, the
coordinator's bookings list and work queue. (The other daily pages have their own 1-and-50
tests beside their features; ``MAX_QUERIES`` is the bound they share.)"""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bookings.models import Booking
from tests.bookings.factories import bookable_expert, member, request_booking, staffed
from tests.factories import (
    CoordinatorFactory,
    ExpertFactory,
    MembershipFactory,
    OrganisationFactory,
    UnitFactory,
    UserFactory,
)
from tests.invoicing.test_pages import bare_invoice

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

MAX_QUERIES = 25


def queries_of(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def assert_constant(one: int, fifty: int, *, most: int = MAX_QUERIES) -> None:
    assert fifty == one, f"{one} queries for one row, {fifty} for fifty"
    assert fifty <= most, f"{fifty} queries (at most {most})"


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True, language="en"))
    return client


@pytest.fixture
def desk(client):
    client.force_login(CoordinatorFactory(language="en"))
    return client


def booking_in_own_organisation() -> Booking:
    unit = UnitFactory(organisation=OrganisationFactory())
    return request_booking(by=member(unit=unit))


def test_the_admin_bookings_changelist_does_not_read_each_unit(admin_client):
    booking_in_own_organisation()
    one = queries_of(admin_client, "/admin/bookings/booking/")
    for _n in range(49):
        booking_in_own_organisation()
    assert Booking.objects.count() == 50
    fifty = queries_of(admin_client, "/admin/bookings/booking/")
    assert_constant(one, fifty)


def test_the_admin_unit_filter_lists_the_chosen_organisations_units_in_one_query(admin_client):
    organisation = OrganisationFactory()
    request_booking(by=member(unit=UnitFactory(organisation=organisation)))
    url = f"/admin/bookings/booking/?unit__organisation__id__exact={organisation.pk}"
    one = queries_of(admin_client, url)
    for n in range(49):
        request_booking(by=member(unit=UnitFactory(organisation=organisation, name=f"Koulu {n}")))
    page = admin_client.get(url).content.decode()
    assert f"{organisation.name} / Koulu 48" in page  # the unit filter lists its units
    fifty = queries_of(admin_client, url)
    assert_constant(one, fifty)


def test_without_an_organisation_the_admin_lists_no_units_to_filter_by(admin_client):
    unit = UnitFactory(name="Lonely unit")
    request_booking(by=member(unit=unit))
    page = admin_client.get("/admin/bookings/booking/").content.decode()
    assert f"unit__id__exact={unit.pk}" not in page
    chosen = admin_client.get(
        f"/admin/bookings/booking/?unit__organisation__id__exact={unit.organisation_id}"
    ).content.decode()
    assert f"unit__id__exact={unit.pk}" in chosen
    bad = admin_client.get("/admin/bookings/booking/?unit__organisation__id__exact=" + "9" * 30)
    assert bad.status_code in (200, 302)


def test_the_admin_experts_changelist_takes_constant_queries(admin_client):
    ExpertFactory()
    one = queries_of(admin_client, "/admin/experts/expert/")
    ExpertFactory.create_batch(49)
    fifty = queries_of(admin_client, "/admin/experts/expert/")
    assert_constant(one, fifty)


def test_the_admin_invoices_changelist_takes_constant_queries(admin_client):
    unit = MembershipFactory().unit
    bare_invoice(unit)
    one = queries_of(admin_client, "/admin/invoicing/invoice/")
    for _n in range(49):
        bare_invoice(UnitFactory())
    fifty = queries_of(admin_client, "/admin/invoicing/invoice/")
    assert_constant(one, fifty)


def test_the_coordinators_bookings_list_counts_experts_per_row(desk):
    experts = [bookable_expert() for _n in range(2)]
    booking = request_booking(experts=2)
    staffed(booking, experts[:1])
    one = queries_of(desk, "/coordinator/bookings/")
    page = desk.get("/coordinator/bookings/").content.decode()
    assert "1/2" in page  # one accepted of two wanted, counted by the subquery
    for _n in range(49):
        request_booking()
    fifty = queries_of(desk, "/coordinator/bookings/")
    assert_constant(one, fifty)
    short = desk.get("/coordinator/bookings/?view=short").content.decode()
    assert booking.title in short


def test_the_coordinators_work_queue_takes_constant_queries(desk):
    request_booking()
    one = queries_of(desk, "/coordinator/")
    for _n in range(49):
        request_booking()
    fifty = queries_of(desk, "/coordinator/")
    assert_constant(one, fifty)


def test_the_work_queue_counts_every_panel_in_one_query(desk):
    """The panels' counts are one query; each equals the queryset's own ``count()``."""
    from bookings import selectors
    from expertbank.at_once import counts_at_once

    for _n in range(3):
        request_booking()
    short = request_booking(experts=2)
    Booking.objects.filter(pk=short.pk).update(status=Booking.Status.STAFFING)
    querysets = [
        Booking.objects.filter(status=Booking.Status.REQUESTED),
        selectors.short_of_experts(),
        Booking.objects.filter(pk__in=[]),  # nothing to ask the database
        Booking.objects.filter(assignments__isnull=False).distinct(),
        Booking.objects.none(),
    ]
    expected = [queryset.count() for queryset in querysets]
    assert expected[0] >= 3 and expected[1] >= 1
    with CaptureQueriesContext(connection) as captured:
        assert counts_at_once(querysets) == expected
    assert len(captured) == 1
    page = desk.get("/coordinator/").content.decode()
    assert short.title in page


def test_the_invoice_list_takes_constant_queries_and_lists_only_the_chosen_organisations_units(
    desk,
):
    unit = UnitFactory(name="Neuvola Tikkurila")
    bare_invoice(unit)
    one = queries_of(desk, "/coordinator/invoicing/")
    for n in range(49):
        bare_invoice(UnitFactory(name=f"Koulu {n}"))
    fifty = queries_of(desk, "/coordinator/invoicing/")
    assert_constant(one, fifty)
    # Two thousand units made the page a second of <option>s: without an organisation chosen
    # the unit filter lists none; with one, that organisation's units.
    page = desk.get("/coordinator/invoicing/").content.decode()
    unit_select = page[page.index('<select name="unit"') :]
    assert unit_select[: unit_select.index("</select>")].count("<option") == 1  # only "---"
    chosen = desk.get(f"/coordinator/invoicing/?organisation={unit.organisation_id}")
    assert f'<option value="{unit.pk}">' in chosen.content.decode()
    assert [invoice.unit_id for invoice in chosen.context["page"]] == [unit.pk]
    by_unit = desk.get(f"/coordinator/invoicing/?unit={unit.pk}")  # a link naming the unit
    assert f'<option value="{unit.pk}" selected>' in by_unit.content.decode()
    assert [invoice.unit_id for invoice in by_unit.context["page"]] == [unit.pk]
    bad = desk.get("/coordinator/invoicing/?organisation=" + "9" * 30 + "&unit=x")
    assert bad.status_code == 200


def test_the_quick_select_writes_what_djangos_select_writes():
    from django import forms

    from expertbank.filters import QuickSelect

    def tags(html: str) -> str:  # Django's template leaves blank lines between the options
        return re.sub(r">\s+<", "><", html)

    from django.utils.safestring import mark_safe

    choices = [
        ("", "---------"),
        (1, "Vantaan kaupunki"),
        (2, "Tom & Jerry <Oy>"),
        (3, mark_safe("<b>Oy</b> &amp; Ab")),  # a safe label is written as it is
        ('4"', 'Kotka\'s "Meri"'),
    ]
    for value in (None, "", 1, "2", "9", '4"'):
        ours = QuickSelect(choices=choices).render("organisation", value, {"id": "id_o"})
        djangos = forms.Select(choices=choices).render("organisation", value, {"id": "id_o"})
        assert tags(ours) == tags(djangos), value
    assert "Tom &amp; Jerry &lt;Oy&gt;" in ours


def _messages(count: int, *, start: int = 0) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from expertbank.models import Message

    now = timezone.now()
    Message.objects.bulk_create(
        [
            Message(
                key=f"plan:{n}",
                kind="gig_reminder",
                channel="email",
                to="asiantuntija@example.com",
                language="fi",
                status=Message.Status.SENT,
                created_at=now - timedelta(minutes=n),
            )
            for n in range(start, start + count)
        ]
    )


def test_the_message_log_takes_constant_queries_and_counts_only_up_to_its_cap(desk):
    from expertbank.message_log import message_log
    from expertbank.paging import Capped

    _messages(1)
    one = queries_of(desk, "/coordinator/messages/")
    _messages(49, start=1)
    fifty = queries_of(desk, "/coordinator/messages/")
    assert_constant(one, fifty)
    capped = Capped(message_log(), cap=20)
    assert capped.count() == 20 and capped.more
    assert [m.key for m in capped[:2]] == ["plan:0", "plan:1"]  # newest first
    assert not Capped(message_log(), cap=50).more
    response = desk.get("/coordinator/messages/")
    assert response.context["page"].paginator.count == 50
    assert "Only the newest" not in response.content.decode()  # nothing beyond the cap


def _gigs_of_many(count: int, *, start: int = 0) -> None:
    """Gigs of different experts, units and organisations over the last months: every chart
    of the dashboard and the funder report has rows to group."""
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from tests.reports.world import add_gig

    today = timezone.localdate()
    for n in range(start, start + count):
        add_gig(
            expert=ExpertFactory(municipality=f"Kunta {n % 7}"),
            unit=UnitFactory(organisation=OrganisationFactory()),
            day=today - timedelta(days=3 + n * 5),
            reported=Decimal("2.5") if n % 2 else None,
            paid_on=today - timedelta(days=n) if n % 3 == 0 else None,
            areas=("mental-health",) if n % 4 == 0 else (),
        )


@pytest.mark.parametrize("url", ["/coordinator/dashboard/", "/coordinator/reports/funder/"])
def test_the_dashboard_and_the_funder_report_take_constant_queries(desk, url):
    _gigs_of_many(1)
    one = queries_of(desk, url)
    _gigs_of_many(49, start=1)
    fifty = queries_of(desk, url)
    assert_constant(one, fifty)


def test_the_expert_list_takes_constant_queries(desk):
    ExpertFactory()
    one = queries_of(desk, "/coordinator/experts/")
    ExpertFactory.create_batch(49)
    fifty = queries_of(desk, "/coordinator/experts/")
    assert_constant(one, fifty)


def test_the_work_reports_take_constant_queries(desk):
    from decimal import Decimal

    from django.utils import timezone

    from tests.reports.world import add_gig

    def gigs(count: int, start: int = 0) -> None:
        for n in range(start, start + count):
            add_gig(
                expert=ExpertFactory(),
                unit=UnitFactory(),
                day=timezone.localdate() - timezone.timedelta(days=n + 2),
                reported=Decimal("2.0"),
            )

    gigs(1)
    one = queries_of(desk, "/coordinator/bookings/reports/")
    gigs(49, start=1)
    fifty = queries_of(desk, "/coordinator/bookings/reports/")
    assert_constant(one, fifty)


def test_the_fee_statements_take_constant_queries(desk):
    from tests.invoicing.test_fee_pages import bare_statement, months

    expert = ExpertFactory()
    every = months(50)
    bare_statement(expert, every[0])
    one = queries_of(desk, "/coordinator/invoicing/fees/")
    for month in every[1:]:
        bare_statement(expert, month)
    fifty = queries_of(desk, "/coordinator/invoicing/fees/")
    assert_constant(one, fifty)


def test_the_booking_detail_takes_constant_queries_with_1_and_50_gigs(desk):
    from datetime import timedelta

    from django.utils import timezone

    from bookings.models import Assignment, Gig, Occurrence
    from tests.reports.world import add_gig

    first = add_gig(expert=ExpertFactory(), unit=UnitFactory(), day=timezone.localdate())
    booking = first.booking
    url = f"/coordinator/bookings/{booking.pk}/"
    one = queries_of(desk, url)
    for n in range(1, 50):
        expert = ExpertFactory()
        start = first.start + timedelta(days=7 * n)
        occurrence = Occurrence.objects.create(
            booking=booking, start=start, end=start + timedelta(hours=2)
        )
        assignment = Assignment.objects.create(
            booking=booking, expert=expert, status=Assignment.Status.ACCEPTED, answer_by=start
        )
        Gig.objects.create(
            booking=booking,
            assignment=assignment,
            occurrence=occurrence,
            expert=expert,
            start=start,
            end=occurrence.end,
            busy_until=occurrence.end,
            status=Gig.Status.APPROVED,
        )
    assert booking.gigs.count() == 50
    fifty = queries_of(desk, url)
    assert_constant(one, fifty)
