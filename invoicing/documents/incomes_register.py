"""A fee statement as the Incomes Register's earnings payment report (*palkkatietoilmoitus*):
``WageReportsRequestToIR`` XML, namespace ``http://www.tulorekisteri.fi/2017/1/WageReportsToIR``.

One delivery per expert and payment date, holding one report (``earnings_report_xml``, kept
with the report); the reports of one payment batch can also go as one delivery
(``one_delivery``), as the Incomes Register's upload service takes them: one payer, one payment
date, one kind of data, many income earners. Its transactions are what the
statement pays, by income type: 210 meeting fees, 214 lecture fees and 336 compensation for
work (each the sum of the statement's lines of that type; a type summing to zero is left out),
311 the tax-free kilometre allowance with the kilometres, and 402 the tax withheld (reported
whenever a fee is, also when nothing was withheld). Expenses against receipts are not reported.

The fees are paid outside employment: withholding only, no employer's contributions. Their
transactions say so with the insurance information (``NOT_INSURED``): not included in
earnings-related pension, health, unemployment or accident insurance.

The elements follow the order of the published schema (``WageReportsToIRTypes.xsd``), which
tests validate against. The schema sets no ``elementFormDefault``: only the root element is in
the namespace, every element below it is unqualified. Amounts are the schema's ``decimal2``
(``1234.50``), dates ``YYYY-MM-DD``.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext
from lxml import etree

from expertbank.amounts import ZERO, cents
from expertbank.bank import bank
from expertbank.finnish import normalise_personal_identity_code, validate_personal_identity_code
from invoicing.models import WITHHOLDING_CODE, FeeLine, FeeStatement, IncomeType
from invoicing.services.common import InvoicingError

NAMESPACE = "http://www.tulorekisteri.fi/2017/1/WageReportsToIR"
ROOT = "WageReportsRequestToIR"
# Who made the file (String30).
SOURCE = "expertbank"
# Incomes Register codes.
EARNINGS_PAYMENT_REPORTS = 100  # DeliveryDataType: earnings payment reports
REJECT_FAULTY_REPORTS_ONLY = 1  # FaultyControl: only faulty reports are rejected
BUSINESS_ID = 1  # Id/Type: Finnish business ID (Y-tunnus)
PERSONAL_IDENTITY_CODE = 2  # Id/Type: Finnish personal identity code
NEW_REPORT = 1  # ReportData/ActionCode
# TransactionInclusion/InsuranceCode: earnings-related pension, health, unemployment,
# accident and occupational disease insurance. Fees outside employment are in none of them.
NOT_INSURED = (1, 2, 3, 4)
# The income types reported with an amount, in the order they are written.
FEE_TYPES = (IncomeType.MEETING_FEE, IncomeType.LECTURE_FEE, IncomeType.WORK_COMPENSATION)
# Fee types paid outside employment whose insurance information is given (wage-type fees);
# compensation for work (336) is not wages and carries none.
INSURANCE_TYPES = IncomeType.wages()


def decimal2(amount: Decimal) -> str:
    """An amount as the schema's ``decimal2``: a dot and two decimals, rounded half up."""
    return f"{cents(amount):.2f}"


def _sub(parent: etree._Element, tag: str, text: object | None = None) -> etree._Element:
    element = etree.SubElement(parent, tag)
    if text is not None:
        element.text = text.isoformat() if isinstance(text, date) else str(text)
    return element


def _id(parent: etree._Element, tag: str, *, kind: int, code: str) -> etree._Element:
    element = _sub(parent, tag)
    _sub(element, "Type", kind)
    _sub(element, "Code", code)
    return element


def _transaction(
    parent: etree._Element, code: str, amount: Decimal, *, km: int | None = None
) -> None:
    transaction = _sub(parent, "Transaction")
    basic = _sub(transaction, "TransactionBasic")
    _sub(basic, "TransactionCode", code)
    _sub(basic, "Amount", decimal2(amount))
    if code in INSURANCE_TYPES:
        insurance = _sub(transaction, "InsuranceData")
        for insurance_code in NOT_INSURED:
            inclusion = _sub(insurance, "TransactionInclusion")
            _sub(inclusion, "InsuranceCode", insurance_code)
            _sub(inclusion, "Included", "false")
    if km is not None:
        _sub(_sub(transaction, "KmAllowance"), "Kilometers", km)


def income_type_sums(statements) -> dict[int, dict[str, tuple[Decimal, int]]]:
    """Each statement's lines summed by income type, ``{statement id: {code: (amount, km)}}``:
    one grouped query for a whole payment batch."""
    sums: dict[int, dict[str, tuple[Decimal, int]]] = {s.pk: {} for s in statements}
    rows = (
        FeeLine.objects.filter(statement__in=list(sums))
        .exclude(income_type="")
        .values("statement_id", "income_type")
        .annotate(total=Sum("amount"), km=Sum("km"))
        .order_by()
    )
    for row in rows:
        amount, km = cents(row["total"] or ZERO), row["km"] or 0
        sums[row["statement_id"]][row["income_type"]] = (amount, km)
    return sums


def reported_transactions(
    statement: FeeStatement, sums: dict[str, tuple[Decimal, int]] | None = None
) -> list[tuple[str, Decimal, int | None]]:
    """(code, amount, kilometres or None) of what the report carries, in order: the fee types
    that sum to something, the kilometre allowance with its kilometres, the withholding
    (``sums``: the statement's part of ``income_type_sums``, else read here)."""
    if sums is None:
        sums = income_type_sums([statement])[statement.pk]
    transactions: list[tuple[str, Decimal, int | None]] = []
    for code in FEE_TYPES:
        amount, _km = sums.get(code, (ZERO, 0))
        if amount < 0:
            raise InvoicingError(
                gettext(
                    "Fee statement %(statement)s has a negative sum of income type %(code)s: "
                    "correct it before it is reported."
                )
                % {"statement": statement, "code": code}
            )
        if amount:
            transactions.append((str(code), amount, None))
    fees_reported = bool(transactions)
    amount, km = sums.get(IncomeType.KILOMETRE_ALLOWANCE, (ZERO, 0))
    if amount < 0:
        raise InvoicingError(
            gettext(
                "Fee statement %(statement)s has a negative sum of income type %(code)s: "
                "correct it before it is reported."
            )
            % {"statement": statement, "code": IncomeType.KILOMETRE_ALLOWANCE}
        )
    if amount or km:
        transactions.append((str(IncomeType.KILOMETRE_ALLOWANCE), amount, km))
    if fees_reported:
        transactions.append((WITHHOLDING_CODE, cents(statement.withholding), None))
    return transactions


def _identity_code(statement: FeeStatement) -> str:
    code = (statement.expert.identity_code or "").strip()
    try:
        validate_personal_identity_code(code)
    except Exception as exc:
        raise InvoicingError(
            gettext(
                "Fee statement %(statement)s: the expert has no valid personal identity code, so "
                "the income cannot be reported."
            )
            % {"statement": statement}
        ) from exc
    return normalise_personal_identity_code(code)


def earnings_report_xml(
    statement: FeeStatement,
    *,
    report_id: str,
    delivery_id: str = "",
    sums: dict[str, tuple[Decimal, int]] | None = None,
) -> str:
    """The earnings payment report of ``statement`` for its payment date, as XML text.

    ``report_id`` is the payer's report ID (kept for a later replacement or cancellation);
    ``delivery_id`` names the delivery (default: the report ID; a replacement needs a new one);
    ``sums`` the statement's lines by income type when a batch read them at once.
    Raises ``InvoicingError`` where there is nothing to report (expenses against receipts
    only), or the payment date, the expert's identity code or the bank's business ID or phone
    number (the contact person's, required) is missing.
    """
    if statement.payment_date is None:
        raise InvoicingError(
            gettext("Fee statement %(statement)s has no payment date yet.")
            % {"statement": statement}
        )
    transactions = reported_transactions(statement, sums)
    if not transactions:
        raise InvoicingError(
            gettext(
                "Fee statement %(statement)s has nothing to report to the Incomes Register: "
                "expenses against receipts are not reported."
            )
            % {"statement": statement}
        )
    payer = bank()
    if not payer.business_id or not payer.phone.strip():
        raise InvoicingError(
            gettext(
                "The Incomes Register report needs the bank's business ID and phone number "
                "(settings BANK_BUSINESS_ID and BANK_PHONE)."
            )
        )
    identity_code = _identity_code(statement)
    delivery_id = delivery_id or report_id
    production = bool(getattr(settings, "INCOMES_REGISTER_PRODUCTION", False))

    root = etree.Element(f"{{{NAMESPACE}}}{ROOT}", nsmap={"wrtir": NAMESPACE})
    delivery = _sub(root, "DeliveryData")
    _sub(delivery, "Timestamp", timezone.now().replace(microsecond=0).isoformat())
    _sub(delivery, "Source", SOURCE)
    _sub(delivery, "DeliveryDataType", EARNINGS_PAYMENT_REPORTS)
    _sub(delivery, "DeliveryId", delivery_id)
    _sub(delivery, "FaultyControl", REJECT_FAULTY_REPORTS_ONLY)
    _sub(delivery, "ProductionEnvironment", "true" if production else "false")
    for tag in ("DeliveryDataOwner", "DeliveryDataCreator", "DeliveryDataSender"):
        _id(delivery, tag, kind=BUSINESS_ID, code=payer.business_id)
    period = _sub(delivery, "PaymentPeriod")
    _sub(period, "PaymentDate", statement.payment_date)
    _sub(period, "StartDate", statement.period_start)
    _sub(period, "EndDate", statement.period_end)
    contact = _sub(_sub(delivery, "ContactPersons"), "ContactPerson")
    _sub(contact, "Name", payer.name[:200])
    _sub(contact, "Telephone", payer.phone.strip()[:40])
    if payer.email.strip():
        _sub(contact, "Email", payer.email.strip()[:70])
    _id(_sub(_sub(delivery, "Payer"), "PayerIds"), "Id", kind=BUSINESS_ID, code=payer.business_id)
    report = _sub(_sub(delivery, "Reports"), "Report")
    report_data = _sub(report, "ReportData")
    _sub(report_data, "ActionCode", NEW_REPORT)
    _sub(report_data, "ReportId", report_id)
    earner = _sub(report, "IncomeEarner")
    _id(_sub(earner, "IncomeEarnerIds"), "Id", kind=PERSONAL_IDENTITY_CODE, code=identity_code)
    listed = _sub(report, "Transactions")
    for code, amount, km in transactions:
        _transaction(listed, code, amount, km=km)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True).decode(
        "utf-8"
    )


def one_delivery(reports: list[str], *, delivery_id: str) -> str:
    """The earnings payment reports ``reports`` (each a delivery of one report, as
    ``earnings_report_xml`` made and the report keeps it) as one delivery: the first one's
    delivery data with ``delivery_id`` and the pay period spanning them all, and every report
    as it was, its report ID kept for a later replacement. Raises ``InvoicingError`` for no
    reports or reports of different payment dates (a delivery is one payment's)."""
    if not reports:
        raise InvoicingError(gettext("There are no reports to put in the file."))
    parser = etree.XMLParser(remove_blank_text=True, resolve_entities=False, no_network=True)
    roots = [etree.fromstring(xml.encode("utf-8"), parser) for xml in reports]
    periods = [root.find("DeliveryData/PaymentPeriod") for root in roots]
    if len({period.findtext("PaymentDate") for period in periods}) > 1:
        raise InvoicingError(
            gettext("The reports have different payment dates: each date is a delivery of its own.")
        )
    delivery = roots[0].find("DeliveryData")
    delivery.find("Timestamp").text = timezone.now().replace(microsecond=0).isoformat()
    delivery.find("DeliveryId").text = delivery_id
    period = periods[0]
    period.find("StartDate").text = min(p.findtext("StartDate") for p in periods)
    period.find("EndDate").text = max(p.findtext("EndDate") for p in periods)
    listed = delivery.find("Reports")
    for root in roots[1:]:
        listed.extend(root.find("DeliveryData/Reports"))
    return etree.tostring(
        roots[0], xml_declaration=True, encoding="UTF-8", pretty_print=True
    ).decode("utf-8")
