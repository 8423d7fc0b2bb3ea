"""Support costs billed and paid (issue 17): an approved gig's companion and interpreter are
lines on the unit's invoice (exactly once, credited like any line, in the PDF and the
Finvoice), and the companion — a support person of the pool — is paid the companion fee on
their own statement as a meeting fee."""

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from cryptography.fernet import Fernet
from django.db import IntegrityError, transaction
from django.urls import reverse
from lxml import etree
from pypdf import PdfReader

from bookings.models import Assignment
from bookings.selectors.earnings import Period
from bookings.services import BookingError
from bookings.services.companions import assignment_companion_set
from expertbank.crypto import reset_keys
from experts.models import Expert
from experts.services import ExpertError, support_profile_set
from invoicing import selectors, services
from invoicing.documents.finvoice import finvoice_xml
from invoicing.documents.pdf import invoice_pdf
from invoicing.models import FeeLine, InvoiceLine
from invoicing.services import fees as fee_services
from invoicing.services.credits import credit
from tests.bookings.factories import PriceRowFactory, bookable_expert, member
from tests.factories import ExpertFactory, UserFactory
from tests.invoicing.factories import after, approved_gig, last_month, month_of
from tests.schemas import schema_path

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

GOOD_IBAN = "FI4950009420028730"
GOOD_CODE = "131052-308T"


@pytest.fixture(autouse=True)
def field_keys(settings):
    settings.FIELD_ENCRYPTION_KEYS = Fernet.generate_key().decode()
    settings.FIELD_HASH_KEY = "support-test-hash-key"
    reset_keys()
    yield
    reset_keys()


@pytest.fixture
def support_terms(db):
    """Talks at 350 € a gig, VAT 25.5 %; a companion billed 40 €/h and paid 25 €/h, an
    interpreter billed 80 €/h."""
    return PriceRowFactory(
        companion_price=Decimal("40.00"),
        companion_fee=Decimal("25.00"),
        interpreter_price=Decimal("80.00"),
    )


def support_person(name="Tuula Tukihenkilö") -> Expert:
    person = ExpertFactory(
        user=UserFactory(full_name=name, language="fi"), role=Expert.Role.SUPPORT_PERSON
    )
    person.iban, person.identity_code = GOOD_IBAN, GOOD_CODE
    person.save()
    return person


@pytest.fixture
def companion():
    return support_person()


@pytest.fixture
def with_companion(companion):
    expert = bookable_expert(public_alias="Sanna V.")
    support_profile_set(expert=expert, by=None, companion=True, companion_person=companion)
    return expert


def issue(gig):
    period = month_of(gig)
    return services.invoices_issue(period=period, by=None, issue_date=after(period))


def lines_of(invoice) -> dict[str, InvoiceLine]:
    return {line.kind: line for line in invoice.lines.all()}


# --- Billed to the unit ------------------------------------------------------------------------


def test_the_companion_and_the_interpreter_are_billed_per_hour_at_the_terms_vat(
    support_terms, coordinator, with_companion
):
    support_profile_set(expert=with_companion, by=None, interpreter="sign")
    gig = approved_gig(
        coordinator=coordinator, expert=with_companion, hours="2.5", ended_ago=last_month()
    )
    (invoice,) = issue(gig).invoices
    lines = lines_of(invoice)
    assert set(lines) == {"work", "companion", "interpreter"}
    companion, interpreter = lines["companion"], lines["interpreter"]
    assert (companion.quantity, companion.quantity_unit) == (Decimal("2.50"), "h")
    assert (companion.unit_price, companion.net) == (Decimal("40.00"), Decimal("100.00"))
    assert (interpreter.unit_price, interpreter.net) == (Decimal("80.00"), Decimal("200.00"))
    assert companion.vat_rate == interpreter.vat_rate == support_terms.vat_rate == Decimal("25.50")
    assert companion.vat == Decimal("25.50") and companion.gross == Decimal("125.50")
    assert interpreter.vat == Decimal("51.00")
    assert invoice.net_total == Decimal("650.00")  # 350 + 100 + 200
    # The expert shares neither need with the unit: the lines do not name them.
    assert companion.expert_name == interpreter.expert_name == ""
    assert lines["work"].expert_name == "Sanna V."


def test_an_expert_who_shares_the_need_is_named_on_its_line(
    support_terms, coordinator, with_companion
):
    support_profile_set(expert=with_companion, by=None, shared_with_unit=["companion"])
    gig = approved_gig(coordinator=coordinator, expert=with_companion, ended_ago=last_month())
    (invoice,) = issue(gig).invoices
    assert lines_of(invoice)["companion"].expert_name == "Sanna V."


def test_without_support_prices_or_needs_nothing_more_is_billed(terms, coordinator, with_companion):
    # ``terms`` prices no support: the companion costs the unit nothing and nobody is paid.
    gig = approved_gig(coordinator=coordinator, expert=with_companion, ended_ago=last_month())
    (invoice,) = issue(gig).invoices
    assert set(lines_of(invoice)) == {"work"}


def test_a_support_line_is_billed_once_and_the_database_refuses_a_second(
    support_terms, coordinator, with_companion
):
    gig = approved_gig(coordinator=coordinator, expert=with_companion, ended_ago=last_month())
    (invoice,) = issue(gig).invoices
    assert issue(gig).invoices == []
    line = invoice.lines.get(kind="companion")
    with (
        pytest.raises(
            IntegrityError, match=r"invoiceline_gig_billed_once|invoicing_invoiceline\.gig_id"
        ),
        transaction.atomic(),
    ):
        InvoiceLine.objects.create(
            invoice=invoice,
            position=99,
            kind="companion",
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


def test_a_credit_note_reverses_the_support_lines_and_the_next_run_bills_them_again(
    support_terms, coordinator, with_companion
):
    support_profile_set(expert=with_companion, by=None, interpreter="spoken")
    gig = approved_gig(coordinator=coordinator, expert=with_companion, ended_ago=last_month())
    (invoice,) = issue(gig).invoices
    note = credit(invoice=invoice, by=coordinator, reason="Väärä kustannuspaikka")
    credited = lines_of(note)
    assert credited["companion"].net == Decimal("-80.00")
    assert credited["interpreter"].net == Decimal("-160.00")
    assert not invoice.lines.filter(billing=True).exists()
    period = month_of(gig)
    (again,) = services.invoices_issue(
        period=period, by=None, issue_date=after(period) + timedelta(days=1)
    ).invoices
    assert set(lines_of(again)) == {"work", "companion", "interpreter"}


def test_a_need_that_arises_after_the_gig_was_billed_waits_for_a_credit_of_its_line(
    support_terms, coordinator, companion
):
    """A run bills a gig's charges together (it looks only at gigs without a billing line):
    an interpreter asked for after the invoice is not added on its own; crediting the work
    line lets the next run bill the work again and the interpreter with it
    (docs/invoicing.md)."""
    expert = bookable_expert()
    gig = approved_gig(coordinator=coordinator, expert=expert, ended_ago=last_month())
    (invoice,) = issue(gig).invoices
    assert set(lines_of(invoice)) == {"work"}
    support_profile_set(expert=expert, by=None, interpreter="spoken")
    period = month_of(gig)
    later = after(period) + timedelta(days=1)
    assert services.invoices_issue(period=period, by=None, issue_date=later).invoices == []
    credit(invoice=invoice, by=coordinator, reason="Tulkki unohtui laskulta")
    (again,) = services.invoices_issue(
        period=period, by=None, issue_date=later + timedelta(days=1)
    ).invoices
    assert set(lines_of(again)) == {"work", "interpreter"}
    assert InvoiceLine.objects.filter(gig=gig, kind="work", billing=True).count() == 1


def test_the_pdf_names_the_support_lines_in_the_invoice_language(
    support_terms, coordinator, with_companion
):
    support_profile_set(expert=with_companion, by=None, interpreter="sign")
    gig = approved_gig(coordinator=coordinator, expert=with_companion, ended_ago=last_month())
    (invoice,) = issue(gig).invoices
    text = " ".join(
        page.extract_text() for page in PdfReader(io.BytesIO(invoice_pdf(invoice))).pages
    )
    text = " ".join(text.split())
    assert invoice.language == "fi"
    assert "Saattaja tai tukihenkilö:" in text or "Companion or support person:" in text
    assert "80,00" in text and "160,00" in text


@pytest.mark.schemas
def test_the_finvoice_carries_the_support_rows_and_is_valid(
    support_terms, coordinator, with_companion
):
    support_profile_set(expert=with_companion, by=None, interpreter="sign")
    gig = approved_gig(coordinator=coordinator, expert=with_companion, ended_ago=last_month())
    unit = gig.booking.unit
    unit.billing_address = "Kielotie 13\n01300 Vantaa"
    unit.e_invoice_address, unit.e_invoice_operator = "003701246109", "003721291126"
    unit.save()
    (invoice,) = issue(gig).invoices
    root = etree.fromstring(finvoice_xml(invoice))
    schema = etree.XMLSchema(etree.parse(str(schema_path("Finvoice3.0.xsd"))))
    assert schema.validate(root), schema.error_log
    rows = root.findall("InvoiceRow")
    assert len(rows) == 3
    amounts = sorted(row.findtext("RowVatExcludedAmount") for row in rows)
    assert amounts == ["160,00", "350,00", "80,00"]
    names = [row.findtext("ArticleName") for row in rows]
    assert sum(1 for name in names if gig.booking.title in name and ":" in name) >= 2


def test_a_unit_sees_its_support_lines_and_not_another_units_invoice(
    client, support_terms, coordinator, with_companion
):
    booker = member()
    gig = approved_gig(
        coordinator=coordinator, expert=with_companion, by=booker, ended_ago=last_month()
    )
    (invoice,) = issue(gig).invoices
    client.force_login(booker)
    page = client.get(reverse("invoicing_unit:detail", args=[invoice.pk]))
    assert page.status_code == 200
    assert "Companion or support person" in page.content.decode()
    client.force_login(member())
    assert client.get(reverse("invoicing_unit:detail", args=[invoice.pk])).status_code == 404
    assert client.get(reverse("invoicing_unit:pdf", args=[invoice.pk])).status_code == 404


# --- Paid to the companion ---------------------------------------------------------------------


def test_the_companion_is_paid_on_their_own_statement_as_a_meeting_fee(
    support_terms, coordinator, with_companion, companion
):
    gig = approved_gig(
        coordinator=coordinator, expert=with_companion, hours="3", ended_ago=last_month()
    )
    result = fee_services.fees_run(period=month_of(gig), by=coordinator)
    by_expert = {statement.expert_id: statement for statement in result.statements}
    assert set(by_expert) == {with_companion.pk, companion.pk}
    own = by_expert[companion.pk]
    (line,) = own.lines.all()
    assert (line.kind, line.gig, line.income_type) == ("companion", gig, "210")
    assert line.amount == Decimal("75.00")  # 3 h × 25 €
    # In the companion's own language (Finnish), not the expert's.
    assert line.description.startswith("Saattaja") or line.description.startswith("Companion")
    # The meeting fee's rules: a wage-type fee, withheld at 60 % without a tax card.
    assert own.wages == Decimal("75.00") and own.withholding == Decimal("45.00")
    expert_lines = by_expert[with_companion.pk].lines.values_list("kind", flat=True)
    assert "companion" not in expert_lines


def test_the_companion_fee_is_paid_once(support_terms, coordinator, with_companion, companion):
    gig = approved_gig(coordinator=coordinator, expert=with_companion, ended_ago=last_month())
    fee_services.fees_run(period=month_of(gig), by=coordinator)
    again = fee_services.fees_run(period=month_of(gig), by=coordinator)
    assert again.statements == []
    assert FeeLine.objects.filter(kind="companion").count() == 1
    statement = companion.fee_statements.get()
    with (
        pytest.raises(IntegrityError, match=r"feeline_gig_once|invoicing_feeline\.gig_id"),
        transaction.atomic(),
    ):
        FeeLine.objects.create(
            statement=statement,
            kind="companion",
            gig=gig,
            date=date.today(),
            description="again",
            income_type="210",
            amount=Decimal("1"),
        )


def test_the_experts_deferral_leaves_the_companions_fee_alone(
    support_terms, coordinator, with_companion, companion
):
    gig = approved_gig(coordinator=coordinator, expert=with_companion, ended_ago=last_month())
    fee_services.fees_run(period=month_of(gig), by=coordinator)
    fee_services.fee_defer(gig=gig, by=with_companion.user)
    assert FeeLine.objects.filter(gig=gig, kind="companion").count() == 1
    assert not FeeLine.objects.filter(gig=gig, kind="fee").exists()
    # The next month's run pays the expert's own fee again, the companion's not twice.
    gig.refresh_from_db()
    fee_services.fees_run(period=Period.month_of(gig.pay_not_before), by=coordinator)
    assert FeeLine.objects.filter(gig=gig, kind="fee").count() == 1
    assert FeeLine.objects.filter(gig=gig, kind="companion").count() == 1


def test_a_deferred_fee_waits_for_the_expert_though_the_companions_was_paid(
    support_terms, coordinator, with_companion, companion, client
):
    """The payments page, the fee run and the list of experts who cannot be paid agree: a gig
    is waiting for its expert while the expert's own line is on no statement, whatever the
    companion's line is on."""
    gig = approved_gig(coordinator=coordinator, expert=with_companion, ended_ago=last_month())
    fee_services.fees_run(period=month_of(gig), by=coordinator)
    assert list(selectors.waiting_gigs(with_companion)) == []
    fee_services.fee_defer(gig=gig, by=with_companion.user)
    assert list(selectors.waiting_gigs(with_companion)) == [gig]
    assert list(selectors.waiting_gigs(companion)) == []
    assert list(fee_services.on_no_statement()) == [gig]
    client.force_login(with_companion.user)
    page = client.get(reverse("invoicing_expert:home"))
    assert [g.pk for g in page.context["waiting"]] == [gig.pk]
    with_companion.iban = ""
    with_companion.save()
    client.force_login(coordinator)
    rows = client.get(reverse("invoicing_coordinator:fee_missing")).context["rows"]
    assert [(expert.pk, gigs) for expert, _why, _statements, gigs in rows] == [
        (with_companion.pk, 1)
    ]


def test_the_coordinator_names_another_companion_and_the_fee_follows(
    support_terms, coordinator, with_companion
):
    other = support_person("Olli Saattaja")
    gig = approved_gig(coordinator=coordinator, expert=with_companion, ended_ago=last_month())
    assignment_companion_set(assignment=gig.assignment, companion=other, by=coordinator)
    fee_services.fees_run(period=month_of(gig), by=coordinator)
    line = FeeLine.objects.get(kind="companion")
    assert line.statement.expert == other
    change = gig.booking.changes.get(kind="details", assignment=gig.assignment)
    assert change.changes["companion"] == ["", "Olli Saattaja"]


# --- Bad input ---------------------------------------------------------------------------------


def test_a_companion_who_is_not_a_support_person_is_refused(
    support_terms, coordinator, with_companion
):
    gig = approved_gig(coordinator=coordinator, expert=with_companion, ended_ago=last_month())
    expert = bookable_expert()
    with pytest.raises(BookingError, match="not a support person"):
        assignment_companion_set(assignment=gig.assignment, companion=expert, by=coordinator)
    with pytest.raises(BookingError, match="own companion"):
        assignment_companion_set(
            assignment=gig.assignment, companion=with_companion, by=coordinator
        )
    with pytest.raises(ExpertError, match="not a support person"):
        support_profile_set(expert=with_companion, by=None, companion_person=expert)
    assert Assignment.objects.get(pk=gig.assignment_id).companion is None
    assert with_companion.support.companion_person.role == Expert.Role.SUPPORT_PERSON


def test_the_booking_page_sets_the_companion_and_refuses_bad_input(
    client, support_terms, coordinator, with_companion, companion
):
    gig = approved_gig(coordinator=coordinator, expert=with_companion, ended_ago=last_month())
    other = support_person("Olli Saattaja")
    client.force_login(coordinator)
    detail = reverse("bookings_coordinator:detail", args=[gig.booking_id])
    page = client.get(detail).content.decode()
    assert "Companion: Tuula Tukihenkilö" in page and "Olli Saattaja" in page
    url = reverse("bookings_coordinator:assignment_companion", args=[gig.assignment_id])
    for bad in ("abc", "999999", str(bookable_expert().pk)):
        response = client.post(url, {"companion": bad}, follow=True)
        assert response.status_code == 200
        text = response.content.decode()
        assert "support person" in text
    assert Assignment.objects.get(pk=gig.assignment_id).companion is None
    response = client.post(url, {"companion": str(other.pk)})
    assert response.status_code == 302
    assert Assignment.objects.get(pk=gig.assignment_id).companion == other
    assert client.get(url).status_code == 405
    missing = reverse("bookings_coordinator:assignment_companion", args=[999999])
    assert client.post(missing, {"companion": ""}).status_code == 404
    client.force_login(with_companion.user)
    client.post(url, {"companion": ""})
    assert Assignment.objects.get(pk=gig.assignment_id).companion == other


def test_a_coordinator_adds_a_support_person_with_the_role_choice(client, coordinator):
    client.force_login(coordinator)
    page = client.get(reverse("experts_coordinator:new")).content.decode()
    assert 'name="role"' in page and "support_person" in page


def test_the_invoice_run_reads_no_experts_support_gig_by_gig(support_terms, coordinator):
    """The support rule reads the gig's expert and support profile the run read with the gig,
    not each assignment's expert again: one gig or five take the same reads."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def gig_of(day):
        expert = bookable_expert()
        support_profile_set(expert=expert, by=None, interpreter="sign")
        return approved_gig(coordinator=coordinator, expert=expert, ended_ago=last_month(), day=day)

    first = gig_of(10)
    with CaptureQueriesContext(connection) as one:
        (invoice,) = issue(first).invoices
    assert "interpreter" in lines_of(invoice)
    for day in (11, 12, 13, 14, 16):
        gig_of(day)
    with CaptureQueriesContext(connection) as five:
        invoices = issue(first).invoices
    assert len(invoices) == 5
    assert all("interpreter" in lines_of(invoice) for invoice in invoices)

    def reads(queries):  # an invoice is written in its own inserts and updates
        return [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT")]

    assert len(reads(five)) == len(reads(one))
