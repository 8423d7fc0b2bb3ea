"""An issued invoice or credit note as a Finvoice 3.0 message: what an operator hands to its
e-invoicing channel for a unit with an e-invoice address.

The elements follow the order of the published schema (Finance Finland's ``Finvoice3.0.xsd``,
"Modified 1.11.2019"), which tests validate against. Finvoice writes amounts with a decimal comma
(``1234,50``), dates as ``CCYYMMDD`` with a ``Format`` attribute and every amount with its
currency. Texts that Finvoice limits in length (35 or 70 characters) are shortened to fit; the
PDF always carries them whole.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils import timezone, translation
from django.utils.translation import gettext
from lxml import etree

from expertbank.amounts import cents
from invoicing import money
from invoicing.documents import (
    credit_note_text,
    invoice_virtual_barcode,
    payment_terms_text,
    penalty_interest_text,
)
from invoicing.models import Invoice, InvoiceLine

XSI = "http://www.w3.org/2001/XMLSchema-instance"
CURRENCY = "EUR"
COUNTRY = "FI"
# ISO 6523 identifier schemes used in Finvoice 3.0: the Finnish business ID (Y-tunnus, 0212).
BUSINESS_ID_SCHEME = "0212"
# UN/ECE recommendation 20 codes for our quantity units.
UN_UNITS = {
    InvoiceLine.QuantityUnit.HOURS: "HUR",
    InvoiceLine.QuantityUnit.PIECES: "H87",
    InvoiceLine.QuantityUnit.KM: "KMT",
}
# UNTDID 1001 document types and 4461 payment means (58: SEPA credit transfer).
UN_INVOICE, UN_CREDIT_NOTE, SEPA_CREDIT_TRANSFER = "380", "381", "58"
# A "NNNNN Town" line (optionally "FI-NNNNN"), possibly after a P.O. box and a comma.
_POSTCODE_LINE = re.compile(
    r"^(?:(?P<before>.*?)[,\s]\s*)?(?:FI-)?(?P<code>\d{5})\s+(?P<town>\S.*)$"
)


def finvoice_applies(invoice: Invoice) -> bool:
    """An e-invoice is sent where the buyer gave an e-invoice address and its operator."""
    return bool(invoice.buyer_einvoice_address.strip() and invoice.buyer_einvoice_operator.strip())


@dataclass(frozen=True)
class PostalAddress:
    streets: list[str]
    postcode: str
    town: str


def postal_address(text: str) -> PostalAddress | None:
    """A free-text billing address read as Finvoice wants it: the street lines (at most three)
    before the last "NNNNN Town" line. None when the text has no such line."""
    lines = [" ".join(line.split()) for line in text.splitlines()]
    lines = [line for line in lines if line]
    for index in range(len(lines) - 1, -1, -1):
        match = _POSTCODE_LINE.match(lines[index])
        if match:
            streets = lines[:index]
            if match["before"] and match["before"].strip(" ,"):
                streets.append(match["before"].strip(" ,"))
            return PostalAddress(
                streets=[_fit(line, 35) for line in streets if len(line) >= 2][:3],
                postcode=match["code"],
                town=_fit(match["town"], 35),
            )
    return None


def amount(value: Decimal) -> str:
    """1234.5 → "1234,50": two decimals and a decimal comma, no grouping."""
    value = cents(value) + 0  # + 0 turns -0.00 into 0.00
    return f"{value:.2f}".replace(".", ",")


def percent(value: Decimal) -> str:
    """25.50 → "25,5" and 0.00 → "0": a Finvoice percentage."""
    return _decimal_comma(value)


def quantity(value: Decimal) -> str:
    """2.00 → "2" and -1.50 → "-1,5"."""
    return _decimal_comma(value)


def _decimal_comma(value: Decimal) -> str:
    # format(…, "f"): normalize() alone would write 10 as 1E+1.
    return format(Decimal(value).normalize(), "f").replace(".", ",")


def ccyymmdd(day: date) -> str:
    return day.strftime("%Y%m%d")


def finvoice_xml(invoice: Invoice) -> bytes:
    """The Finvoice 3.0 message of an issued invoice or credit note, UTF-8 with its
    declaration. Texts meant for people (type, terms, units) are in the invoice's language."""
    if invoice.status == Invoice.Status.DRAFT or not invoice.number:
        raise ValueError("Only an issued invoice has a Finvoice message.")
    lines = list(invoice.lines.order_by("position"))
    with translation.override(invoice.language):
        root = _Builder(invoice, lines).build()
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _fit(text: str, length: int) -> str:
    """One line of at most ``length`` characters (Finvoice's limits)."""
    text = " ".join(str(text).split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def _wrapped(text: str, width: int, count: int) -> list[str]:
    """``text`` in at most ``count`` pieces of ``width`` characters (the last one shortened)."""
    pieces = textwrap.wrap(" ".join(text.split()), width) or []
    if len(pieces) > count:
        pieces = [*pieces[: count - 1], _fit(" ".join(pieces[count - 1 :]), width)]
    return pieces


def _vat_code(rate: Decimal, exemption_text: str) -> str:
    """EN 16931 VAT category: S standard rate, E exempt (with its legal text), Z zero rated."""
    if rate > 0:
        return "S"
    return "E" if exemption_text else "Z"


class _Builder:
    def __init__(self, invoice: Invoice, lines: list[InvoiceLine]):
        self.invoice = invoice
        self.lines = lines

    # -- helpers ------------------------------------------------------------------------------

    @staticmethod
    def el(parent, tag: str, text: str | None = None, **attributes) -> etree._Element:
        element = etree.SubElement(parent, tag, attributes)
        if text is not None:
            element.text = text
        return element

    def money(self, parent, tag: str, value: Decimal) -> None:
        self.el(parent, tag, amount(value), AmountCurrencyIdentifier=CURRENCY)

    def date(self, parent, tag: str, day: date) -> None:
        self.el(parent, tag, ccyymmdd(day), Format="CCYYMMDD")

    # -- the message --------------------------------------------------------------------------

    def build(self) -> etree._Element:
        invoice = self.invoice
        root = etree.Element("Finvoice", {"Version": "3.0"}, nsmap={"xsi": XSI})
        root.set(f"{{{XSI}}}noNamespaceSchemaLocation", "Finvoice3.0.xsd")
        self.transmission(root)
        self.seller(root)
        self.buyer(root)
        self.details(root)
        barcode = invoice_virtual_barcode(invoice)
        if barcode:
            self.el(root, "VirtualBankBarcode", barcode)
        for line in self.lines:
            self.row(root, line)
        self.epi(root)
        return root

    def transmission(self, root) -> None:
        """Sender and receiver addresses for the operators. Left out when the bank has no
        e-invoice address of its own: its operator then fills them in."""
        invoice = self.invoice
        if not (invoice.seller_einvoice_address and invoice.seller_einvoice_operator):
            return
        details = self.el(root, "MessageTransmissionDetails")
        sender = self.el(details, "MessageSenderDetails")
        self.el(sender, "FromIdentifier", invoice.seller_einvoice_address)
        self.el(sender, "FromIntermediator", invoice.seller_einvoice_operator)
        receiver = self.el(details, "MessageReceiverDetails")
        self.el(receiver, "ToIdentifier", invoice.buyer_einvoice_address)
        self.el(receiver, "ToIntermediator", invoice.buyer_einvoice_operator)
        message = self.el(details, "MessageDetails")
        self.el(message, "MessageIdentifier", invoice.number)
        stamp = timezone.localtime(invoice.issued_at or timezone.now())
        self.el(message, "MessageTimeStamp", stamp.isoformat(timespec="seconds"))

    def seller(self, root) -> None:
        invoice = self.invoice
        party = self.el(root, "SellerPartyDetails")
        business_id = invoice.seller_business_id
        self.el(party, "SellerPartyIdentifier", business_id, SchemeID=BUSINESS_ID_SCHEME)
        self.el(party, "SellerOrganisationName", _fit(invoice.seller_name, 70))
        if any(line.vat_rate > 0 for line in self.lines):
            # The VAT number (FI + the business ID's digits) of a seller that charges VAT.
            self.el(party, "SellerOrganisationTaxCode", "FI" + re.sub(r"\D", "", business_id))
        address = self.el(party, "SellerPostalAddressDetails")
        self.el(address, "SellerStreetName", _fit(invoice.seller_street, 35))
        self.el(address, "SellerTownName", _fit(invoice.seller_city, 35))
        self.el(address, "SellerPostCodeIdentifier", invoice.seller_postcode)
        self.el(address, "CountryCode", COUNTRY)
        if invoice.seller_einvoice_address:
            self.el(root, "SellerOrganisationUnitNumber", invoice.seller_einvoice_address)
        information = self.el(root, "SellerInformationDetails")
        if invoice.seller_phone:
            self.el(information, "SellerPhoneNumber", _fit(invoice.seller_phone, 35))
        if invoice.seller_email:
            self.el(
                information, "SellerCommonEmailaddressIdentifier", _fit(invoice.seller_email, 70)
            )
        account = self.el(information, "SellerAccountDetails")
        self.el(
            account,
            "SellerAccountID",
            _compact(invoice.seller_iban),
            IdentificationSchemeName="IBAN",
        )
        self.el(account, "SellerBic", invoice.seller_bic.upper(), IdentificationSchemeName="BIC")

    def buyer(self, root) -> None:
        invoice = self.invoice
        self.el(root, "InvoiceRecipientLanguageCode", invoice.language[:2].upper())
        party = self.el(root, "BuyerPartyDetails")
        if invoice.buyer_business_id:
            self.el(
                party,
                "BuyerPartyIdentifier",
                invoice.buyer_business_id,
                SchemeID=BUSINESS_ID_SCHEME,
            )
        self.el(party, "BuyerOrganisationName", _fit(invoice.buyer_name, 70))
        if invoice.buyer_unit:
            for piece in _wrapped(invoice.buyer_unit, 35, 2):
                self.el(party, "BuyerOrganisationDepartment", piece)
        address = postal_address(invoice.buyer_address)
        if address is not None and address.streets:
            details = self.el(party, "BuyerPostalAddressDetails")
            for street in address.streets:
                self.el(details, "BuyerStreetName", street)
            self.el(details, "BuyerTownName", address.town)
            self.el(details, "BuyerPostCodeIdentifier", address.postcode)
            self.el(details, "CountryCode", COUNTRY)
        self.el(root, "BuyerOrganisationUnitNumber", invoice.buyer_einvoice_address)
        if invoice.buyer_contact:
            self.el(root, "BuyerContactPersonName", _fit(invoice.buyer_contact, 70))

    def details(self, root) -> None:
        invoice = self.invoice
        details = self.el(root, "InvoiceDetails")
        credit = invoice.is_credit_note
        self.el(details, "InvoiceTypeCode", "INV02" if credit else "INV01")
        self.el(details, "InvoiceTypeCodeUN", UN_CREDIT_NOTE if credit else UN_INVOICE)
        self.el(details, "InvoiceTypeText", _fit(str(invoice.get_kind_display()).upper(), 35))
        self.el(details, "OriginCode", "Original")
        self.el(details, "InvoiceNumber", invoice.number)
        self.date(details, "InvoiceDate", invoice.issue_date)
        original = invoice.credit_for if credit else None
        if original is not None:
            # The older element and the EN 16931 one (BT-25), both naming the credited invoice.
            self.el(details, "OriginalInvoiceNumber", original.number)
            self.date(details, "OriginalInvoiceDate", original.issue_date)
            reference = self.el(details, "OriginalInvoiceReference")
            self.el(reference, "InvoiceNumber", original.number)
            self.date(reference, "InvoiceDate", original.issue_date)
        self.date(details, "InvoicingPeriodStartDate", invoice.period_start)
        self.date(details, "InvoicingPeriodEndDate", invoice.period_end)
        if invoice.client_reference:
            # The unit's reference: the order number its purchase-invoice system routes by…
            self.el(details, "OrderIdentifier", _fit(invoice.client_reference, 70))
        if invoice.client_reference:
            # …and the buyer's reference of EN 16931 (BT-10), for receivers that read that one.
            self.el(details, "BuyerReferenceIdentifier", _fit(invoice.client_reference, 70))
        self.money(details, "InvoiceTotalVatExcludedAmount", invoice.net_total)
        self.money(details, "InvoiceTotalVatAmount", invoice.vat_total)
        self.money(details, "InvoiceTotalVatIncludedAmount", invoice.gross_total)
        if invoice.cost_centre:
            # Finvoice's place for the buyer's cost centre (kustannuspaikka).
            self.el(details, "AccountDimensionText", _fit(invoice.cost_centre, 35))
        for group in money.vat_breakdown(self.lines):
            vat = self.el(details, "VatSpecificationDetails")
            self.money(vat, "VatBaseAmount", group.net)
            self.el(vat, "VatRatePercent", percent(group.rate))
            self.el(vat, "VatCode", _vat_code(group.rate, group.exemption_text))
            self.money(vat, "VatRateAmount", group.vat)
            if group.rate == 0 and group.exemption_text:
                for piece in _wrapped(group.exemption_text, 70, 3):
                    self.el(vat, "VatFreeText", piece)
        if credit:
            self.el(details, "InvoiceFreeText", _fit(credit_note_text(invoice), 512))
        if invoice.notes:
            for piece in textwrap.wrap(" ".join(invoice.notes.split()), 512)[:5]:
                self.el(details, "InvoiceFreeText", piece)
        if not credit:
            terms = self.el(details, "PaymentTermsDetails")
            self.el(terms, "PaymentTermsFreeText", _fit(payment_terms_text(invoice), 70))
            if invoice.due_date:
                self.date(terms, "InvoiceDueDate", invoice.due_date)
            penalty = penalty_interest_text(invoice)
            if penalty:
                fine = self.el(terms, "PaymentOverDueFineDetails")
                self.el(fine, "PaymentOverDueFineFreeText", _fit(penalty, 70))
                self.el(fine, "PaymentOverDueFinePercent", percent(invoice.penalty_interest))

    def row(self, root, line: InvoiceLine) -> None:
        row = self.el(root, "InvoiceRow")
        name = line.article_name
        self.el(row, "ArticleName", _fit(name, 100))
        if len(name) > 100:
            self.el(row, "ArticleDescription", name[:512])
        self.el(
            row,
            "InvoicedQuantity",
            quantity(line.quantity),
            QuantityUnitCode=_fit(str(line.get_quantity_unit_display()), 14),
            QuantityUnitCodeUN=UN_UNITS.get(line.quantity_unit, "H87"),
        )
        self.el(
            row,
            "UnitPriceAmount",
            amount(line.unit_price),
            AmountCurrencyIdentifier=CURRENCY,
            QuantityUnitCodeUN=UN_UNITS.get(line.quantity_unit, "H87"),
        )
        self.date(row, "RowDeliveryDate", line.date)
        if line.expert_name:
            self.el(row, "RowFreeText", _fit(f"{gettext('Expert')}: {line.expert_name}", 512))
        self.el(row, "RowVatRatePercent", percent(line.vat_rate))
        self.el(row, "RowVatCode", _vat_code(line.vat_rate, line.vat_exemption_text))
        self.money(row, "RowVatAmount", line.vat)
        self.money(row, "RowVatExcludedAmount", line.net)
        self.money(row, "RowAmount", line.gross)

    def epi(self, root) -> None:
        """The payment instruction: the bank's account, the reference and the amount due."""
        invoice = self.invoice
        epi = self.el(root, "EpiDetails")
        identification = self.el(epi, "EpiIdentificationDetails")
        self.date(identification, "EpiDate", invoice.issue_date)
        self.el(identification, "EpiReference", invoice.number)
        party = self.el(epi, "EpiPartyDetails")
        bank = self.el(party, "EpiBfiPartyDetails")
        self.el(
            bank, "EpiBfiIdentifier", invoice.seller_bic.upper(), IdentificationSchemeName="BIC"
        )
        beneficiary = self.el(party, "EpiBeneficiaryPartyDetails")
        self.el(beneficiary, "EpiNameAddressDetails", _fit(invoice.seller_name, 35))
        self.el(beneficiary, "EpiBei", invoice.seller_business_id)
        self.el(
            beneficiary,
            "EpiAccountID",
            _compact(invoice.seller_iban),
            IdentificationSchemeName="IBAN",
        )
        instruction = self.el(epi, "EpiPaymentInstructionDetails")
        self.el(
            instruction,
            "EpiRemittanceInfoIdentifier",
            invoice.reference,
            IdentificationSchemeName="SPY",
        )
        self.money(instruction, "EpiInstructedAmount", invoice.gross_total)
        self.el(instruction, "EpiCharge", "SLEV", ChargeOption="SLEV")
        self.date(instruction, "EpiDateOptionDate", invoice.due_date or invoice.issue_date)
        self.el(instruction, "EpiPaymentMeansCode", SEPA_CREDIT_TRANSFER)


def _compact(iban: str) -> str:
    return re.sub(r"\s+", "", iban).upper()
