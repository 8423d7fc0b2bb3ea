"""A payment batch as the bank's SEPA credit transfer file, ISO 20022 ``pain.001.001.09``.

Written with ``sepaxml``, whose default is the old ``pain.001.001.03``: the version is chosen
here. The debtor is the bank's own account (``expertbank.bank``) with a structured postal
address (street, postcode, town, country), as banks require from 15.11.2026; each statement
that pays out gets one transfer to its expert's account, with the statement named as the
remittance. Nothing about the gigs or anyone's lived experience goes into the file.

The file is validated against the schema bundled with ``sepaxml`` as it is written, and its
control sum and number of transfers are checked against the statements before it is handed
back: a file the bank would reject, or one that pays another sum than the batch, is never made.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext
from lxml import etree
from sepaxml import SepaTransfer
from sepaxml.validation import ValidationError as SepaValidationError
from text_unidecode import unidecode

from expertbank.amounts import ZERO, cents
from expertbank.bank import bank
from expertbank.finnish import normalise_iban
from invoicing.models import FeeStatement, PaymentBatch
from invoicing.services.common import InvoicingError

SCHEMA = "pain.001.001.09"
NAMESPACE = f"urn:iso:std:iso:20022:tech:xsd:{SCHEMA}"
CURRENCY = "EUR"
# The bank is a Finnish association: its address is in Finland.
COUNTRY = "FI"
# ISO 20022 limits: remittance text (Ustrd) 140 characters, identifiers (Max35Text) 35.
REMITTANCE_MAX = 140
ID_MAX = 35


class _Transfer(SepaTransfer):
    """``SepaTransfer`` with our batch's message ID (``sepaxml`` makes up a random one)."""

    def __init__(self, config: dict, *, message_id: str) -> None:
        self._message_id = message_id
        super().__init__(config, schema=SCHEMA, clean=True)

    def _create_header(self) -> None:
        self.msg_id = self._message_id
        super()._create_header()


def remittance_text(statement: FeeStatement) -> str:
    """ "Fees 11/2026, statement 123" in the expert's language: what their bank statement
    shows. Only the month and the statement's number, never what the gigs were about."""
    language = getattr(statement.expert.user, "language", "") or None
    with translation.override(language):
        text = gettext("Fees %(month)s, statement %(number)s") % {
            "month": f"{statement.period_start:%m/%Y}",
            "number": statement.pk,
        }
    return text[:REMITTANCE_MAX]


def end_to_end_id(statement: FeeStatement) -> str:
    """The transfer's end-to-end ID, returned by the bank: the statement it pays."""
    return f"FEE-{statement.pk}"[:ID_MAX]


def _amount_in_cents(amount: Decimal) -> int:
    return int(cents(amount) * 100)


def _latin(text: str, length: int) -> str:
    """Text in the basic Latin characters every SEPA bank takes (``sepaxml`` does the same to
    names and remittance texts), cut to the schema's length."""
    return unidecode(text).strip()[:length]


def _debtor_config() -> dict:
    party = bank()
    return {
        "name": party.name,
        "IBAN": party.iban,
        "BIC": party.bic,
        "currency": CURRENCY,
        # One payment information block for the batch's single execution date.
        "batch": True,
        "address": {
            "street_name": _latin(party.street, 70),
            "postcode": _latin(party.postcode, 16),
            "town": _latin(party.city, 35),
            "country": COUNTRY,
        },
    }


def _payment(batch: PaymentBatch, statement: FeeStatement) -> dict:
    expert = statement.expert
    payment = {
        "name": expert.name,
        "IBAN": normalise_iban(expert.iban),
        "amount": _amount_in_cents(statement.payout),
        "execution_date": batch.payment_date,
        "description": remittance_text(statement),
        "endtoend_id": end_to_end_id(statement),
    }
    # The creditor agent is optional within SEPA; given only where the expert's BIC is known.
    if expert.bic.strip():
        payment["BIC"] = expert.bic.strip().upper()
    # No creditor postal address: the expert model has none, and pain.001.001.09 allows it out.
    return payment


def credit_transfer_xml(batch: PaymentBatch, statements: list[FeeStatement]) -> str:
    """The SEPA credit transfer file (``pain.001.001.09``) paying ``statements`` in ``batch``.

    One transfer per statement with a payout above zero; a statement paying nothing gets none.
    Where no statement pays anything there is nothing to send to the bank: "" (no file).
    Raises ``InvoicingError`` on a negative payout, a batch total other than the sum of its
    payouts, an expert without a usable IBAN, or a file the schema refuses.
    """
    paying = []
    for statement in statements:
        if statement.payout < 0:
            raise InvoicingError(
                gettext("Fee statement %(statement)s would pay less than nothing.")
                % {"statement": statement}
            )
        if statement.payout > 0:
            paying.append(statement)
    total = sum((cents(s.payout) for s in paying), ZERO)
    if cents(batch.total) != total:
        raise InvoicingError(
            gettext("The batch's total %(batch)s differs from the sum of its transfers %(sum)s.")
            % {"batch": cents(batch.total), "sum": total}
        )
    if not paying:
        return ""
    transfer = _Transfer(_debtor_config(), message_id=batch.message_id)
    for statement in paying:
        try:
            payment = _payment(batch, statement)
        except Exception as exc:  # an IBAN that does not parse
            raise InvoicingError(
                gettext("Fee statement %(statement)s: the expert has no valid IBAN.")
                % {"statement": statement}
            ) from exc
        transfer.add_payment(payment)
    try:
        out = transfer.export(validate=True)
    except SepaValidationError as exc:
        reason = exc.__cause__ or exc
        raise InvoicingError(
            gettext("The bank file does not pass the %(schema)s schema: %(reason)s")
            % {"schema": SCHEMA, "reason": getattr(reason, "reason", None) or reason}
        ) from exc
    _check_totals(out, count=len(paying), total=total)
    return out.decode("utf-8")


def _check_totals(out: bytes, *, count: int, total: Decimal) -> None:
    """The file's group header and payment block carry the batch's count and sum."""
    root = etree.fromstring(out)
    ns = {"p": NAMESPACE}
    if root.tag != f"{{{NAMESPACE}}}Document":
        raise InvoicingError(
            gettext("The bank file is not a %(schema)s file.") % {"schema": SCHEMA}
        )
    for where in ("p:CstmrCdtTrfInitn/p:GrpHdr", "p:CstmrCdtTrfInitn/p:PmtInf"):
        for block in root.findall(where, ns):
            control_sum = Decimal(block.findtext("p:CtrlSum", namespaces=ns) or "0")
            transfers = int(block.findtext("p:NbOfTxs", namespaces=ns) or "0")
            if control_sum != total or transfers != count:
                raise InvoicingError(
                    gettext(
                        "The bank file's control sum and number of transfers "
                        "(%(file)s; %(count)s) differ from the batch's (%(batch)s; %(expected)s)."
                    )
                    % {"file": control_sum, "count": transfers, "batch": total, "expected": count}
                )
    found = root.findall(".//p:CdtTrfTxInf/p:Amt/p:InstdAmt", ns)
    if len(found) != count or sum((Decimal(a.text) for a in found), ZERO) != total:
        raise InvoicingError(gettext("The bank file's transfers do not add up to the batch."))
