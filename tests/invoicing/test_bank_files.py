"""The files of a fee payment: the bank's SEPA credit transfer file (pain.001.001.09, valid
against the schema bundled with sepaxml, the bank as debtor with a structured address, one
transfer per statement that pays out, control sum and count right) and the Incomes Register's
earnings payment report (valid against the published WageReportsToIR schema, the income types
with their sums, the kilometres with 311, the withholding as 402, no expenses)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import sepaxml
from cryptography.fernet import Fernet
from lxml import etree

from expertbank.crypto import reset_keys
from invoicing.documents.incomes_register import earnings_report_xml, one_delivery
from invoicing.documents.sepa import SCHEMA, credit_transfer_xml, remittance_text
from invoicing.models import FeeLine, FeeStatement, PaymentBatch
from invoicing.services.common import InvoicingError
from tests.experts.factories import GOOD_CODES, GOOD_IBANS
from tests.factories import ExpertFactory
from tests.schemas import schema_path

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

PAIN = f"urn:iso:std:iso:20022:tech:xsd:{SCHEMA}"
NS = {"p": PAIN}
IR = "http://www.tulorekisteri.fi/2017/1/WageReportsToIR"
PAYMENT_DATE = date(2026, 12, 4)
MONTH = (date(2026, 11, 1), date(2026, 11, 30))


@pytest.fixture(autouse=True)
def field_keys(settings):
    """Known keys for the encrypted IBAN and identity code, none cached across tests."""
    settings.FIELD_ENCRYPTION_KEYS = Fernet.generate_key().decode()
    settings.FIELD_HASH_KEY = "test-hash-key-for-bank-files"
    reset_keys()
    yield settings
    reset_keys()


@pytest.fixture(autouse=True)
def the_bank(settings):
    settings.BANK_NAME = "Kokemusasiantuntijapankki ry"
    settings.BANK_BUSINESS_ID = "2899876-5"
    settings.BANK_STREET = "Asematie 6"
    settings.BANK_POSTCODE = "01300"
    settings.BANK_CITY = "Vantaa"
    settings.BANK_IBAN = "FI4950009420028730"
    settings.BANK_BIC = "OKOYFIHH"
    settings.BANK_EMAIL = "palkkiot@kokemuspankki.example"
    settings.BANK_PHONE = "+358 40 555 0100"
    return settings


def make_expert(n: int, **kwargs):
    kwargs.setdefault("iban", GOOD_IBANS[n % len(GOOD_IBANS)])
    kwargs.setdefault("identity_code", GOOD_CODES[n % len(GOOD_CODES)])
    kwargs.setdefault("user__language", "en")
    return ExpertFactory(**kwargs)


def statement_with(expert, lines, *, withholding="0.00", batch=None) -> FeeStatement:
    """A statement in ``batch`` of ``lines`` ((kind, income type, amount, km), ...), its sums
    counted as the fee rules would (withholding given)."""
    statement = FeeStatement.objects.create(
        expert=expert,
        period_start=MONTH[0],
        period_end=MONTH[1],
        batch=batch,
        status=FeeStatement.Status.IN_PAYMENT if batch else FeeStatement.Status.APPROVED,
        payment_date=PAYMENT_DATE,
        withholding_note="",
    )
    for kind, income_type, amount, km in lines:
        FeeLine.objects.create(
            statement=statement,
            kind=kind,
            date=date(2026, 11, 12),
            description="Koulutus: Kokemuksen voima, 2 h",
            income_type=income_type,
            amount=Decimal(amount),
            km=km,
        )
    by_type: dict[str, Decimal] = {}
    for _kind, income_type, amount, _km in lines:
        by_type[income_type] = by_type.get(income_type, Decimal(0)) + Decimal(amount)
    statement.wages = by_type.get("210", Decimal(0)) + by_type.get("214", Decimal(0))
    statement.work_compensation = by_type.get("336", Decimal(0))
    statement.mileage = by_type.get("311", Decimal(0))
    statement.expenses = by_type.get("", Decimal(0))
    statement.withholding = Decimal(withholding)
    statement.payout = (
        statement.gross - statement.withholding + statement.mileage + statement.expenses
    )
    statement.save()
    return statement


FEE, MILEAGE, EXPENSES = FeeLine.Kind.FEE, FeeLine.Kind.MILEAGE, FeeLine.Kind.EXPENSES
MIXED = [
    (FEE, "214", "300.00", 0),
    (FEE, "210", "50.00", 0),
    (FEE, "336", "75.00", 0),
    (MILEAGE, "311", "23.10", 42),
    (EXPENSES, "", "12.40", 0),
]


@pytest.fixture
def batch(db):
    return PaymentBatch.objects.create(payment_date=PAYMENT_DATE, message_id="EB20261204TEST0001")


@pytest.fixture
def paid(batch):
    """Three statements in the batch: mixed income, kilometres only, and one paying nothing."""
    mixed = statement_with(make_expert(0), MIXED, withholding="105.00", batch=batch)
    km_only = statement_with(make_expert(1), [(MILEAGE, "311", "11.00", 20)], batch=batch)
    declined = statement_with(make_expert(2), [(FEE, "214", "0.00", 0)], batch=batch)
    statements = [mixed, km_only, declined]
    batch.total = sum((s.payout for s in statements), Decimal(0))
    batch.save()
    return statements


def pain_schema() -> etree.XMLSchema:
    path = Path(sepaxml.__file__).parent / "schemas" / f"{SCHEMA}.xsd"
    return etree.XMLSchema(etree.parse(str(path)))


def parse(xml: str) -> etree._Element:
    return etree.fromstring(xml.encode("utf-8"))


# --- SEPA credit transfer -----------------------------------------------------------------------


def test_credit_transfer_is_valid_pain_001_001_09(batch, paid):
    xml = credit_transfer_xml(batch, paid)
    root = parse(xml)
    assert root.tag == f"{{{PAIN}}}Document"
    schema = pain_schema()
    assert schema.validate(root), schema.error_log


def test_credit_transfer_totals_and_one_transfer_per_paying_statement(batch, paid):
    mixed, km_only, declined = paid
    root = parse(credit_transfer_xml(batch, paid))
    header = root.find("p:CstmrCdtTrfInitn/p:GrpHdr", NS)
    assert header.findtext("p:MsgId", namespaces=NS) == "EB20261204TEST0001"
    assert header.findtext("p:NbOfTxs", namespaces=NS) == "2"
    assert Decimal(header.findtext("p:CtrlSum", namespaces=NS)) == mixed.payout + km_only.payout
    assert Decimal(header.findtext("p:CtrlSum", namespaces=NS)) == batch.total
    (block,) = root.findall("p:CstmrCdtTrfInitn/p:PmtInf", NS)
    assert block.findtext("p:ReqdExctnDt/p:Dt", namespaces=NS) == "2026-12-04"
    assert Decimal(block.findtext("p:CtrlSum", namespaces=NS)) == batch.total
    transfers = block.findall("p:CdtTrfTxInf", NS)
    assert [t.findtext("p:PmtId/p:EndToEndId", namespaces=NS) for t in transfers] == [
        f"FEE-{mixed.pk}",
        f"FEE-{km_only.pk}",
    ]
    amounts = [Decimal(t.findtext("p:Amt/p:InstdAmt", namespaces=NS)) for t in transfers]
    assert amounts == [mixed.payout, km_only.payout]
    assert mixed.payout == Decimal("355.50")  # 425 gross − 105 withheld + 23.10 + 12.40
    assert transfers[0].find("p:Amt/p:InstdAmt", NS).get("Ccy") == "EUR"
    # No transfer for the statement paying nothing.
    assert f"FEE-{declined.pk}" not in credit_transfer_xml(batch, paid)


def test_credit_transfer_debtor_is_the_bank_with_a_structured_address(batch, paid):
    root = parse(credit_transfer_xml(batch, paid))
    block = root.find("p:CstmrCdtTrfInitn/p:PmtInf", NS)
    assert block.findtext("p:Dbtr/p:Nm", namespaces=NS) == "Kokemusasiantuntijapankki ry"
    address = block.find("p:Dbtr/p:PstlAdr", NS)
    assert [(etree.QName(e).localname, e.text) for e in address] == [
        ("StrtNm", "Asematie 6"),
        ("PstCd", "01300"),
        ("TwnNm", "Vantaa"),
        ("Ctry", "FI"),
    ]
    assert address.find("p:AdrLine", NS) is None
    assert block.findtext("p:DbtrAcct/p:Id/p:IBAN", namespaces=NS) == "FI4950009420028730"
    assert block.findtext("p:DbtrAgt/p:FinInstnId/p:BICFI", namespaces=NS) == "OKOYFIHH"


def test_credit_transfer_address_in_basic_latin(batch, paid, settings):
    settings.BANK_STREET = "Hämeentie 1 ö"
    settings.BANK_CITY = "Jyväskylä"
    root = parse(credit_transfer_xml(batch, paid))
    address = root.find("p:CstmrCdtTrfInitn/p:PmtInf/p:Dbtr/p:PstlAdr", NS)
    assert address.findtext("p:StrtNm", namespaces=NS) == "Hameentie 1 o"
    assert address.findtext("p:TwnNm", namespaces=NS) == "Jyvaskyla"


def test_credit_transfer_creditor_and_remittance(batch, paid):
    mixed = paid[0]
    mixed.expert.bic = "NDEAFIHH"
    mixed.expert.save()
    mixed.expert.user.full_name = "Sirkka Hämäläinen"
    mixed.expert.user.language = "sv"
    mixed.expert.user.save()
    root = parse(credit_transfer_xml(batch, paid))
    first, second = root.findall(".//p:CdtTrfTxInf", NS)
    assert first.findtext("p:Cdtr/p:Nm", namespaces=NS) == "Sirkka Hamalainen"  # basic Latin
    assert first.find("p:Cdtr/p:PstlAdr", NS) is None  # the expert has no address on file
    assert first.findtext("p:CdtrAcct/p:Id/p:IBAN", namespaces=NS) == GOOD_IBANS[0]
    assert first.findtext("p:CdtrAgt/p:FinInstnId/p:BICFI", namespaces=NS) == "NDEAFIHH"
    assert second.find("p:CdtrAgt", NS) is None  # no BIC known: left out
    remittance = first.findtext("p:RmtInf/p:Ustrd", namespaces=NS)
    # In the expert's own language, whatever the coordinator reads.
    assert remittance == f"Arvoden 11/2026, arvodesspecifikation {mixed.pk}"
    assert remittance == remittance_text(mixed)
    assert len(remittance) <= 140
    assert "Kokemuksen" not in credit_transfer_xml(batch, paid)  # no gig details


def test_credit_transfer_validates_on_export(batch, paid):
    """sepaxml validates against the bundled schema: a BIC the schema refuses stops the file."""
    mixed = paid[0]
    mixed.expert.bic = "NOTABIC"
    mixed.expert.save()
    with pytest.raises(InvoicingError, match=re.escape(SCHEMA)):
        credit_transfer_xml(batch, paid)


def test_credit_transfer_refuses_a_batch_total_that_does_not_add_up(batch, paid):
    batch.total += Decimal("0.01")
    with pytest.raises(InvoicingError, match="total"):
        credit_transfer_xml(batch, paid)


def test_credit_transfer_refuses_an_expert_without_an_iban(batch, paid):
    paid[1].expert.iban = ""
    paid[1].expert.save()
    with pytest.raises(InvoicingError, match="IBAN"):
        credit_transfer_xml(batch, paid)


def test_credit_transfer_nothing_to_pay_makes_no_file(batch):
    declined = statement_with(make_expert(0), [(FEE, "214", "0.00", 0)], batch=batch)
    assert credit_transfer_xml(batch, [declined]) == ""


# --- Incomes Register ---------------------------------------------------------------------------


def transactions(root: etree._Element) -> dict[str, etree._Element]:
    found = root.findall("DeliveryData/Reports/Report/Transactions/Transaction")
    codes = [t.findtext("TransactionBasic/TransactionCode") for t in found]
    assert len(codes) == len(set(codes))
    return dict(zip(codes, found, strict=True))


def amount(transaction: etree._Element) -> Decimal:
    return Decimal(transaction.findtext("TransactionBasic/Amount"))


def test_earnings_report_codes_and_amounts(batch, paid):
    mixed = paid[0]
    root = parse(earnings_report_xml(mixed, report_id="EB20261204TEST0001-1"))
    assert root.tag == f"{{{IR}}}WageReportsRequestToIR"
    found = transactions(root)
    assert list(found) == ["210", "214", "336", "311", "402"]
    assert amount(found["210"]) == Decimal("50.00")
    assert amount(found["214"]) == Decimal("300.00")
    assert amount(found["336"]) == Decimal("75.00")
    assert amount(found["311"]) == Decimal("23.10")
    assert found["311"].findtext("KmAllowance/Kilometers") == "42"
    assert amount(found["402"]) == Decimal("105.00")
    assert found["214"].findtext("TransactionBasic/Amount") == "300.00"  # decimal2
    # Outside employment: the wage-type fees are in no insurance; the others carry none.
    for code in ("210", "214"):
        inclusions = found[code].findall("InsuranceData/TransactionInclusion")
        assert [i.findtext("InsuranceCode") for i in inclusions] == ["1", "2", "3", "4"]
        assert {i.findtext("Included") for i in inclusions} == {"false"}
    for code in ("336", "311", "402"):
        assert found[code].find("InsuranceData") is None
    # Expenses against receipts (12.40) are not reported.
    assert "12.40" not in etree.tostring(root).decode()


def test_earnings_report_delivery_payer_and_income_earner(batch, paid, settings):
    mixed = paid[0]
    root = parse(earnings_report_xml(mixed, report_id="EB20261204TEST0001-1"))
    delivery = root.find("DeliveryData")
    assert delivery.findtext("DeliveryDataType") == "100"
    assert delivery.findtext("DeliveryId") == "EB20261204TEST0001-1"
    assert delivery.findtext("FaultyControl") == "1"
    assert delivery.findtext("ProductionEnvironment") == "false"
    for tag in ("DeliveryDataOwner", "DeliveryDataCreator", "DeliveryDataSender"):
        assert delivery.findtext(f"{tag}/Type") == "1"
        assert delivery.findtext(f"{tag}/Code") == "2899876-5"
    assert delivery.findtext("PaymentPeriod/PaymentDate") == "2026-12-04"
    assert delivery.findtext("PaymentPeriod/StartDate") == "2026-11-01"
    assert delivery.findtext("PaymentPeriod/EndDate") == "2026-11-30"
    contact = delivery.find("ContactPersons/ContactPerson")
    assert contact.findtext("Name") == "Kokemusasiantuntijapankki ry"
    assert contact.findtext("Telephone") == "+358 40 555 0100"
    assert contact.findtext("Email") == "palkkiot@kokemuspankki.example"
    assert delivery.findtext("Payer/PayerIds/Id/Type") == "1"
    assert delivery.findtext("Payer/PayerIds/Id/Code") == "2899876-5"
    report = delivery.find("Reports/Report")
    assert report.findtext("ReportData/ActionCode") == "1"
    assert report.findtext("ReportData/ReportId") == "EB20261204TEST0001-1"
    assert report.findtext("IncomeEarner/IncomeEarnerIds/Id/Type") == "2"
    assert report.findtext("IncomeEarner/IncomeEarnerIds/Id/Code") == GOOD_CODES[0]

    settings.INCOMES_REGISTER_PRODUCTION = True
    root = parse(earnings_report_xml(mixed, report_id="EB20261204TEST0001-1"))
    assert root.findtext("DeliveryData/ProductionEnvironment") == "true"


def test_earnings_report_kilometres_only_has_no_withholding(batch, paid):
    km_only = paid[1]
    found = transactions(parse(earnings_report_xml(km_only, report_id="R-2")))
    assert list(found) == ["311"]
    assert amount(found["311"]) == Decimal("11.00")
    assert found["311"].findtext("KmAllowance/Kilometers") == "20"


def test_earnings_report_zero_sums_are_left_out_but_withholding_is_not(batch):
    statement = statement_with(
        make_expert(0),
        [
            (FEE, "214", "200.00", 0),
            (FEE, "210", "40.00", 0),
            (FeeLine.Kind.CORRECTION, "210", "-40.00", 0),
        ],
        withholding="0.00",
        batch=batch,
    )
    found = transactions(parse(earnings_report_xml(statement, report_id="R-3")))
    assert list(found) == ["214", "402"]
    assert amount(found["402"]) == Decimal("0.00")  # a 0 % card: reported as nothing withheld


def test_earnings_report_refuses_expenses_only(batch):
    statement = statement_with(make_expert(0), [(EXPENSES, "", "30.00", 0)], batch=batch)
    with pytest.raises(InvoicingError, match="nothing to report"):
        earnings_report_xml(statement, report_id="R-4")


def test_earnings_report_refuses_a_missing_identity_code(batch, paid):
    mixed = paid[0]
    mixed.expert.identity_code = ""
    mixed.expert.save()
    with pytest.raises(InvoicingError, match="identity code"):
        earnings_report_xml(mixed, report_id="R-5")


def test_earnings_report_refuses_without_the_banks_phone(batch, paid, settings):
    settings.BANK_PHONE = ""
    with pytest.raises(InvoicingError, match="BANK_PHONE"):
        earnings_report_xml(paid[0], report_id="R-6")


@pytest.fixture
def wage_reports_schema() -> etree.XMLSchema:
    path = schema_path("incomes-register/WageReportsToIR.xsd")
    assert path is not None
    return etree.XMLSchema(etree.parse(str(path)))


@pytest.mark.schemas
@pytest.mark.parametrize("which", [0, 1])
def test_earnings_report_is_valid_against_the_published_schema(
    batch, paid, wage_reports_schema, which
):
    root = parse(earnings_report_xml(paid[which], report_id=f"EB20261204TEST0001-{which}"))
    assert wage_reports_schema.validate(root), wage_reports_schema.error_log


@pytest.mark.schemas
def test_the_schema_refuses_a_wrong_element_order(batch, paid, wage_reports_schema):
    """The validation has teeth: swapping two DeliveryData elements makes the report invalid."""
    root = parse(earnings_report_xml(paid[0], report_id="R-7"))
    delivery = root.find("DeliveryData")
    source = delivery.find("Source")
    delivery.remove(source)
    delivery.insert(0, source)
    assert not wage_reports_schema.validate(root)


@pytest.mark.schemas
def test_a_batchs_reports_as_one_delivery_are_valid_against_the_published_schema(
    batch, paid, wage_reports_schema
):
    """One payment's reports of several experts in one file, as the upload service takes them:
    the first one's delivery data with a delivery ID of its own, every report unchanged."""
    singles = [
        earnings_report_xml(statement, report_id=f"EB20261204TEST0001-{n}")
        for n, statement in enumerate(paid[:2])
    ]
    root = parse(one_delivery(singles, delivery_id="EB20261204TEST0001-IR2"))
    assert wage_reports_schema.validate(root), wage_reports_schema.error_log
    assert root.findtext("DeliveryData/DeliveryId") == "EB20261204TEST0001-IR2"
    assert root.findtext("DeliveryData/PaymentPeriod/PaymentDate") == "2026-12-04"
    reports = root.findall("DeliveryData/Reports/Report")
    assert [r.findtext("ReportData/ReportId") for r in reports] == [
        "EB20261204TEST0001-0",
        "EB20261204TEST0001-1",
    ]
    bare = etree.XMLParser(remove_blank_text=True)
    reports = etree.fromstring(etree.tostring(root), bare).findall("DeliveryData/Reports/Report")
    for report, single in zip(reports, singles, strict=True):
        (alone,) = etree.fromstring(single.encode(), bare).findall("DeliveryData/Reports/Report")
        assert etree.tostring(report, with_tail=False) == etree.tostring(alone, with_tail=False)


def test_one_delivery_refuses_reports_of_different_payment_dates(batch, paid):
    first = earnings_report_xml(paid[0], report_id="R-8")
    FeeStatement.objects.filter(pk=paid[1].pk).update(payment_date=date(2026, 12, 11))
    paid[1].refresh_from_db()
    later = earnings_report_xml(paid[1], report_id="R-9")
    with pytest.raises(InvoicingError, match="different payment dates"):
        one_delivery([first, later], delivery_id="X")
    with pytest.raises(InvoicingError, match="no reports"):
        one_delivery([], delivery_id="X")
