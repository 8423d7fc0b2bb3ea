"""The monthly fee payment: statement lines by income type, withholding under the card valid on
the payment date, a whole statement adding up, holds, corrections, moving a fee to next month,
the batch with its files, and paying each gig once."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from bookings.models import Booking, Gig
from bookings.money import mileage_allowance
from bookings.selectors.earnings import Period
from expertbank.crypto import reset_keys
from experts.models import TaxCard
from experts.services import tax_card_record
from invoicing import fees
from invoicing.models import (
    FeeChange,
    FeeLine,
    FeeStatement,
    IncomesRegisterReport,
    IncomeType,
    PaymentBatch,
)
from invoicing.services import fees as fee_services
from invoicing.services.common import InvoicingError
from tests.bookings.factories import bookable_expert, work_kind
from tests.invoicing.factories import approved_gig, last_month, month_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

GOOD_IBAN = "FI4950009420028730"
GOOD_CODE = "131052-308T"


@pytest.fixture(autouse=True)
def field_keys(settings):
    settings.FIELD_ENCRYPTION_KEYS = Fernet.generate_key().decode()
    settings.FIELD_HASH_KEY = "fees-test-hash-key"
    reset_keys()
    yield
    reset_keys()


@pytest.fixture
def payee():
    expert = bookable_expert()
    expert.iban, expert.identity_code = GOOD_IBAN, GOOD_CODE
    expert.save()
    return expert


def card(expert, *, kind=TaxCard.Kind.WAGE, base="20", additional="40", limit="1000", **kw):
    today = timezone.localdate()
    return tax_card_record(
        expert=expert,
        by=None,
        kind=kind,
        valid_from=date(today.year - 1, 2, 1),
        valid_until=date(today.year + 1, 1, 31),
        base_rate=Decimal(base) if base is not None else None,
        additional_rate=Decimal(additional) if additional is not None else None,
        income_limit=Decimal(limit) if limit is not None else None,
        **kw,
    )


def run(gig, by=None):
    return fee_services.fees_run(period=month_of(gig), by=by)


def test_a_gig_pays_its_fee_kilometres_and_expenses_on_one_statement(terms, coordinator, payee):
    gig = approved_gig(
        coordinator=coordinator,
        expert=payee,
        km=30,
        expenses=(("Juna", "8.60"),),
        ended_ago=last_month(),
    )
    (statement,) = run(gig).statements
    lines = {line.kind: line for line in statement.lines.all()}
    assert (lines["fee"].income_type, lines["fee"].amount) == ("214", Decimal("200.00"))
    day = timezone.localdate(gig.start)
    assert (lines["mileage"].income_type, lines["mileage"].km) == ("311", 30)
    assert lines["mileage"].amount == mileage_allowance(km=30, trip_date=day)
    assert (lines["expenses"].income_type, lines["expenses"].amount) == ("", Decimal("8.60"))
    assert statement.wages == Decimal("200.00") and statement.work_compensation == 0
    assert statement.expenses == Decimal("8.60")


def test_a_whole_statement_adds_up(terms, coordinator, payee):
    card(payee, base="20", additional="40", limit="1000")
    gig = approved_gig(coordinator=coordinator, expert=payee, km=10, ended_ago=last_month())
    (statement,) = run(gig).statements
    assert statement.withholding == Decimal("40.00")  # 200 × 20 %
    assert statement.payout == (
        statement.gross - statement.withholding + statement.mileage + statement.expenses
    )
    assert "tax card" in statement.withholding_note


def test_no_valid_card_withholds_60_percent(terms, coordinator, payee):
    gig = approved_gig(coordinator=coordinator, expert=payee, ended_ago=last_month())
    (statement,) = run(gig).statements
    assert statement.withholding == Decimal("120.00")
    assert "no valid tax card" in statement.withholding_note


def test_a_wage_card_is_not_used_for_compensation_for_work(terms, coordinator, payee):
    terms.work_kind = work_kind("service-development")  # 336
    terms.save()
    card(payee, kind=TaxCard.Kind.WAGE, base="10", additional="10", limit=None)
    gig = approved_gig(
        coordinator=coordinator,
        expert=payee,
        ended_ago=last_month(),
        work_kind=work_kind("service-development"),
    )
    (statement,) = run(gig).statements
    assert statement.lines.get(kind="fee").income_type == IncomeType.WORK_COMPENSATION
    assert statement.withholding == Decimal("120.00")  # 60 %: no card of the right kind


def test_the_prepayment_register_frees_compensation_for_work_only(terms, coordinator, payee):
    card(
        payee,
        kind=TaxCard.Kind.WORK_COMPENSATION,
        base=None,
        additional=None,
        limit=None,
        prepayment_register=True,
    )
    talk = approved_gig(coordinator=coordinator, expert=payee, ended_ago=last_month())
    (statement,) = run(talk).statements
    assert statement.withholding == Decimal("120.00")  # a lecture fee (214): always withheld


def _paid_earlier(expert, amount):
    """``amount`` € of lecture fees paid to ``expert`` in January of this year."""
    year = timezone.localdate().year
    earlier = FeeStatement.objects.create(
        expert=expert, period_start=date(year, 1, 1), period_end=date(year, 1, 31)
    )
    FeeLine.objects.create(
        statement=earlier,
        kind=FeeLine.Kind.CORRECTION,
        date=earlier.period_start,
        description="earlier",
        income_type="214",
        amount=Decimal(amount),
    )
    FeeStatement.objects.filter(pk=earlier.pk).update(
        status="paid",
        paid_on=date(year, 1, 21),
        payment_date=date(year, 1, 21),
        batch=PaymentBatch.objects.create(payment_date=date(year, 1, 21), message_id=f"E{amount}"),
    )


def test_the_limit_counts_income_paid_earlier_in_the_year(terms, coordinator, payee):
    card(payee, base="20", additional="40", limit="1100")
    first = approved_gig(coordinator=coordinator, expert=payee, ended_ago=last_month())
    (statement,) = run(first).statements
    _paid_earlier(payee, "1000")  # 1000 € of lecture fees already paid this year
    found = fees.totals(statement, payment_date=timezone.localdate())
    assert found.withholding == Decimal("60.00")  # 100 × 20 % + 100 × 40 %


def test_a_declined_fee_still_pays_the_expenses(terms, coordinator, payee):
    from bookings import services as booking_services
    from tests.bookings.reports_factories import ExpenseInput, ended_gig, png

    gig = ended_gig(coordinator=coordinator, expert=payee, ended_ago=last_month())
    booking_services.report_submit(
        gig=gig,
        by=payee.user,
        hours=Decimal("2"),
        km=12,
        km_from="Koti",
        expenses=[ExpenseInput("Bussi", Decimal("3.10"), png())],
        fee_declined=True,
    )
    booking_services.report_approve(gig=gig, by=coordinator)
    (statement,) = run(gig).statements
    assert statement.lines.get(kind="fee").amount == 0
    assert statement.gross == 0 and statement.withholding == 0
    assert statement.payout == statement.mileage + Decimal("3.10") > 0


def test_running_twice_adds_each_gig_once(terms, coordinator, payee):
    gig = approved_gig(coordinator=coordinator, expert=payee, km=5, ended_ago=last_month())
    run(gig)
    again = run(gig)
    assert again.statements == [] and again.plan.lines == {}
    assert FeeLine.objects.filter(gig=gig).count() == 2


def test_the_dry_run_changes_nothing(terms, coordinator, payee):
    gig = approved_gig(coordinator=coordinator, expert=payee, ended_ago=last_month())
    result = fee_services.fees_run(period=month_of(gig), by=None, dry_run=True)
    assert result.dry_run and list(result.plan.lines) == [payee.pk]
    assert not FeeStatement.objects.exists()


def test_a_statement_is_held_released_and_corrected_with_a_reason(terms, coordinator, payee):
    gig = approved_gig(coordinator=coordinator, expert=payee, ended_ago=last_month())
    (statement,) = run(gig).statements
    with pytest.raises(InvoicingError, match="Say why"):
        fee_services.statement_hold(statement=statement, by=coordinator, reason="")
    fee_services.statement_hold(statement=statement, by=coordinator, reason="Tarkistetaan")
    statement.refresh_from_db()
    assert statement.status == "held"
    fee_services.statement_release(statement=statement, by=coordinator)
    fee_services.statement_correct(
        statement=statement,
        by=coordinator,
        reason="Puuttui valmistelu",
        amount=Decimal("25.00"),
        income_type="214",
        description="Valmistelu 1 h",
    )
    statement.refresh_from_db()
    assert statement.wages == Decimal("225.00")
    assert statement.changes.filter(kind=FeeChange.Kind.CORRECTED).exists()
    with pytest.raises(InvoicingError, match="below zero"):
        fee_services.statement_correct(
            statement=statement,
            by=coordinator,
            reason="x",
            amount=Decimal("-999"),
            income_type="214",
            description="x",
        )
    statement.refresh_from_db()
    assert statement.wages == Decimal("225.00")


def test_an_expert_moves_a_fee_to_next_month(terms, coordinator, payee):
    gig = approved_gig(coordinator=coordinator, expert=payee, ended_ago=last_month())
    (statement,) = run(gig).statements
    fee_services.fee_defer(gig=gig, by=payee.user)
    statement.refresh_from_db()
    assert not statement.lines.exists() and statement.payout == 0
    gig.refresh_from_db()
    assert gig.pay_not_before == Period.month_of(statement.period_end + timedelta(days=1)).start
    assert gig.changes.filter(kind="payment_moved").exists()
    assert run(gig).statements == []  # not in the same month's run
    nxt = Period.month_of(statement.period_end + timedelta(days=1))
    (later,) = fee_services.run_statements(period=nxt, by=None).statements
    assert later.lines.get(kind="fee").gig == gig
    other = bookable_expert()
    with pytest.raises(InvoicingError, match="only your own"):
        fee_services.fee_defer(gig=gig, by=other.user)


@pytest.fixture
def batch(terms, coordinator, payee):
    gig = approved_gig(coordinator=coordinator, expert=payee, km=20, ended_ago=last_month())
    run(gig)
    result = fee_services.fees_pay(
        period=month_of(gig), payment_date=timezone.localdate(), by=coordinator
    )
    return result


def test_the_batch_has_the_transfer_file_and_an_incomes_register_report(batch):
    assert batch.missing == []
    (statement,) = batch.statements
    assert statement.status == "in_payment" and statement.batch == batch.batch
    assert "pain.001.001.09" in batch.batch.sepa_xml
    report = IncomesRegisterReport.objects.get(statement=statement)
    assert report.deadline >= statement.payment_date + timedelta(days=5)
    assert "WageReportsToIR" in report.xml
    assert batch.batch.total == statement.payout


def test_confirming_the_batch_marks_the_gigs_paid_on_the_payment_date(batch, coordinator):
    fee_services.batch_confirm(batch=batch.batch, by=coordinator)
    (statement,) = batch.statements
    statement.refresh_from_db()
    assert (statement.status, statement.paid_on) == ("paid", batch.batch.payment_date)
    gig = statement.lines.get(kind="fee").gig
    assert (gig.status, gig.paid_on) == (Gig.Status.PAID, batch.batch.payment_date)
    with pytest.raises(InvoicingError, match="already confirmed"):
        fee_services.batch_confirm(batch=batch.batch, by=coordinator)


def test_a_batch_is_confirmed_only_from_its_payment_date_on(terms, coordinator, payee):
    gig = approved_gig(coordinator=coordinator, expert=payee, ended_ago=last_month())
    run(gig)
    result = fee_services.fees_pay(
        period=month_of(gig),
        payment_date=timezone.localdate() + timedelta(days=3),
        by=coordinator,
    )
    with pytest.raises(InvoicingError, match="confirm it on that day"):
        fee_services.batch_confirm(batch=result.batch, by=coordinator)
    gig.refresh_from_db()
    assert gig.paid_on is None


def test_experts_without_an_account_or_identity_code_are_listed_not_paid(terms, coordinator):
    nobody = bookable_expert()
    gig = approved_gig(coordinator=coordinator, expert=nobody, ended_ago=last_month())
    run(gig)
    result = fee_services.fees_pay(
        period=month_of(gig), payment_date=timezone.localdate(), by=coordinator
    )
    assert result.batch is None and result.statements == []
    assert [(expert, why) for expert, why in result.missing] == [
        (nobody, "no valid IBAN, no valid identity code")
    ]
    assert FeeStatement.objects.get().status == "approved"


def test_paying_twice_pays_each_statement_once(batch, coordinator):
    (statement,) = batch.statements
    again = fee_services.fees_pay(
        period=Period.month_of(statement.period_start),
        payment_date=timezone.localdate(),
        by=coordinator,
    )
    assert again.batch is None
    assert PaymentBatch.objects.count() == 1


def test_a_payment_date_in_the_past_is_refused(terms, coordinator, payee):
    with pytest.raises(InvoicingError, match="past"):
        fee_services.fees_pay(
            period=Period.month_of(timezone.localdate()),
            payment_date=timezone.localdate() - timedelta(days=1),
            by=coordinator,
        )


def test_paying_closes_a_delivered_booking(terms, coordinator, payee):
    gig = approved_gig(coordinator=coordinator, expert=payee, ended_ago=last_month())
    Booking.objects.filter(pk=gig.booking_id).update(status=Booking.Status.DELIVERED)
    run(gig)
    result = fee_services.fees_pay(
        period=month_of(gig), payment_date=timezone.localdate(), by=coordinator
    )
    fee_services.batch_confirm(batch=result.batch, by=coordinator)
    assert Booking.objects.get(pk=gig.booking_id).status == Booking.Status.CLOSED


def test_the_commands_run_pay_and_confirm(terms, coordinator, payee, tmp_path, capsys):
    gig = approved_gig(coordinator=coordinator, expert=payee, ended_ago=last_month())
    month = f"{month_of(gig).start:%Y-%m}"
    call_command("fees_run", "--month", month, "--dry-run")
    assert "would be" in capsys.readouterr().out and not FeeStatement.objects.exists()
    call_command("fees_run", "--month", month)
    assert FeeStatement.objects.count() == 1
    today = f"{timezone.localdate():%Y-%m-%d}"
    call_command("fees_pay", "--month", month, "--payment-date", today, "--out", str(tmp_path))
    batch = PaymentBatch.objects.get()
    files = sorted(path.name for path in tmp_path.iterdir())
    assert f"{batch.message_id}-pain.001.001.09.xml" in files
    assert any(name.endswith("-tulorekisteri.xml") for name in files)
    report = batch.incomes_reports.get()
    assert f"{report.report_id}-tulorekisteri.xml" in files
    assert f"{batch.message_id}-tulorekisteri.xml" in files  # the batch's reports in one file
    call_command("fees_pay", "--confirm", str(batch.pk))
    batch.refresh_from_db()
    assert batch.status == "paid"
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("fees_pay", "--month", month, "--payment-date", "tomorrow", "--out", "x")


def test_without_the_banks_phone_no_fees_are_paid(terms, coordinator, payee, settings):
    settings.BANK_PHONE = ""
    gig = approved_gig(coordinator=coordinator, expert=payee, ended_ago=last_month())
    run(gig)
    with pytest.raises(InvoicingError, match="BANK_PHONE"):
        fee_services.fees_pay(
            period=month_of(gig), payment_date=timezone.localdate(), by=coordinator
        )
    assert not PaymentBatch.objects.exists()


def test_a_correction_cannot_take_one_income_type_below_zero(terms, coordinator, payee):
    gig = approved_gig(coordinator=coordinator, expert=payee, ended_ago=last_month())
    (statement,) = run(gig).statements
    fee_services.statement_correct(
        statement=statement,
        by=coordinator,
        reason="Raati",
        amount=Decimal("300"),
        income_type="210",
        description="Kokous",
    )
    with pytest.raises(InvoicingError, match="below zero"):
        fee_services.statement_correct(
            statement=statement,
            by=coordinator,
            reason="x",
            amount=Decimal("-250"),
            income_type="214",
            description="x",
        )
    with pytest.raises(InvoicingError, match="income type"):
        fee_services.statement_correct(
            statement=statement,
            by=coordinator,
            reason="x",
            amount=Decimal("5"),
            income_type="311",
            description="km",
        )
    assert statement.lines.filter(kind="correction").count() == 1


def test_an_invalid_bic_is_listed_before_the_bank_refuses_the_file(terms, coordinator, payee):
    payee.bic = "NOTABIC"
    payee.save()
    assert fee_services.missing_details(payee) == "an invalid BIC"


def test_a_moved_fee_counts_towards_the_caps_in_the_later_month(terms, coordinator, payee):
    from bookings.selectors.earnings import expert_earnings

    gig = approved_gig(coordinator=coordinator, expert=payee)  # this month, not yet paid
    today = timezone.localdate()
    this, nxt = Period.month_of(today), Period.month_of(today.replace(day=28) + timedelta(days=5))
    before = expert_earnings(payee, [this, nxt], today=today)
    assert (before[0].total, before[1].total) == (Decimal("200.00"), 0)
    fee_services.fee_defer(gig=gig, by=payee.user)
    gig.refresh_from_db()
    assert gig.pay_not_before == nxt.start
    after = expert_earnings(payee, [this, nxt], today=today)
    assert (after[0].total, after[1].total) == (0, Decimal("200.00"))


def test_a_run_of_many_statements_withholds_as_each_statement_alone(terms, coordinator):
    """The run reads every expert's tax facts at once (``fees.TaxFacts``); each statement's
    withholding is what the one-statement rule gives."""
    experts = [bookable_expert() for _ in range(4)]
    card(experts[0], base="20", additional="40", limit="1100")
    _paid_earlier(experts[0], "1000")  # 100 € left under the limit
    card(experts[1], base="10", additional="50", limit=None)
    card(
        experts[2],
        kind=TaxCard.Kind.WORK_COMPENSATION,
        base=None,
        additional=None,
        limit=None,
        prepayment_register=True,
    )  # no wage card: 60 %
    gigs = [
        approved_gig(coordinator=coordinator, expert=expert, ended_ago=last_month(), day=day)
        for day, expert in zip((11, 12, 13, 14), experts, strict=True)
    ]
    statements = run(gigs[0]).statements
    assert len(statements) == 4
    withheld = {s.expert_id: s.withholding for s in statements}
    assert withheld[experts[0].pk] == Decimal("60.00")  # 100 × 20 % + 100 × 40 %
    assert withheld[experts[1].pk] == Decimal("20.00")
    assert withheld[experts[2].pk] == Decimal("120.00")
    assert withheld[experts[3].pk] == Decimal("120.00")
    for statement in FeeStatement.objects.filter(pk__in=[s.pk for s in statements]):
        estimate = fee_services.expected_payment_date(month_of(gigs[0]))
        alone = fees.totals(statement, payment_date=statement.payment_date or estimate)
        assert (statement.withholding, statement.payout, statement.withholding_note) == (
            alone.withholding,
            alone.payout,
            alone.note,
        )
        assert statement.tax_card == alone.card
    assert FeeChange.objects.filter(statement__in=statements, to_status="approved").count() == 4


def test_the_fee_run_takes_the_same_queries_for_one_statement_or_five(terms, coordinator):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # Kilometres on one day: the allowance is read once a day, not once a gig.
    first = approved_gig(coordinator=coordinator, ended_ago=last_month(), day=10, km=12)
    with CaptureQueriesContext(connection) as one:
        assert len(run(first).statements) == 1
    for _ in range(5):
        expert = bookable_expert()
        card(expert)
        approved_gig(coordinator=coordinator, expert=expert, ended_ago=last_month(), day=10, km=30)
    with CaptureQueriesContext(connection) as five:
        assert len(run(first).statements) == 5
    assert len(five) == len(one)


def test_a_batch_withholds_with_the_income_paid_before_its_payment_date(batch):
    """The payment batch reads its experts' tax facts at once too: the statement's withholding
    in the batch is the one-statement rule's for the batch's payment date."""
    (statement,) = batch.statements
    statement.refresh_from_db()
    alone = fees.totals(statement, payment_date=batch.batch.payment_date)
    assert (statement.withholding, statement.payout) == (alone.withholding, alone.payout)
    assert statement.changes.filter(to_status="in_payment").count() == 1
