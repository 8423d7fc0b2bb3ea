"""Under concurrency the database decides: two invoice runs at the same moment bill each gig
once, numbers stay gapless, and two imports of one bank file record each payment once.

Each run has its own thread and database connection, all released at once (PostgreSQL)."""

import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from invoicing import services
from invoicing.bankfiles import camt054
from invoicing.models import IncomingPayment, Invoice, InvoiceLine
from tests.bookings.factories import PriceRowFactory, bookable_expert
from tests.factories import CoordinatorFactory
from tests.invoicing.factories import approved_gig, last_month, month_of

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _race(work, count: int) -> list[str]:
    start = threading.Barrier(count)
    results = [""] * count

    def run(index: int) -> None:
        try:
            start.wait()
            results[index] = work()
        except services.InvoicingError as exc:
            results[index] = f"refused: {exc}"
        except Exception as exc:  # anything else would be a 500 in a view
            results[index] = f"CRASH {exc!r}"
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def test_runs_at_the_same_moment_bill_each_gig_once_with_gapless_numbers():
    PriceRowFactory()
    coordinator = CoordinatorFactory()
    gigs = [
        approved_gig(
            coordinator=coordinator, expert=bookable_expert(), km=10, ended_ago=last_month()
        )
        for _ in range(3)
    ]
    period = month_of(gigs[0])

    def issue() -> str:
        result = services.invoices_issue(period=period, by=None)
        return f"issued {len(result.invoices)}"

    results = _race(issue, 4)
    assert not [r for r in results if r.startswith("CRASH")], results
    assert sorted(results) == ["issued 0", "issued 0", "issued 0", "issued 3"], results
    for gig in gigs:
        assert InvoiceLine.objects.filter(gig=gig, billing=True).count() == 2
    year = timezone.localdate().year
    assert sorted(Invoice.objects.values_list("sequence", flat=True)) == [1, 2, 3]
    assert set(Invoice.objects.values_list("year", flat=True)) == {year}


def test_imports_of_one_file_at_the_same_moment_record_each_payment_once():
    data = camt054.build(
        version="02",
        message_id="SAME",
        account_iban="FI4950009420028730",
        entries=[
            {"ref": f"E{n}", "booked": timezone.localdate(), "amount": Decimal("10.00")}
            for n in range(5)
        ],
    )

    def load() -> str:
        result = services.payments_import(data=data, name="camt.xml", by=None)
        return f"new {len(result.new)}"

    results = _race(load, 3)
    assert not [r for r in results if r.startswith("CRASH")], results
    assert IncomingPayment.objects.count() == 5
    assert "new 5" in results


def test_fee_runs_and_payments_at_the_same_moment_pay_each_gig_once(settings):
    from cryptography.fernet import Fernet

    from expertbank.crypto import reset_keys
    from invoicing.models import FeeLine, FeeStatement, PaymentBatch
    from invoicing.services import fees as fee_services

    settings.FIELD_ENCRYPTION_KEYS = Fernet.generate_key().decode()
    settings.FIELD_HASH_KEY = "race"
    reset_keys()
    PriceRowFactory()
    coordinator = CoordinatorFactory()
    experts = []
    for code in ("131052-308T", "010101-123N"):
        expert = bookable_expert()
        expert.iban, expert.identity_code = "FI4950009420028730", code
        expert.save()
        experts.append(expert)
    gigs = [
        approved_gig(coordinator=coordinator, expert=expert, km=10, ended_ago=last_month())
        for expert in experts
    ]
    period = month_of(gigs[0])

    def fee_run() -> str:
        return f"made {len(fee_services.fees_run(period=period, by=None).statements)}"

    results = _race(fee_run, 3)
    assert not [r for r in results if r.startswith("CRASH")], results
    for gig in gigs:
        assert FeeLine.objects.filter(gig=gig, kind="fee").count() == 1
    assert FeeStatement.objects.count() == 2

    def pay() -> str:
        result = fee_services.fees_pay(period=period, payment_date=timezone.localdate(), by=None)
        return f"paid {len(result.statements)}"

    results = _race(pay, 3)
    assert not [r for r in results if r.startswith("CRASH")], results
    assert sorted(results) == ["paid 0", "paid 0", "paid 2"], results
    assert PaymentBatch.objects.count() == 1
    reset_keys()
