"""The documents of an invoice: its PDF (in the invoice's language, bank details, reference, the
virtual barcode as digits and as Code 128), its Finvoice 3.0 message (valid against the
published schema, totals and rows as on the invoice, the reference in EpiDetails) and the
monthly export an operator hands to its e-invoicing channel."""

from __future__ import annotations

import io
import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation
from lxml import etree
from pypdf import PdfReader

from expertbank.bank import bank
from expertbank.finnish import format_reference, format_rf_reference, virtual_barcode
from invoicing import money
from invoicing.documents import invoice_virtual_barcode
from invoicing.documents.finvoice import (
    amount,
    finvoice_applies,
    finvoice_xml,
    percent,
    postal_address,
    quantity,
)
from invoicing.documents.pdf import invoice_barcode_svg, invoice_pdf
from invoicing.models import Invoice, InvoiceLine
from invoicing.services.credits import credit
from invoicing.services.issuing import issue
from tests.bookings.factories import PriceRowFactory, member, request_booking
from tests.factories import UnitFactory
from tests.schemas import schema_path

pytestmark = pytest.mark.django_db

EXEMPTION = "Arvonlisäveroton myynti, AVL 4 § (vähäinen toiminta)"
BILLING_ADDRESS = "Vantaan kaupunki\nOstolaskut\nPL 1000\n00099 Vantaan kaupunki"


@pytest.fixture
def unit(db):
    return UnitFactory(
        organisation__name="Vantaan kaupunki",
        organisation__business_id="0124610-9",
        name="Sosiaali- ja terveystoimi",
        billing_address=BILLING_ADDRESS,
        e_invoice_address="003701246109",
        e_invoice_operator="003721291126",
        contact_name="Liisa Laskuttaja",
    )


@pytest.fixture
def booking(unit):
    PriceRowFactory()
    return request_booking(by=member(unit=unit), unit=unit)


def draft(unit, booking, *, language="fi", lines=None, **fields) -> Invoice:
    """A draft invoice with the bank and ``unit`` copied on, and its lines (by default a talk
    at 25.5 % and an exempt one at 0 % with its legal text)."""
    seller = bank()
    organisation = unit.organisation
    values = {
        "unit": unit,
        "period_start": date(2026, 1, 1),
        "period_end": date(2026, 1, 31),
        "client_reference": "PO-4711",
        "cost_centre": "KP 3300",
        "language": language,
        "issue_date": date(2026, 2, 2),
        "due_date": date(2026, 2, 16),
        "payment_terms_days": 14,
        "penalty_interest": Decimal("11.50"),
        "seller_name": seller.name,
        "seller_business_id": seller.business_id,
        "seller_street": seller.street,
        "seller_postcode": seller.postcode,
        "seller_city": seller.city,
        "seller_iban": seller.iban,
        "seller_bic": seller.bic,
        "seller_einvoice_address": seller.einvoice_address,
        "seller_einvoice_operator": seller.einvoice_operator,
        "seller_email": seller.email,
        "seller_phone": seller.phone,
        "buyer_name": organisation.name,
        "buyer_unit": unit.name,
        "buyer_business_id": organisation.business_id,
        "buyer_address": unit.billing_address,
        "buyer_einvoice_address": unit.e_invoice_address,
        "buyer_einvoice_operator": unit.e_invoice_operator,
        "buyer_contact": unit.contact_name,
    }
    invoice = Invoice.objects.create(**{**values, **fields})
    specs = (
        lines
        if lines is not None
        else [
            ("Puheenvuoro: Mielenterveys ja työ", "Anna K.", "1", "pcs", "350.00", "25.50", ""),
            ("Ryhmätyö", "Matti M.", "2.5", "h", "25.00", "0.00", EXEMPTION),
        ]
    )
    for position, (text, expert, count, unit_code, price, rate, exemption) in enumerate(
        specs, start=1
    ):
        amounts = money.line_amounts(Decimal(count) * Decimal(price), Decimal(rate))
        InvoiceLine.objects.create(
            invoice=invoice,
            position=position,
            kind=InvoiceLine.Kind.WORK,
            booking=booking,
            date=date(2026, 1, 10 + position),
            description=text,
            expert_name=expert,
            quantity=Decimal(count),
            quantity_unit=unit_code,
            unit_price=Decimal(price),
            net=amounts.net,
            vat_rate=Decimal(rate),
            vat=amounts.vat,
            gross=amounts.gross,
            vat_exemption_text=exemption,
        )
    return invoice


def issued(unit, booking, **kwargs) -> Invoice:
    invoice = draft(unit, booking, **kwargs)
    issue(invoice, by=None)
    invoice.refresh_from_db()
    return invoice


def credit_note_for(original: Invoice) -> Invoice:
    """A credit note of the whole ``original``, made by the credit service."""
    note = credit(invoice=original, by=None, reason="Väärä yksikkö", today=date(2026, 2, 20))
    note.refresh_from_db()
    return note


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def flat(text: str) -> str:
    return " ".join(text.split())


# --- The virtual barcode ---------------------------------------------------------------------


def test_the_virtual_barcode_carries_the_iban_amount_reference_and_due_date(unit, booking):
    invoice = issued(unit, booking)
    expected = virtual_barcode(
        invoice.seller_iban, invoice.gross_total, invoice.reference, invoice.due_date
    )
    assert invoice_virtual_barcode(invoice) == expected
    assert len(expected) == 54 and expected.startswith("4")
    assert expected.endswith("260216")


def test_a_credit_note_and_a_draft_have_no_barcode(unit, booking):
    invoice = issued(unit, booking)
    assert invoice_virtual_barcode(credit_note_for(invoice)) == ""
    assert invoice_barcode_svg(draft(unit, booking)) == ""


def _decode_code128(svg: str) -> str:
    """Read the bars back: widths in modules, 11-module symbols of Code 128 set C."""
    from barcode.charsets.code128 import CODES, STOP

    root = etree.fromstring(svg.encode())
    bars = [
        (float(rect.get("x").removesuffix("mm")), float(rect.get("width").removesuffix("mm")))
        for rect in root.iter("{http://www.w3.org/2000/svg}rect")
        if rect.get("x") is not None
    ]
    module = min(width for _x, width in bars)
    start = bars[0][0]
    end = max(x + width for x, width in bars)
    modules = ["0"] * round((end - start) / module)
    for x, width in bars:
        first = round((x - start) / module)
        for i in range(first, first + round(width / module)):
            modules[i] = "1"
    pattern = "".join(modules)
    assert pattern.endswith(STOP + "11"), "the stop symbol and its termination bar"
    symbols = [pattern[i : i + 11] for i in range(0, len(pattern) - len(STOP) - 2, 11)]
    values = [CODES.index(symbol) for symbol in symbols]
    assert values[0] == 105, "starts in code set C (digit pairs)"
    *data, check = values[1:]
    assert check == (105 + sum(i * v for i, v in enumerate(data, start=1))) % 103
    return "".join(f"{value:02d}" for value in data)


def test_the_barcode_image_is_code_128_of_the_virtual_barcode_without_text(unit, booking):
    invoice = issued(unit, booking)
    svg = invoice_barcode_svg(invoice)
    assert svg.count("<rect") > 50
    assert "<text" not in svg
    assert _decode_code128(svg) == invoice_virtual_barcode(invoice)


# --- The PDF -----------------------------------------------------------------------------------


def test_the_pdf_is_in_finnish_with_bank_details_reference_and_barcode(unit, booking):
    invoice = issued(unit, booking)
    data = invoice_pdf(invoice)
    assert data.startswith(b"%PDF-")
    text = pdf_text(data)
    assert invoice.number in text
    assert format_reference(invoice.reference) in text
    assert format_rf_reference(money.invoice_rf_reference(invoice.reference)) in text
    assert invoice_virtual_barcode(invoice) in text.replace(" ", "")
    assert "FI49 5000 9420 0287 30" in text and "OKOYFIHH" in text
    assert "PO-4711" in text and "KP 3300" in text
    assert "00099 Vantaan kaupunki" in text
    assert EXEMPTION in flat(text)
    assert "Anna K." in text and "Ryhmätyö" in text
    assert "16.2.2026" in text  # the due date, the Finnish way
    assert "501,75" in text  # 350 € + 89,25 € VAT, and 2,5 h × 25 € at 0 %
    assert "Viitteenne" in text and "Your reference" not in text  # labels in Finnish


def test_the_pdf_is_in_english_for_an_english_unit(unit, booking, english):
    invoice = issued(unit, booking, language="en")
    text = pdf_text(invoice_pdf(invoice))
    assert invoice.number in text
    assert format_reference(invoice.reference) in text
    assert invoice_virtual_barcode(invoice) in text.replace(" ", "")
    assert "FI49 5000 9420 0287 30" in text
    for label in ("Invoice number", "Due date", "Reference number", "Your reference"):
        assert label in text
    assert "Penalty interest 11.5 % after the due date" in flat(text)
    assert translation.get_language() == "en"


def test_a_credit_note_pdf_names_the_invoice_it_credits_and_says_do_not_pay(unit, booking, english):
    original = issued(unit, booking, language="en")
    note = credit_note_for(original)
    text = flat(pdf_text(invoice_pdf(note)))
    assert "Credit note" in text
    assert note.number in text and original.number in text
    assert "Do not pay" in text
    assert "Virtual barcode" not in text
    assert "-501.75" in text  # the whole invoice taken back, in English digits


# --- Finvoice ----------------------------------------------------------------------------------


def _schema() -> etree.XMLSchema:
    path = schema_path("Finvoice3.0.xsd")
    assert path is not None, "the schemas marker deselects this test where the folder is absent"
    return etree.XMLSchema(etree.parse(str(path)))


def _amount(text: str) -> Decimal:
    assert re.fullmatch(r"-?\d+,\d{2}", text), text
    return Decimal(text.replace(",", "."))


def _parse(data: bytes) -> etree._Element:
    assert data.startswith(b"<?xml version='1.0' encoding='UTF-8'?>") or data.startswith(
        b'<?xml version="1.0" encoding="UTF-8"?>'
    )
    return etree.fromstring(data)


@pytest.mark.schemas
def test_the_finvoice_of_an_invoice_with_two_vat_rates_is_valid(unit, booking):
    invoice = issued(unit, booking)
    root = _parse(finvoice_xml(invoice))
    schema = _schema()
    assert schema.validate(root), schema.error_log
    assert root.get("Version") == "3.0"
    assert root.findtext("InvoiceDetails/InvoiceTypeCode") == "INV01"


@pytest.mark.schemas
def test_the_finvoice_of_a_credit_note_is_valid_and_names_the_original(unit, booking):
    original = issued(unit, booking)
    note = credit_note_for(original)
    root = _parse(finvoice_xml(note))
    schema = _schema()
    assert schema.validate(root), schema.error_log
    details = root.find("InvoiceDetails")
    assert details.findtext("InvoiceTypeCode") == "INV02"
    assert details.findtext("OriginalInvoiceNumber") == original.number
    assert _amount(details.findtext("InvoiceTotalVatIncludedAmount")) == note.gross_total < 0


def test_finvoice_totals_vat_and_rows_equal_the_invoice(unit, booking):
    invoice = issued(unit, booking)
    root = _parse(finvoice_xml(invoice))
    details = root.find("InvoiceDetails")
    assert details.findtext("InvoiceNumber") == invoice.number
    assert details.find("InvoiceDate").get("Format") == "CCYYMMDD"
    assert details.findtext("InvoiceDate") == "20260202"
    assert _amount(details.findtext("InvoiceTotalVatExcludedAmount")) == invoice.net_total
    assert _amount(details.findtext("InvoiceTotalVatAmount")) == invoice.vat_total
    assert _amount(details.findtext("InvoiceTotalVatIncludedAmount")) == invoice.gross_total
    assert details.find("InvoiceTotalVatIncludedAmount").get("AmountCurrencyIdentifier") == "EUR"
    assert details.findtext("OrderIdentifier") == "PO-4711"
    assert details.findtext("BuyerReferenceIdentifier") == "PO-4711"
    assert details.findtext("AccountDimensionText") == "KP 3300"
    assert details.findtext("PaymentTermsDetails/InvoiceDueDate") == "20260216"
    fine = details.find("PaymentTermsDetails/PaymentOverDueFineDetails")
    assert fine.findtext("PaymentOverDueFinePercent") == "11,5"

    vat = {
        spec.findtext("VatRatePercent"): spec for spec in details.findall("VatSpecificationDetails")
    }
    assert set(vat) == {"25,5", "0"}
    assert _amount(vat["25,5"].findtext("VatBaseAmount")) == Decimal("350.00")
    assert _amount(vat["25,5"].findtext("VatRateAmount")) == Decimal("89.25")
    assert _amount(vat["0"].findtext("VatBaseAmount")) == Decimal("62.50")
    assert _amount(vat["0"].findtext("VatRateAmount")) == Decimal("0.00")
    assert " ".join(t.text for t in vat["0"].findall("VatFreeText")) == EXEMPTION
    assert vat["0"].findtext("VatCode") == "E" and vat["25,5"].findtext("VatCode") == "S"

    lines = list(invoice.lines.order_by("position"))
    rows = root.findall("InvoiceRow")
    assert len(rows) == len(lines)
    for row, line in zip(rows, lines, strict=True):
        assert row.findtext("ArticleName") == line.description
        assert Decimal(row.findtext("InvoicedQuantity").replace(",", ".")) == line.quantity
        assert _amount(row.findtext("UnitPriceAmount")) == line.unit_price
        assert _amount(row.findtext("RowVatExcludedAmount")) == line.net
        assert _amount(row.findtext("RowVatAmount")) == line.vat
        assert _amount(row.findtext("RowAmount")) == line.gross
        assert row.findtext("RowDeliveryDate") == line.date.strftime("%Y%m%d")
        assert line.expert_name in row.findtext("RowFreeText")
    assert rows[1].find("InvoicedQuantity").get("QuantityUnitCodeUN") == "HUR"
    assert rows[0].findtext("RowVatRatePercent") == "25,5"


def test_finvoice_parties_and_transmission(unit, booking, settings):
    invoice = issued(unit, booking)
    root = _parse(finvoice_xml(invoice))
    transmission = root.find("MessageTransmissionDetails")
    assert transmission.findtext("MessageSenderDetails/FromIdentifier") == "003728998765"
    assert transmission.findtext("MessageReceiverDetails/ToIdentifier") == "003701246109"
    assert transmission.findtext("MessageReceiverDetails/ToIntermediator") == "003721291126"
    seller = root.find("SellerPartyDetails")
    assert seller.findtext("SellerPartyIdentifier") == "2899876-5"
    assert seller.findtext("SellerOrganisationTaxCode") == "FI28998765"
    assert seller.findtext("SellerOrganisationName") == settings.BANK_NAME
    account = root.find("SellerInformationDetails/SellerAccountDetails")
    assert account.findtext("SellerAccountID") == "FI4950009420028730"
    assert account.findtext("SellerBic") == "OKOYFIHH"
    buyer = root.find("BuyerPartyDetails")
    assert buyer.findtext("BuyerPartyIdentifier") == "0124610-9"
    assert buyer.findtext("BuyerOrganisationName") == "Vantaan kaupunki"
    address = buyer.find("BuyerPostalAddressDetails")
    assert [s.text for s in address.findall("BuyerStreetName")] == [
        "Vantaan kaupunki",
        "Ostolaskut",
        "PL 1000",
    ]
    assert address.findtext("BuyerPostCodeIdentifier") == "00099"
    assert address.findtext("BuyerTownName") == "Vantaan kaupunki"


def test_finvoice_epi_details_carry_the_reference_amount_and_due_date(unit, booking):
    invoice = issued(unit, booking)
    root = _parse(finvoice_xml(invoice))
    epi = root.find("EpiDetails")
    assert epi.findtext("EpiPartyDetails/EpiBfiPartyDetails/EpiBfiIdentifier") == "OKOYFIHH"
    assert (
        epi.findtext("EpiPartyDetails/EpiBeneficiaryPartyDetails/EpiAccountID")
        == "FI4950009420028730"
    )
    instruction = epi.find("EpiPaymentInstructionDetails")
    reference = instruction.find("EpiRemittanceInfoIdentifier")
    assert reference.text == invoice.reference
    assert reference.get("IdentificationSchemeName") == "SPY"
    assert _amount(instruction.findtext("EpiInstructedAmount")) == invoice.gross_total
    assert instruction.findtext("EpiDateOptionDate") == "20260216"
    assert root.findtext("VirtualBankBarcode") == invoice_virtual_barcode(invoice)


def test_finvoice_applies_only_with_an_e_invoice_address_and_operator(unit, booking):
    invoice = issued(unit, booking)
    assert finvoice_applies(invoice)
    paper = issued(unit, booking, buyer_einvoice_address="", buyer_einvoice_operator="")
    assert not finvoice_applies(paper)


def test_a_draft_has_no_finvoice(unit, booking):
    with pytest.raises(ValueError):
        finvoice_xml(draft(unit, booking))


def test_finvoice_numbers_have_a_decimal_comma_and_no_exponent():
    assert amount(Decimal("1234.5")) == "1234,50"
    assert amount(Decimal("-0.00")) == "0,00"
    assert amount(Decimal("-439.25")) == "-439,25"
    assert percent(Decimal("25.50")) == "25,5"
    assert percent(Decimal("10.00")) == "10"
    assert percent(Decimal("0.00")) == "0"
    assert quantity(Decimal("-2.50")) == "-2,5"


@pytest.mark.parametrize(
    ("text", "streets", "postcode", "town"),
    [
        ("Kielotie 13\n01300 Vantaa", ["Kielotie 13"], "01300", "Vantaa"),
        (
            "Ostolaskut\nPL 3400, 01030 Vantaan kaupunki",
            ["Ostolaskut", "PL 3400"],
            "01030",
            "Vantaan kaupunki",
        ),
        ("  Asematie 6 \n\n FI-00100  Helsinki ", ["Asematie 6"], "00100", "Helsinki"),
    ],
)
def test_a_billing_address_is_read_into_street_postcode_and_town(text, streets, postcode, town):
    address = postal_address(text)
    assert (address.streets, address.postcode, address.town) == (streets, postcode, town)


def test_a_billing_address_without_a_postcode_is_not_guessed():
    assert postal_address("Vantaan kaupunki\nOstolaskut") is None


# --- The export --------------------------------------------------------------------------------


def test_the_export_writes_every_document_of_the_month(unit, booking, tmp_path):
    invoice = issued(unit, booking)
    paper_unit = UnitFactory(billing_address="Kauppakatu 1\n40100 Jyväskylä")
    paper = issued(
        paper_unit,
        booking,
        buyer_einvoice_address="",
        buyer_einvoice_operator="",
        language="en",
    )
    note = credit_note_for(invoice)
    issued(unit, booking, issue_date=date(2026, 3, 2), due_date=date(2026, 3, 16))  # March
    out = io.StringIO()
    call_command("invoices_export", month="2026-02", out=str(tmp_path / "feb"), stdout=out)
    files = sorted(path.name for path in (tmp_path / "feb").iterdir())
    assert files == sorted(
        [
            f"{invoice.number}.pdf",
            f"{invoice.number}.xml",
            f"{paper.number}.pdf",
            f"{note.number}.pdf",
            f"{note.number}.xml",
        ]
    )
    assert (tmp_path / "feb" / f"{invoice.number}.pdf").read_bytes().startswith(b"%PDF-")
    assert (tmp_path / "feb" / f"{invoice.number}.xml").read_bytes() == finvoice_xml(invoice)
    summary = out.getvalue().splitlines()[-1]
    assert "3 documents" in summary and "2 Finvoice XML" in summary
    assert "credit notes: 1" in summary


@pytest.mark.parametrize("month", ["2026-13", "2026-2", "February", ""])
def test_the_export_refuses_a_bad_month(month, tmp_path):
    with pytest.raises(CommandError, match="--month"):
        call_command("invoices_export", month=month, out=str(tmp_path))


def test_the_export_refuses_an_out_that_is_a_file_or_nothing(tmp_path):
    target = tmp_path / "file.txt"
    target.write_text("x")
    with pytest.raises(CommandError, match="--out"):
        call_command("invoices_export", month="2026-02", out=str(target))
    with pytest.raises(CommandError, match="--out"):
        call_command("invoices_export", month="2026-02", out=" ")
