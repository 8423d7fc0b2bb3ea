"""The report of a gig: sent by its expert after the gig, approved or returned by a coordinator,
changed and sent again; every wrong move refused with a clear message and nothing changed."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from bookings.models import BookingChange, Expense, Gig, GigReport
from bookings.services import BookingError
from bookings.services.reports import ExpenseInput, report_approve, report_return, report_submit
from expertbank.models import Message
from tests.bookings.factories import at, bookable_expert, confirmed
from tests.bookings.reports_factories import (
    ended_gig,
    png,
    private_media,
    report_data,
    reported_gig,
    stored_files,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def media(settings, tmp_path):
    return private_media(settings, tmp_path)


def _snapshot(gig: Gig):
    gig.refresh_from_db()
    return (
        gig.status,
        gig.fee_amount,
        gig.billable_amount,
        BookingChange.objects.filter(gig=gig).count(),
        GigReport.objects.filter(gig=gig).values_list("status", flat=True).first(),
        Expense.objects.filter(report__gig=gig).count(),
    )


def test_the_expert_reports_an_ended_gig_and_it_becomes_reported(terms, media):
    gig = ended_gig()
    report = report_submit(
        gig=gig,
        by=gig.expert.user,
        hours=Decimal("2.5"),
        preparation_hours=Decimal("1"),
        km=24,
        km_from="Kotoa, Tikkurila",
        notes="Hyvä ryhmä.",
        expenses=[ExpenseInput("Bussilippu", Decimal("3.20"), png())],
    )
    gig.refresh_from_db()
    assert gig.status == Gig.Status.REPORTED
    assert (report.hours, report.km, report.status) == (Decimal("2.5"), 24, "submitted")
    change = BookingChange.objects.filter(gig=gig).latest("pk")
    assert (change.from_status, change.to_status, change.by) == (
        "planned",
        "reported",
        gig.expert.user,
    )
    (expense,) = report.expenses.all()
    assert (expense.receipt_type, expense.receipt_name) == ("image/png", "kuitti.png")
    assert "kuitti" not in expense.receipt.name  # stored under a random name
    assert expense.receipt.name.endswith(".png") and len(stored_files(media)) == 1


def test_reporting_before_the_gig_has_ended_is_refused(terms):
    expert = bookable_expert()
    confirmed(experts=[expert], times=[(at(10, 10), at(10, 12))])
    gig = Gig.objects.get(expert=expert)
    before = _snapshot(gig)
    with pytest.raises(BookingError, match="after it has ended"):
        report_submit(gig=gig, by=expert.user, hours=Decimal("2"))
    assert _snapshot(gig) == before


def test_nobody_can_report_someone_elses_gig(terms, coordinator):
    gig = ended_gig()
    before = _snapshot(gig)
    for intruder in (bookable_expert().user, coordinator):
        with pytest.raises(BookingError, match="only your own gigs"):
            report_submit(gig=gig, by=intruder, hours=Decimal("2"))
    assert _snapshot(gig) == before


def test_a_report_is_sent_once(terms):
    gig = reported_gig()
    before = _snapshot(gig)
    with pytest.raises(BookingError, match="already sent"):
        report_submit(gig=gig, by=gig.expert.user, hours=Decimal("3"))
    assert _snapshot(gig) == before


def test_a_cancelled_gig_cannot_be_reported(terms, coordinator):
    gig = ended_gig(coordinator=coordinator)
    Gig.objects.filter(pk=gig.pk).update(status=Gig.Status.CANCELLED)
    with pytest.raises(BookingError, match="nothing to report"):
        report_submit(gig=gig, by=gig.expert.user, hours=Decimal("2"))
    assert not GigReport.objects.exists()


def test_a_planned_gig_cannot_be_approved(terms, coordinator):
    gig = ended_gig(coordinator=coordinator)
    before = _snapshot(gig)
    with pytest.raises(BookingError, match="has not sent the report"):
        report_approve(gig=gig, by=coordinator)
    assert _snapshot(gig) == before


def test_an_approved_gig_cannot_be_approved_or_returned_again(terms, coordinator):
    gig = reported_gig(coordinator=coordinator)
    report_approve(gig=gig, by=coordinator)
    before = _snapshot(gig)
    with pytest.raises(BookingError, match="Only a reported gig"):
        report_approve(gig=gig, by=coordinator)
    with pytest.raises(BookingError, match="Only a report waiting for approval"):
        report_return(gig=gig, by=coordinator, note="Korjaa")
    assert _snapshot(gig) == before


def test_a_returned_report_goes_back_to_the_expert_with_the_note(terms, coordinator, run_on_commit):
    gig = reported_gig(coordinator=coordinator)
    with run_on_commit():
        report_return(gig=gig, by=coordinator, note="Tarkista tunnit.")
    gig.refresh_from_db()
    report = GigReport.objects.get(gig=gig)
    assert gig.status == Gig.Status.PLANNED
    assert (report.status, report.review_note, report.reviewed_by) == (
        "returned",
        "Tarkista tunnit.",
        coordinator,
    )
    change = BookingChange.objects.filter(gig=gig).latest("pk")
    assert (change.from_status, change.to_status, change.note) == (
        "reported",
        "planned",
        "Tarkista tunnit.",
    )
    message = Message.objects.get(kind="report_returned")
    assert message.recipient == gig.expert.user
    assert "Tarkista tunnit." in message.body
    assert reverse("bookings_expert:report", args=[gig.pk]) in message.body


def test_returning_needs_a_note(terms, coordinator):
    gig = reported_gig(coordinator=coordinator)
    before = _snapshot(gig)
    with pytest.raises(BookingError, match="what to fix"):
        report_return(gig=gig, by=coordinator, note="  ")
    assert _snapshot(gig) == before


def test_a_returned_report_is_changed_and_sent_again(terms, coordinator, media, run_on_commit):
    gig = reported_gig(
        coordinator=coordinator, expenses=[ExpenseInput("Taksi", Decimal("30"), png("taksi.png"))]
    )
    report_return(gig=gig, by=coordinator, note="Taksi ei käy, bussilla.")
    (taxi,) = Expense.objects.filter(report__gig=gig)
    old_file = taxi.receipt.path
    with run_on_commit():  # the removed receipt's file goes when the change commits
        report_submit(
            gig=gig,
            by=gig.expert.user,
            hours=Decimal("2"),
            remove_expenses=[taxi.pk],
            expenses=[ExpenseInput("Bussilippu", Decimal("3.20"), png("bussi.png"))],
        )
    gig.refresh_from_db()
    assert gig.status == Gig.Status.REPORTED
    assert list(Expense.objects.filter(report__gig=gig).values_list("description", flat=True)) == [
        "Bussilippu"
    ]
    assert BookingChange.objects.filter(gig=gig).latest("pk").note == "The report was sent again."
    (left,) = stored_files(media)
    assert str(left) != old_file


def test_the_expert_reports_on_the_page_and_sees_it_waiting(client, terms, media):
    gig = ended_gig()
    client.force_login(gig.expert.user)
    url = reverse("bookings_expert:report", args=[gig.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert 'value="2"' in page.content.decode()  # the booked hours are filled in
    data = report_data(
        hours="2.5",
        km="12",
        km_from="Kotoa",
        **{
            "expenses-0-description": "Bussilippu",
            "expenses-0-amount": "3.20",
            "expenses-0-receipt": png(),
            "checkin-feeling": "4",
        },
    )
    response = client.post(url, data)
    assert response.status_code == 302
    gig.refresh_from_db()
    assert gig.status == Gig.Status.REPORTED
    shown = client.get(url).content.decode()
    assert "Waiting for approval" in shown and "Send the report" not in shown
    assert reverse("bookings_expert:receipt", args=[Expense.objects.get().pk]) in shown


def test_a_finnish_expert_writes_hours_with_a_decimal_comma(client, terms):
    expert = bookable_expert()
    expert.user.language = "fi"
    expert.user.save()
    gig = ended_gig(expert=expert)
    client.force_login(expert.user)
    response = client.post(
        reverse("bookings_expert:report", args=[gig.pk]), report_data(hours="2,5")
    )
    assert response.status_code == 302
    assert GigReport.objects.get(gig=gig).hours == Decimal("2.5")


def test_the_page_of_a_gig_not_yet_ended_says_when_to_report(client, terms):
    expert = bookable_expert()
    confirmed(experts=[expert], times=[(at(10, 10), at(10, 12))])
    gig = Gig.objects.get(expert=expert)
    client.force_login(expert.user)
    url = reverse("bookings_expert:report", args=[gig.pk])
    page = client.get(url).content.decode()
    assert "You can report this gig after it has ended" in page
    response = client.post(url, report_data())
    assert response.status_code == 400
    assert "You can report the gig after it has ended" in response.content.decode()
    assert not GigReport.objects.exists()


def test_the_gig_lists_ask_for_the_report_of_an_ended_gig(client, terms, coordinator):
    gig = ended_gig(ended_ago=timedelta(days=2), coordinator=coordinator)
    client.force_login(gig.expert.user)
    report_url = reverse("bookings_expert:report", args=[gig.pk])
    assert report_url in client.get(reverse("bookings_expert:past")).content.decode()
    assert report_url in client.get(reverse("bookings_expert:gig", args=[gig.pk])).content.decode()
    home = client.get(reverse("bookings_expert:home")).content.decode()
    assert "Gigs to report" in home and report_url in home
    report_submit(gig=gig, by=gig.expert.user, hours=Decimal("2"))
    assert "Gigs to report" not in client.get(reverse("bookings_expert:home")).content.decode()
    report_return(gig=gig, by=coordinator, note="Korjaa")
    home = client.get(reverse("bookings_expert:home")).content.decode()
    assert "Returned: please check" in home and report_url in home


def test_the_coordinator_approves_from_the_report_page(client, terms, coordinator):
    gig = reported_gig(coordinator=coordinator, hours="2")
    client.force_login(coordinator)
    page = client.get(reverse("bookings_coordinator:report", args=[gig.pk])).content.decode()
    assert "Amounts when approved" in page
    assert "200.00\xa0€" in page and "350.00\xa0€" in page
    response = client.post(reverse("bookings_coordinator:report_approve", args=[gig.pk]))
    assert response.status_code == 302
    gig.refresh_from_db()
    assert (gig.status, gig.fee_amount, gig.billable_amount) == (
        "approved",
        Decimal("200.00"),
        Decimal("350.00"),
    )


def test_approving_a_planned_gig_on_the_page_shows_why_not(client, terms, coordinator):
    gig = ended_gig(coordinator=coordinator)
    client.force_login(coordinator)
    response = client.post(
        reverse("bookings_coordinator:report_approve", args=[gig.pk]), follow=True
    )
    assert "has not sent the report of this gig yet" in response.content.decode()
    gig.refresh_from_db()
    assert gig.status == Gig.Status.PLANNED


def test_the_coordinator_returns_a_report_with_a_note_on_the_page(client, terms, coordinator):
    gig = reported_gig(coordinator=coordinator)
    client.force_login(coordinator)
    url = reverse("bookings_coordinator:report_return", args=[gig.pk])
    empty = client.post(url, {"note": ""})
    assert empty.status_code == 400 and "Tell the expert what to fix." in empty.content.decode()
    assert client.post(url, {"note": "Lisää kuitti."}).status_code == 302
    gig.refresh_from_db()
    assert gig.status == Gig.Status.PLANNED
    client.force_login(gig.expert.user)
    page = client.get(reverse("bookings_expert:report", args=[gig.pk])).content.decode()
    assert "Lisää kuitti." in page and "Send the report" in page
