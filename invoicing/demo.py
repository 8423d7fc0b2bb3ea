"""Demo invoices and fee payments.

Invoices: every month that is over and has approved gigs is invoiced on the 1st of the next
month, as the monthly run would have done; the bank's camt.054 file then pays most of them (one
partly, one too much), one unit has an overdue invoice with a reminder sent, one invoice was
credited and billed again, and one payment without a reference waits for a coordinator.

Fees: every month that is over gets its statements; each but last month's was paid in its own
batch on the 15th of the following month (its Incomes Register reports sent), last month's wait
for payment. Written inside ``seed_demo``'s transaction through the services' own steps.
Idempotent: nothing is done once the demo's bank file has been imported."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from bookings.models import Gig
from bookings.selectors.earnings import Period
from expertbank.demo import DEMO_DOMAIN
from expertbank.models import ReadEntry, User
from expertbank.services.audit import read_record
from experts.models import Expert
from invoicing import money
from invoicing.bankfiles import camt054
from invoicing.models import FeeStatement, Invoice, PaymentFile
from invoicing.services.credits import credit
from invoicing.services.fees import confirm_batch, pay_statements, run_statements
from invoicing.services.issuing import issue_run
from invoicing.services.payments import import_file
from invoicing.services.reminders import remind, reminders_due

DEMO_FILE = "demo-camt054.xml"


def _months_with_gigs(today: date) -> list[Period]:
    first = (
        Gig.objects.filter(billable_amount__isnull=False, booking__funding_source__isnull=True)
        .order_by("start")
        .values_list("start", flat=True)
        .first()
    )
    if first is None:
        return []
    month = Period.month_of(timezone.localdate(first))
    periods = []
    while month.end < today:
        periods.append(month)
        month = Period.month_of(month.end + timedelta(days=1))
    return periods


def seed(*, log: Callable[[str], None]) -> None:
    if PaymentFile.objects.filter(name=DEMO_FILE).exists():
        return
    today = timezone.localdate()
    coordinator = User.objects.filter(email=f"koordinaattori@{DEMO_DOMAIN}").first()
    _fees(today, coordinator, log)
    _invoices(today, coordinator, log)
    _reads(coordinator, log)


def _fees(today: date, coordinator: User | None, log: Callable[[str], None]) -> None:
    months = _months_with_gigs(today)
    for period in months:
        result = run_statements(period=period, by=None)
        log(f"{len(result.statements)} fee statements for {period.start:%m/%Y}")
        if period is months[-1]:
            break  # last month's statements wait for this month's batch
        payment_date = (period.end + timedelta(days=15)).replace(day=15)
        paid = pay_statements(period=period, payment_date=payment_date, by=coordinator)
        if paid.batch is None:
            continue
        confirm_batch(batch=paid.batch, by=coordinator, today=today)
        for report in paid.batch.incomes_reports.all():
            report.status, report.sent_at, report.sent_by = "sent", timezone.now(), coordinator
            report.save(update_fields=["status", "sent_at", "sent_by"])
        log(f"paid {len(paid.statements)} fee statements on {payment_date:%d.%m.%Y}")


def _invoices(today: date, coordinator: User | None, log: Callable[[str], None]) -> None:
    for period in _months_with_gigs(today):
        result = issue_run(period=period, by=None, issue_date=period.end + timedelta(days=1))
        for invoice in result.invoices:
            log(f"issued invoice {invoice.number} to {invoice.buyer_unit}")
    invoices = list(
        Invoice.objects.filter(kind=Invoice.Kind.INVOICE, status=Invoice.Status.ISSUED).order_by(
            "issue_date", "pk"
        )
    )
    if not invoices:
        return
    # The oldest invoice went to the wrong cost centre: credited; the gigs are billed again.
    wrong = invoices.pop(0)
    credit(invoice=wrong, by=coordinator, reason="Väärä kustannuspaikka, laskutetaan uudelleen.")
    rebill = Period.month_of(today.replace(day=1) - timedelta(days=1))
    issue_run(period=rebill, by=coordinator, issue_date=today)
    entries = []
    overdue = [i for i in invoices if i.due_date and i.due_date < today]
    for number, invoice in enumerate(overdue):
        if number == len(overdue) - 1:
            continue  # the newest overdue one stays unpaid: reminded below
        amount = invoice.gross_total
        if number == 1:
            amount -= Decimal("100.00")  # partly paid
        elif number == 2:
            amount += Decimal("25.00")  # paid too much
        entries.append(
            {
                "ref": f"DEMO{invoice.pk:06d}",
                "booked": min(invoice.due_date - timedelta(days=2), today),
                "amount": amount,
                "reference": money.invoice_rf_reference(invoice.reference)
                if number % 2
                else invoice.reference,
                "payer": invoice.buyer_name,
            }
        )
    entries.append(
        {
            "ref": "DEMO-UNKNOWN-1",
            "booked": today - timedelta(days=3),
            "amount": Decimal("150.00"),
            "reference": "",
            "payer": "Mielenterveysyhdistys Tuuli ry",
            "message": "Kokemusasiantuntijan luento lokakuu",
        }
    )
    data = camt054.build(
        version="02",
        message_id=f"DEMO-{today:%Y%m%d}",
        account_iban=wrong.seller_iban,
        entries=entries,
    )
    result = import_file(data=data, name=DEMO_FILE, by=coordinator)
    log(f"imported {len(result.new)} demo payments")
    for pk in reminders_due(today):
        remind(pk, today=today)


def _reads(coordinator: User | None, log: Callable[[str], None]) -> None:
    """The read log as the coordinator's work leaves it: the demo experts' profiles opened
    before their gigs, their statements and the payment batch when fees were paid, so each
    expert's "Who has looked at your data" has entries."""
    if coordinator is None:
        return
    now = timezone.localtime()
    recorded = 0
    for number, email in enumerate(("asiantuntija", "mikko.makinen", "johanna.lindholm"), start=1):
        expert = Expert.objects.filter(user__email=f"{email}@{DEMO_DOMAIN}").first()
        if expert is None:
            continue
        for days, hour in ((12 + number, 9), (3 + number, 14)):
            at = (now - timedelta(days=days)).replace(
                hour=hour, minute=10 * number, second=0, microsecond=0
            )
            recorded += read_record(
                viewer=coordinator,
                kind=ReadEntry.Kind.PROFILE,
                items=[(expert, expert.user_id)],
                path=f"/coordinator/experts/{expert.pk}/",
                at=at,
            )
        statement = (
            FeeStatement.objects.filter(expert=expert, batch__isnull=False)
            .select_related("batch")
            .order_by("-period_start")
            .first()
        )
        if statement is not None:
            at = timezone.make_aware(
                datetime.combine(statement.batch.payment_date - timedelta(days=1), time(11))
            )
            recorded += read_record(
                viewer=coordinator,
                kind=ReadEntry.Kind.FEE_STATEMENT,
                items=[(statement, expert.user_id)],
                path=f"/coordinator/invoicing/fees/{statement.pk}/",
                at=at,
            )
            recorded += read_record(
                viewer=coordinator,
                kind=ReadEntry.Kind.BANK_FILE,
                items=[(statement.batch, expert.user_id)],
                path=f"/coordinator/invoicing/fees/batches/{statement.batch.pk}/sepa/",
                at=at + timedelta(minutes=20),
            )
    log(f"{recorded} reads of experts' data by the coordinator")
