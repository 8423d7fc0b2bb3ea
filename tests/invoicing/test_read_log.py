"""The read log on the money pages: a coordinator opening a fee statement (and the tax card it
was counted with), downloading a bank file or an Incomes Register report, or looking at the
bank's statements of incoming payments is recorded for every expert whose data it shows; the
expert reading their own statements is not."""

from datetime import timedelta
from decimal import Decimal

import pytest
from cryptography.fernet import Fernet
from django.utils import timezone

from bookings.selectors.earnings import Period
from expertbank.crypto import reset_keys
from expertbank.models import ReadEntry
from experts.models import TaxCard
from invoicing.models import IncomesRegisterReport, PaymentFile
from invoicing.services import fees as fee_services
from tests.bookings.factories import bookable_expert
from tests.experts.factories import GOOD_CODES, GOOD_IBANS
from tests.invoicing.factories import approved_gig, last_month, month_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_pages")]

FEES = "/coordinator/invoicing/fees/"


@pytest.fixture(autouse=True)
def field_keys(settings, tmp_path):
    settings.FIELD_ENCRYPTION_KEYS = Fernet.generate_key().decode()
    settings.FIELD_HASH_KEY = "read-log-test-hash-key"
    settings.MEDIA_ROOT = tmp_path / "media"
    reset_keys()
    yield settings
    reset_keys()


def payee(n: int, **kwargs):
    expert = bookable_expert(**kwargs)
    expert.iban, expert.identity_code = GOOD_IBANS[n], GOOD_CODES[n]
    expert.save()
    return expert


@pytest.fixture
def anna(db):
    return payee(0, public_alias="Anna K.")


@pytest.fixture
def statements(terms, coordinator, anna):
    """Anna's and Ben's statements of last month; Anna has a tax card."""
    today = timezone.localdate()
    TaxCard.objects.create(
        expert=anna,
        valid_from=today - timedelta(days=400),
        valid_until=today + timedelta(days=400),
        base_rate=Decimal("10"),
    )
    ben = payee(1, public_alias="Ben")
    gigs = [
        approved_gig(coordinator=coordinator, expert=expert, ended_ago=last_month(), day=day)
        for expert, day in ((anna, 20), (ben, 22))
    ]
    made = fee_services.fees_run(period=month_of(gigs[0]), by=coordinator).statements
    return sorted(made, key=lambda statement: statement.expert_id)


@pytest.fixture
def desk(client, coordinator):
    client.force_login(coordinator)
    return client


def pay(statement, coordinator):
    period = Period(statement.period_start, statement.period_end)
    return fee_services.fees_pay(
        period=period, payment_date=timezone.localdate(), by=coordinator
    ).batch


def test_opening_a_fee_statement_records_it_and_its_tax_card(desk, statements, coordinator):
    statement = statements[0]
    for _ in range(2):
        assert desk.get(f"{FEES}{statement.pk}/").status_code == 200
    reads = ReadEntry.objects.order_by("kind")
    assert [(r.kind, r.object_id, r.subject_id, r.viewer) for r in reads] == [
        (ReadEntry.Kind.FEE_STATEMENT, str(statement.pk), statement.expert.user_id, coordinator),
        (
            ReadEntry.Kind.TAX_CARD,
            str(statement.tax_card_id),
            statement.expert.user_id,
            coordinator,
        ),
    ]


def test_the_statement_list_is_not_a_read_of_each_statement(desk, statements):
    assert desk.get(FEES).status_code == 200
    assert not ReadEntry.objects.exists()


def test_the_bank_file_is_a_read_for_every_expert_paid_in_it(desk, statements, coordinator):
    batch = pay(statements[0], coordinator)
    assert desk.get(f"{FEES}batches/{batch.pk}/sepa/").status_code == 200
    reads = ReadEntry.objects.filter(kind=ReadEntry.Kind.BANK_FILE)
    assert sorted(r.subject_id for r in reads) == sorted(s.expert.user_id for s in statements)
    assert {(r.object_id, r.object_repr) for r in reads} == {(str(batch.pk), str(batch))}


def test_an_incomes_register_report_is_a_read_for_its_expert_only(desk, statements, coordinator):
    pay(statements[0], coordinator)
    report = IncomesRegisterReport.objects.get(statement=statements[1])
    assert desk.get(f"{FEES}reports/{report.pk}/xml/").status_code == 200
    (read,) = ReadEntry.objects.all()
    assert (read.kind, read.subject_id, read.object_id) == (
        ReadEntry.Kind.BANK_FILE,
        statements[1].expert.user_id,
        str(report.pk),
    )


def test_the_expert_is_told_which_bank_file_had_their_payment(
    client, desk, statements, coordinator
):
    batch = pay(statements[0], coordinator)
    desk.get(f"{FEES}batches/{batch.pk}/sepa/")
    client.force_login(statements[0].expert.user)
    page = client.get("/expert/profile/").content.decode()
    assert f"bank file {batch}" in page
    assert f"Coordinator {coordinator.full_name}" in page


def test_the_experts_own_statement_page_and_pdf_are_not_recorded(client, statements):
    statement = statements[0]
    client.force_login(statement.expert.user)
    assert client.get(f"/payments/{statement.pk}/").status_code == 200
    assert client.get(f"/payments/{statement.pk}/pdf/").status_code == 200
    assert not ReadEntry.objects.exists()


def test_the_bank_statements_of_incoming_payments_are_read_about_nobody(desk, coordinator):
    files = [
        PaymentFile.objects.create(name=f"camt{n}.xml", sha256=f"{n:064}", version="camt.054")
        for n in range(2)
    ]
    desk.get("/coordinator/invoicing/payments/")
    desk.get("/coordinator/invoicing/payments/")
    reads = ReadEntry.objects.all()
    assert sorted(r.object_id for r in reads) == sorted(str(f.pk) for f in files)
    assert {(r.kind, r.subject_id, r.viewer) for r in reads} == {
        (ReadEntry.Kind.BANK_FILE, None, coordinator)
    }
