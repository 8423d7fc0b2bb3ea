"""The monthly invoice run: what it bills, how it groups and numbers, the money to the cent,
frozen terms, late cancellations, funding sources, exactly once, and the dry run."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from bookings import money as booking_money
from bookings import services as booking_services
from bookings.models import Gig, PriceUnit
from bookings.selectors.earnings import Period
from expertbank.finnish import is_valid_reference
from invoicing import money, services
from invoicing.models import Invoice, InvoiceChange, InvoiceImmutable, InvoiceLine
from tests.bookings.factories import FundingSourceFactory, at, bookable_expert, confirmed
from tests.invoicing.factories import after, approved_gig, last_month, month_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def run(period, *, by=None, **kwargs):
    return services.invoices_issue(period=period, by=by, issue_date=after(period), **kwargs)


def test_an_approved_gig_is_billed_with_its_travel_and_expenses(terms, coordinator):
    gig = approved_gig(coordinator=coordinator, km=42, expenses=(("Juna", "12.40"),))
    (invoice,) = run(month_of(gig), by=coordinator).invoices
    lines = {line.kind: line for line in invoice.lines.all()}
    assert set(lines) == {"work", "travel", "expenses"}
    assert (lines["work"].net, lines["work"].vat) == (Decimal("350.00"), Decimal("89.25"))
    rate = money.mileage_rate(timezone.localdate(gig.start))
    assert lines["travel"].quantity == 42 and lines["travel"].unit_price == rate
    assert lines["travel"].net == money.mileage_allowance(
        km=42, trip_date=timezone.localdate(gig.start)
    )
    assert lines["expenses"].net == Decimal("12.40")
    assert lines["work"].expert_name == gig.expert.shown_name
    assert invoice.gross_total == sum(line.gross for line in lines.values())
    assert invoice.gross_total == invoice.net_total + invoice.vat_total
    assert invoice.status == Invoice.Status.ISSUED
    assert invoice.issued_by == coordinator


def test_the_seller_and_the_buyer_are_copied_onto_the_invoice(terms, coordinator, settings):
    gig = approved_gig(coordinator=coordinator)
    unit = gig.booking.unit
    unit.billing_address = "Vantaan kaupunki\nOstolaskut\nPL 1000\n00099 Vantaa"
    unit.payment_terms_days = 30
    unit.save()
    (invoice,) = run(month_of(gig)).invoices
    assert (invoice.seller_name, invoice.seller_iban) == (settings.BANK_NAME, "FI4950009420028730")
    assert invoice.buyer_name == unit.organisation.name and invoice.buyer_unit == unit.name
    assert invoice.buyer_address.endswith("00099 Vantaa")
    assert invoice.due_date == invoice.issue_date + timedelta(days=30)
    unit.name = "Renamed"
    unit.save()
    invoice.refresh_from_db()
    assert invoice.buyer_unit != "Renamed"


def test_numbers_are_gapless_in_the_year_and_the_reference_comes_from_the_number(
    terms, coordinator
):
    first = approved_gig(coordinator=coordinator, day=20)
    second = approved_gig(coordinator=coordinator, day=21)  # another unit: another invoice
    assert month_of(first) == month_of(second)
    assert len(run(month_of(first)).invoices) == 2
    year = after(month_of(first)).year
    numbers = sorted(i.sequence for i in Invoice.objects.all())
    assert numbers == list(range(1, len(numbers) + 1))
    for invoice in Invoice.objects.all():
        assert invoice.number == f"{year}-{invoice.sequence:05d}"
        assert invoice.reference.startswith(f"{year}{invoice.sequence:05d}")
        assert is_valid_reference(invoice.reference)


def test_one_invoice_per_unit_and_reference_and_cost_centre(terms, coordinator, anna):
    ben = bookable_expert()
    a = approved_gig(coordinator=coordinator, expert=anna, own_reference="PO-1")
    unit = a.booking.unit
    member = unit.memberships.first().user
    b = approved_gig(coordinator=coordinator, expert=ben, by=member, own_reference="PO-1", day=21)
    c = approved_gig(
        coordinator=coordinator, expert=bookable_expert(), by=member, own_reference="PO-2", day=22
    )
    assert month_of(a) == month_of(b) == month_of(c)
    invoices = run(month_of(a)).invoices
    by_reference = {i.client_reference: i.lines.count() for i in invoices}
    assert by_reference == {"PO-1": 2, "PO-2": 1}
    assert {i.unit for i in invoices} == {unit}


def test_the_terms_frozen_on_the_booking_are_billed_not_todays_price_list(terms, coordinator):
    gig = approved_gig(coordinator=coordinator)
    terms.client_price, terms.vat_rate = Decimal("999.00"), Decimal("10.00")
    terms.save()
    (invoice,) = run(month_of(gig)).invoices
    line = invoice.lines.get(kind="work")
    assert (line.net, line.vat_rate) == (Decimal("350.00"), Decimal("25.50"))


def test_an_hourly_price_shows_the_hours_times_the_price(terms, coordinator):
    terms.client_unit, terms.client_price, terms.minimum_hours = PriceUnit.PER_HOUR, 45, 2
    terms.save()
    gig = approved_gig(coordinator=coordinator, hours="3.5")
    line = run(month_of(gig)).invoices[0].lines.get(kind="work")
    assert (line.quantity, line.quantity_unit, line.unit_price) == (
        Decimal("3.50"),
        "h",
        Decimal("45.00"),
    )
    assert line.net == Decimal("157.50") == gig.billable_amount


def test_vat_is_counted_per_line_and_totalled_per_rate_to_the_cent(terms, coordinator):
    terms.client_price = Decimal("33.33")
    terms.save()
    gig = approved_gig(coordinator=coordinator, km=7)
    (invoice,) = run(month_of(gig)).invoices
    groups = money.vat_breakdown(invoice.lines.all())
    assert len(groups) == 1 and groups[0].rate == Decimal("25.50")
    assert groups[0].vat == sum(line.vat for line in invoice.lines.all())
    work = invoice.lines.get(kind="work")
    assert work.vat == Decimal("8.50")  # 33.33 × 25.5 % = 8.49915 → 8.50
    assert invoice.vat_total == groups[0].vat


def test_a_zero_vat_line_carries_its_exemption_text(terms, coordinator):
    terms.vat_rate, terms.vat_exemption_text = Decimal("0"), "AVL 4 §"
    terms.save()
    gig = approved_gig(coordinator=coordinator)
    line = run(month_of(gig)).invoices[0].lines.get(kind="work")
    assert (line.vat, line.vat_exemption_text) == (Decimal("0.00"), "AVL 4 §")


def test_travel_is_not_billed_where_the_terms_say_so(terms, coordinator):
    terms.rebill_travel = False
    terms.save()
    gig = approved_gig(coordinator=coordinator, km=42, expenses=(("Juna", "12.40"),))
    (invoice,) = run(month_of(gig)).invoices
    assert list(invoice.lines.values_list("kind", flat=True)) == ["work"]


def test_a_late_cancellation_amount_is_billed(terms, coordinator):
    booking = confirmed(coordinator=coordinator, times=[(at(3, 10), at(3, 12))])
    booking_services.booking_cancel(booking=booking, by=coordinator, reason="Peruttu")
    gig = Gig.objects.get(booking=booking)
    booking_services.cancellation_settle(gig=gig, by=coordinator)
    (invoice,) = run(month_of(gig)).invoices
    line = invoice.lines.get()
    assert (line.kind, line.net) == ("cancellation", Decimal("175.00"))


def test_a_cancellation_in_good_time_bills_nothing(terms, coordinator):
    booking = confirmed(coordinator=coordinator, times=[(at(30, 10), at(30, 12))])
    booking_services.booking_cancel(booking=booking, by=coordinator, reason="Peruttu")
    gig = Gig.objects.get(booking=booking)
    assert run(month_of(gig)).invoices == []


def test_a_booking_charged_to_a_funding_source_is_not_invoiced_but_uses_the_budget(
    terms, coordinator
):
    source = FundingSourceFactory(budget=Decimal("1000"))
    gig = approved_gig(coordinator=coordinator)
    booking_services.booking_fund(booking=gig.booking, funding_source=source, by=coordinator)
    result = run(month_of(gig))
    assert result.invoices == [] and result.plan.funded == [gig]
    assert booking_money.funding_used(source) == Decimal("200.00")


def test_a_gig_approved_after_its_months_run_is_billed_by_the_next(terms, coordinator):
    gig = approved_gig(coordinator=coordinator)
    period = month_of(gig)
    (first,) = run(period).invoices
    late = approved_gig(coordinator=coordinator, day=22)
    assert month_of(late) == period
    (again,) = run(Period.month_of(period.end + timedelta(days=1))).invoices
    assert again.lines.get().gig == late
    assert first.lines.get().gig == gig


def test_running_twice_bills_each_gig_once(terms, coordinator):
    gig = approved_gig(coordinator=coordinator, km=10)
    period = month_of(gig)
    assert len(run(period).invoices) == 1
    assert run(period).invoices == []
    assert InvoiceLine.objects.filter(gig=gig, billing=True).count() == 2


def test_the_database_refuses_to_bill_a_gig_twice(terms, coordinator):
    from django.db import IntegrityError, transaction

    gig = approved_gig(coordinator=coordinator)
    (invoice,) = run(month_of(gig)).invoices
    line = invoice.lines.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        InvoiceLine.objects.create(
            invoice=Invoice.objects.create(
                unit=invoice.unit,
                period_start=invoice.period_start,
                period_end=invoice.period_end,
                payment_terms_days=14,
                seller_name="x",
                seller_business_id="x",
                seller_street="x",
                seller_postcode="x",
                seller_city="x",
                seller_iban="x",
                seller_bic="x",
                buyer_name="x",
                buyer_unit="x",
            ),
            position=1,
            kind=line.kind,
            gig=gig,
            booking=gig.booking,
            date=line.date,
            description="again",
            quantity=1,
            unit_price=1,
            net=1,
            vat_rate=0,
            vat=0,
            gross=1,
        )


def test_the_database_refuses_a_second_invoice_with_the_same_reference(terms, coordinator):
    """A payment is matched to its invoice by the reference, so no two invoices share one
    (drafts have none yet, and many drafts may wait at once)."""
    from django.db import IntegrityError, transaction

    gig = approved_gig(coordinator=coordinator)
    (invoice,) = run(month_of(gig)).invoices
    assert invoice.reference
    copy = Invoice.objects.get(pk=invoice.pk)
    copy.pk, copy.sequence, copy.number = None, invoice.sequence + 1, "copy"
    with pytest.raises(IntegrityError), transaction.atomic():
        copy.save()
    drafts = [Invoice.objects.get(pk=invoice.pk) for _n in range(2)]
    for draft in drafts:
        draft.pk, draft.status, draft.reference, draft.number = None, "draft", "", ""
        draft.sequence = draft.issue_date = draft.due_date = None
        draft.save()
    assert Invoice.objects.filter(reference="").count() == 2
    assert Invoice.objects.filter(reference=invoice.reference).count() == 1


def test_the_dry_run_shows_the_invoices_and_changes_nothing(terms, coordinator):
    gig = approved_gig(coordinator=coordinator, km=5)
    result = run(month_of(gig), dry_run=True)
    assert result.dry_run and result.invoices == []
    (draft,) = result.plan.drafts
    assert [charge.kind for charge in draft.charges] == ["work", "travel"]
    assert (Invoice.objects.count(), InvoiceLine.objects.count()) == (0, 0)


def test_a_month_not_yet_over_is_refused(terms, coordinator):
    gig = approved_gig(coordinator=coordinator)
    period = month_of(gig)
    with pytest.raises(services.InvoicingError, match="once it is over"):
        services.invoices_issue(period=period, by=None, issue_date=period.end)
    assert not Invoice.objects.exists()


def test_without_the_banks_details_nothing_is_issued(terms, coordinator, settings):
    settings.BANK_IBAN = ""
    gig = approved_gig(coordinator=coordinator)
    with pytest.raises(services.InvoicingError, match="BANK_IBAN"):
        run(month_of(gig))
    assert not Invoice.objects.exists()


def test_an_issued_invoice_can_be_neither_changed_nor_deleted(terms, coordinator):
    gig = approved_gig(coordinator=coordinator)
    (invoice,) = run(month_of(gig)).invoices
    invoice.buyer_name = "Someone else"
    with pytest.raises(InvoiceImmutable):
        invoice.save()
    with pytest.raises(InvoiceImmutable):
        invoice.delete()
    with pytest.raises(InvoiceImmutable):
        Invoice.objects.filter(pk=invoice.pk).delete()
    line = invoice.lines.first()
    line.net = Decimal("1.00")
    with pytest.raises(InvoiceImmutable):
        line.save()
    assert Invoice.objects.get(pk=invoice.pk).buyer_name != "Someone else"


def test_issuing_is_in_the_history(terms, coordinator):
    gig = approved_gig(coordinator=coordinator)
    (invoice,) = run(month_of(gig), by=coordinator).invoices
    change = invoice.changes.get()
    assert (change.kind, change.from_status, change.to_status, change.by) == (
        InvoiceChange.Kind.STATUS,
        "draft",
        "issued",
        coordinator,
    )


def test_the_command_runs_a_month_and_its_dry_run(terms, coordinator, capsys):
    gig = approved_gig(coordinator=coordinator)
    period = month_of(gig)
    label = f"{period.start:%Y-%m}"
    call_command("invoices_issue", "--month", label, "--dry-run")
    assert "1 invoices would be issued" in capsys.readouterr().out
    assert not Invoice.objects.exists()
    with pytest.raises(CommandError, match="2026-11"):
        call_command("invoices_issue", "--month", "11/2026")
    with pytest.raises(CommandError, match="2026-11"):
        call_command("invoices_issue", "--month", "2026-13")


def test_the_previous_month_is_the_one_that_ended(terms, coordinator):
    from invoicing.selectors import previous_month

    assert previous_month(date(2026, 12, 1)) == Period(date(2026, 11, 1), date(2026, 11, 30))
    assert previous_month(date(2026, 1, 31)) == Period(date(2025, 12, 1), date(2025, 12, 31))


def test_the_monthly_task_and_the_command_invoice_the_month_that_ended(terms, coordinator):
    from invoicing.tasks import invoices_issue_task

    gig = approved_gig(coordinator=coordinator, ended_ago=last_month())
    assert month_of(gig).end < timezone.localdate()
    assert invoices_issue_task() == 1
    assert Invoice.objects.get().lines.get().gig == gig
    call_command("invoices_issue", "--month", f"{month_of(gig).start:%Y-%m}")
    assert Invoice.objects.count() == 1  # nothing left to bill
