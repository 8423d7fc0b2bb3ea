"""Bad input everywhere, as properties: whatever a user (or a bank file) sends to a form or service
that takes input, the answer is a clear validation error or a valid object, never an unexpected
exception (a 500), and a refused input changes nothing.

Hypothesis draws the input: NUL bytes, huge and negative numbers, far dates (years 1 and 9999),
very long strings, unicode, empty values. Each test compares the rows it could touch before and
after every refused example.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from cryptography.fernet import Fernet
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bookings.models import Booking, Expense, GigReport, PriceList, PriceRow
from expertbank.crypto import reset_keys
from experts.models import ExperienceArea, Expert, ExpertImport, Language, WorkKind
from experts.services.importing import (
    ImportFileError,
    expert_import_preview,
    expert_import_stage,
)
from experts.services.pool import ExpertError
from invoicing.bankfiles import camt054
from invoicing.forms_fees import CorrectionForm
from invoicing.models import FeeLine, FeeStatement, IncomingPayment, Invoice, PaymentFile
from invoicing.services import InvoicingError, payments_import
from invoicing.services import fees as fee_services
from tests.bookings.factories import PriceRowFactory, bookable_expert, member
from tests.bookings.reports_factories import ended_gig, report_data
from tests.factories import CoordinatorFactory
from tests.invoicing.factories import approved_gig, last_month, month_of

pytestmark = pytest.mark.django_db

PROPERTY = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# A page through the client costs a whole request each: fewer examples keep the file quick.
PAGE_PROPERTY = settings(PROPERTY, max_examples=30)

# --- What a hostile user types ------------------------------------------------------------------

NUL = "\x00"
hostile_text = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=8).map(lambda t: t * 500),
    st.sampled_from(["", " ", NUL, f"a{NUL}b", "\u202e\u200b", "😀" * 50, "<script>", "'; --"]),
)
hostile_number = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.decimals(allow_nan=True, allow_infinity=True, places=None).map(str),
    st.sampled_from(
        ["", "0", "-0", "1e999", "-1e999", "NaN", "Infinity", "9" * 40, "0.001", "1,5", f"1{NUL}"]
    ),
    hostile_text,
)
far_date = st.one_of(
    st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)).map(date.isoformat),
    st.sampled_from(["0001-01-01", "9999-12-31", "2026-02-30", "31.12.9999", "1.1.1", "", NUL]),
    hostile_text,
)


@pytest.fixture(autouse=True)
def field_keys(settings):
    settings.FIELD_ENCRYPTION_KEYS = Fernet.generate_key().decode()
    settings.FIELD_HASH_KEY = "property-tests-hash-key"
    reset_keys()
    yield settings
    reset_keys()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def coordinator(db):
    return CoordinatorFactory(language="en")


def _never_500(response) -> None:
    assert response.status_code < 500, response.content[:500]


# --- A unit's booking request -------------------------------------------------------------------


@pytest.fixture
def requesting(client, db):
    PriceRowFactory()
    booker = member()
    client.force_login(booker)
    return client, booker.memberships.get().unit


@PAGE_PROPERTY
@given(
    title=hostile_text,
    day=far_date,
    start=hostile_text,
    end=hostile_text,
    kind=st.sampled_from(["one_off", "series", "fixed_term", "", "nonsense"]),
    weeks=hostile_number,
    dates=hostile_text,
    experts=hostile_number,
    audience_size=hostile_number,
    place=hostile_text,
)
def test_a_booking_request_of_any_input_is_refused_cleanly_or_made(
    requesting, title, day, start, end, kind, weeks, dates, experts, audience_size, place
):
    client, unit = requesting
    data = {
        "unit": unit.pk,
        "title": title,
        "work_kind": WorkKind.objects.get(code="talk").pk,
        "areas": [ExperienceArea.objects.get(slug="substance-use").pk],
        "language": Language.objects.get(code="fi").pk,
        "kind": kind,
        "day": day,
        "start_time": start,
        "end_time": end,
        "weeks": weeks,
        "dates": dates,
        "period_start": day,
        "period_end": day,
        "place": place,
        "audience": "adults",
        "audience_size": audience_size,
        "experts_wanted": experts,
        "contact_name": "Maria",
        "purpose": "Henkilöstö oppii asiakkaan näkökulman.",
        "share_topics": "Oma polku palveluissa.",
        "blocks-TOTAL_FORMS": "3",
        "blocks-INITIAL_FORMS": "0",
        "blocks-MIN_NUM_FORMS": "0",
        "blocks-MAX_NUM_FORMS": "7",
        "send": "1",
    }
    before = Booking.objects.count()
    response = client.post(reverse("bookings:request"), data)
    _never_500(response)
    if response.status_code == 302:  # made: one booking of this unit
        assert Booking.objects.count() == before + 1
        assert Booking.objects.latest("pk").unit == unit
    else:
        assert response.status_code == 200
        assert Booking.objects.count() == before


# --- The expert's work report -------------------------------------------------------------------


@pytest.fixture
def reporting(client, media, coordinator):
    PriceRowFactory()
    gig = ended_gig(coordinator=coordinator)
    client.force_login(gig.expert.user)
    return client, gig


@PAGE_PROPERTY
@given(
    hours=hostile_number,
    preparation=hostile_number,
    km=hostile_number,
    km_from=hostile_text,
    notes=hostile_text,
    description=hostile_text,
    amount=hostile_number,
)
def test_a_work_report_of_any_input_is_refused_cleanly_or_saved(
    reporting, hours, preparation, km, km_from, notes, description, amount
):
    client, gig = reporting
    data = report_data(
        hours=hours,
        preparation_hours=preparation,
        km=km,
        km_from=km_from,
        notes=notes,
        **{"expenses-0-description": description, "expenses-0-amount": amount},
    )
    before = (
        list(GigReport.objects.values_list("pk", "hours", "km", "preparation_hours")),
        Expense.objects.count(),
    )
    response = client.post(reverse("bookings_expert:report", args=[gig.pk]), data)
    _never_500(response)
    after = (
        list(GigReport.objects.values_list("pk", "hours", "km", "preparation_hours")),
        Expense.objects.count(),
    )
    if response.status_code != 302:
        assert after == before
    else:
        report = GigReport.objects.get(gig=gig)
        assert Decimal(0) < report.hours < Decimal(100)
        assert 0 <= report.km < 10**6
        for expense in report.expenses.all():
            assert Decimal(0) < expense.amount < Decimal(10**10)


# --- The experts import -------------------------------------------------------------------------

HEADER = "email,full_name,identity_code,iban,areas,languages,work_kinds,status,certified_on"


def _csv_cell(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


@PROPERTY
@given(
    rows=st.lists(
        st.tuples(hostile_text, hostile_text, hostile_text, hostile_text, far_date),
        min_size=1,
        max_size=4,
    ),
    raw=st.one_of(st.none(), st.binary(max_size=300)),
)
def test_an_import_file_of_any_rows_is_refused_cleanly_or_previewed(coordinator, rows, raw):
    if raw is None:
        lines = [
            ",".join(
                _csv_cell(cell)
                for cell in (email, name, code, iban, "", "fi", "talk", "active", certified)
            )
            for email, name, code, iban, certified in rows
        ]
        content = ("\n".join([HEADER, *lines]) + "\n").encode("utf-8", "surrogatepass")
    else:
        content = raw
    before = (Expert.objects.count(), ExpertImport.objects.count())
    try:
        upload = expert_import_stage(file_name="experts.csv", content=content, by=coordinator)
    except ImportFileError as refused:
        assert str(refused)
        assert (Expert.objects.count(), ExpertImport.objects.count()) == before
        return
    try:
        outcome = expert_import_preview(upload=upload, by=coordinator)
    except ExpertError as refused:
        assert str(refused)
    else:
        for row in outcome.rows:
            assert row.valid or row.errors  # every refused row says why
    assert Expert.objects.count() == before[0]  # a preview writes no expert


# --- The payment file (camt.054) ----------------------------------------------------------------

GOOD_AMOUNT, GOOD_DAY, GOOD_REFERENCE = "123.45", date(2020, 1, 2), "RF18539007547034"


def _camt(*, amount: str, booked: str, reference: str, payer: str, cut: int | None) -> bytes:
    """A valid notification with hostile values put where the bank's values go, maybe cut."""
    data = camt054.build(
        version="02",
        message_id="PROPERTY-1",
        account_iban="FI4950009420028730",
        entries=[
            {
                "ref": "PROPERTY-W1",
                "booked": GOOD_DAY,
                "amount": Decimal(GOOD_AMOUNT),
                "reference": GOOD_REFERENCE,
                "payer": "Vantaan kaupunki",
            }
        ],
    )
    text = data.decode("utf-8")
    text = text.replace(f">{GOOD_AMOUNT}<", f">{amount}<")
    text = text.replace(GOOD_DAY.isoformat(), booked)
    text = text.replace(GOOD_REFERENCE, reference)
    text = text.replace("Vantaan kaupunki", payer)
    data = text.encode("utf-8", "surrogatepass")
    return data if cut is None else data[:cut]


def _xml_safe(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _money_state():
    return (
        sorted(IncomingPayment.objects.values_list("pk", "amount", "invoice")),
        PaymentFile.objects.count(),
        sorted(Invoice.objects.values_list("pk", "status")),
    )


@PROPERTY
@given(
    amount=hostile_number,
    booked=far_date,
    reference=st.one_of(hostile_text, st.just(GOOD_REFERENCE)),
    payer=hostile_text,
    escape=st.booleans(),
    cut=st.one_of(st.none(), st.integers(min_value=0, max_value=3000)),
)
def test_a_payment_file_of_any_values_is_refused_cleanly_or_recorded(
    coordinator, amount, booked, reference, payer, escape, cut
):
    if escape:
        amount, booked, reference, payer = map(_xml_safe, (amount, booked, reference, payer))
    data = _camt(amount=amount, booked=booked, reference=reference, payer=payer, cut=cut)
    before = _money_state()
    try:
        result = payments_import(data=data, name="camt.xml", by=coordinator)
    except InvoicingError as refused:
        assert str(refused)
        assert _money_state() == before
        return
    for payment in result.new:
        payment.refresh_from_db()
        # What is recorded fits the books: a positive amount of at most ten euro digits, and
        # a booking date a bank could have written.
        assert Decimal(0) < payment.amount < Decimal(10**10)
        assert payment.amount == payment.amount.quantize(Decimal("0.01"))
        assert date(1900, 1, 1) < payment.booking_date < date(9000, 1, 1)
        assert "\x00" not in payment.reference + payment.payer_name


# --- The fee statement correction ---------------------------------------------------------------


@pytest.fixture
def statement(media, coordinator) -> FeeStatement:
    PriceRowFactory()
    gig = approved_gig(coordinator=coordinator, expert=bookable_expert(), ended_ago=last_month())
    (made,) = fee_services.fees_run(period=month_of(gig), by=coordinator).statements
    return made


def _statement_state(statement: FeeStatement):
    return (
        sorted(FeeLine.objects.filter(statement=statement).values_list("pk", "amount")),
        FeeStatement.objects.filter(pk=statement.pk)
        .values_list("status", "wages", "work_compensation", "mileage", "payout", "withholding")
        .get(),
    )


@PROPERTY
@given(
    description=hostile_text,
    amount=hostile_number,
    income_type=st.one_of(st.sampled_from(["210", "214", "336", "311"]), hostile_text),
    reason=hostile_text,
)
def test_a_correction_of_any_input_is_refused_cleanly_or_added(
    statement, coordinator, description, amount, income_type, reason
):
    form = CorrectionForm(
        {
            "description": description,
            "amount": amount,
            "income_type": income_type,
            "reason": reason,
        }
    )
    before = _statement_state(statement)
    if not form.is_valid():
        assert form.errors
        assert _statement_state(statement) == before
        return
    try:
        line = fee_services.statement_correct(
            statement=statement, by=coordinator, **form.cleaned_data
        )
    except InvoicingError as refused:
        assert str(refused)
        assert _statement_state(statement) == before
        return
    statement.refresh_from_db()
    assert line.amount == form.cleaned_data["amount"] != 0
    assert statement.payout >= 0


# --- A price list row in the admin ---------------------------------------------------------------


@PAGE_PROPERTY
@given(
    name=hostile_text,
    work_kind=st.one_of(st.just("KIND"), hostile_number),
    valid_from=far_date,
    valid_until=far_date,
    client_price=hostile_number,
    client_unit=st.sampled_from(["gig", "hour", "", "week", NUL]),
    minimum_hours=hostile_number,
    vat_rate=hostile_number,
    exemption=hostile_text,
    expert_fee=hostile_number,
    fee_unit=st.sampled_from(["gig", "hour", "", "day"]),
    preparation_hours=hostile_number,
    notice_days=hostile_number,
    client_cancellation_fee=hostile_number,
    expert_cancellation_fee=hostile_number,
)
def test_a_price_row_of_any_input_is_refused_cleanly_or_added(
    client,
    coordinator,
    name,
    work_kind,
    valid_from,
    valid_until,
    client_price,
    client_unit,
    minimum_hours,
    vat_rate,
    exemption,
    expert_fee,
    fee_unit,
    preparation_hours,
    notice_days,
    client_cancellation_fee,
    expert_cancellation_fee,
):
    kind = WorkKind.objects.order_by("pk").first()
    client.force_login(coordinator)
    row = {
        "work_kind": kind.pk if work_kind == "KIND" else work_kind,
        "valid_from": valid_from,
        "valid_until": valid_until,
        "client_price": client_price,
        "client_unit": client_unit,
        "minimum_hours": minimum_hours,
        "vat_rate": vat_rate,
        "vat_exemption_text": exemption,
        "expert_fee": expert_fee,
        "fee_unit": fee_unit,
        "preparation_hours": preparation_hours,
        "notice_days": notice_days,
        "client_cancellation_fee": client_cancellation_fee,
        "expert_cancellation_fee": expert_cancellation_fee,
    }
    data = {
        "name": name,
        "active": "on",
        "rows-TOTAL_FORMS": "1",
        "rows-INITIAL_FORMS": "0",
        "rows-MIN_NUM_FORMS": "0",
        "rows-MAX_NUM_FORMS": "1000",
        **{f"rows-0-{field}": value for field, value in row.items()},
    }
    before = (PriceList.objects.count(), PriceRow.objects.count())
    response = client.post(reverse("admin:bookings_pricelist_add"), data)
    _never_500(response)
    if response.status_code != 302:
        assert response.status_code == 200
        assert response.context["errors"], "a refused price list says why"
        assert (PriceList.objects.count(), PriceRow.objects.count()) == before
        return
    added = PriceRow.objects.get(price_list=PriceList.objects.latest("pk"))
    for amount in (
        added.client_price,
        added.expert_fee,
        added.client_cancellation_fee,
        added.expert_cancellation_fee,
    ):
        assert isinstance(amount, Decimal) and amount >= 0
    assert 0 <= added.vat_rate <= 100
    assert added.valid_until is None or added.valid_until >= added.valid_from
    assert date(2000, 1, 1) <= added.valid_from <= date(2100, 12, 31)


# Keep the strategies honest: each reaches the values it promises.
def test_the_strategies_reach_the_hostile_values():
    from hypothesis import find

    assert find(hostile_text, lambda t: NUL in t)
    assert len(find(hostile_text, lambda t: len(t) > 400)) > 400
    assert find(far_date, lambda d: d.startswith("9999"))
    assert find(far_date, lambda d: d.startswith("0001"))
    assert find(hostile_number, lambda n: n.startswith("-"))
    assert find(hostile_number, lambda n: len(n) > 30)
