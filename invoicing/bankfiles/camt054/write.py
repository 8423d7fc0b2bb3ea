"""Writing a camt.054 notification, for tests, the demo and the docs (see the package)."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from decimal import Decimal

from lxml import etree

from expertbank.amounts import cents
from invoicing.bankfiles.camt054.common import (
    _USTRD_LENGTH,
    EURO,
    NAMESPACE,
    V08,
    VERSIONS,
)

# --- Writing ----------------------------------------------------------------------------------

_ENTRY_KEYS = {
    "ref", "amount", "currency", "booked", "value_date", "reference", "payer", "payer_iban",
    "message", "debit", "reversal", "status", "transactions",
}  # fmt: skip
_TRANSACTION_KEYS = {"ref", "amount", "reference", "payer", "payer_iban", "message"}


def build(
    *,
    version: str,
    message_id: str,
    account_iban: str,
    entries: Iterable[Mapping],
    created_at: datetime | None = None,
) -> bytes:
    """A valid camt.054 notification (UTF-8 bytes) with one ``Ntfctn`` and one ``Ntry`` per entry.

    ``version``: ``"camt.054.001.02"`` / ``"camt.054.001.08"`` (or ``"02"`` / ``"08"``).
    ``created_at``: the message's creation time (now, in UTC, when not given).

    Each entry is a dict:

    - ``ref`` (required): the bank's archive reference ``AcctSvcrRef`` of the entry;
    - ``booked`` (required): the booking date; ``value_date``: the value date (default
      ``booked``, ``None`` leaves it out);
    - ``amount``: a ``Decimal`` (default: the sum of the ``transactions``);
    - ``currency`` (default ``"EUR"``), ``debit`` (default False: a credit), ``reversal``
      (default False), ``status`` (default ``"BOOK"``);
    - one payment's details: ``reference`` (Finnish or RF; written as given, ``""`` for none),
      ``payer`` (name), ``payer_iban``, ``message`` (unstructured text);
    - or, for a batch entry, ``transactions``: a list of dicts with ``amount``, ``reference``,
      ``payer``, ``payer_iban``, ``message`` and optionally ``ref``, the transaction's own
      archive reference (without it the parser numbers the transactions ``ref/1``, ``ref/2``…).

    A single-payment entry carries its ``ref`` as the transaction's ``Refs/AcctSvcrRef`` too,
    as Finnish banks do.

    >>> build(version="02", message_id="MSG1", account_iban="FI49 5000 9420 0287 30",
    ...       entries=[{"ref": "A1", "amount": Decimal("124.12"), "reference": "1234561",
    ...                 "payer": "Kunta Oy", "booked": date(2025, 3, 3)}])[:38]
    b"<?xml version='1.0' encoding='UTF-8'?>"
    """
    version = _full_version(version)
    writer = _Writer(version)
    created = (created_at or datetime.now(UTC)).replace(microsecond=0).isoformat()
    root = etree.Element(writer.tag("Document"), nsmap={None: NAMESPACE + version})
    document = writer.sub(root, "BkToCstmrDbtCdtNtfctn")
    header = writer.sub(document, "GrpHdr")
    writer.sub(header, "MsgId", _max35(message_id, "message_id"))
    writer.sub(header, "CreDtTm", created)
    notification = writer.sub(document, "Ntfctn")
    writer.sub(notification, "Id", _max35(message_id, "message_id"))
    writer.sub(notification, "CreDtTm", created)
    account = writer.sub(notification, "Acct")
    writer.sub(writer.sub(account, "Id"), "IBAN", re.sub(r"\s+", "", account_iban).upper())
    writer.sub(account, "Ccy", EURO)
    for position, entry in enumerate(entries, start=1):
        writer.entry(notification, position, entry)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _full_version(version: str) -> str:
    short = str(version).strip().lstrip(".")
    full = short if short.startswith("camt.") else f"camt.054.001.{short}"
    if full not in VERSIONS:
        raise ValueError(f"version must be one of {', '.join(VERSIONS)}, not {version!r}.")
    return full


def _max35(value: str, what: str) -> str:
    value = str(value)
    if not 1 <= len(value) <= 35:
        raise ValueError(f"{what} must have 1–35 characters, not {value!r}.")
    return value


def _money(value: object) -> str:
    amount = cents(Decimal(str(value)))
    if amount < 0:
        raise ValueError(f"An amount cannot be negative: {value!r}.")
    return f"{amount:.2f}"


class _Writer:
    def __init__(self, version: str):
        self.v08 = version == V08
        self.namespace = NAMESPACE + version

    def tag(self, name: str) -> str:
        return f"{{{self.namespace}}}{name}"

    def sub(self, parent, name: str, text: str | None = None, **attributes: str):
        element = etree.SubElement(parent, self.tag(name), attributes)
        if text is not None:
            element.text = text
        return element

    def entry(self, notification, position: int, entry: Mapping) -> None:
        unknown = set(entry) - _ENTRY_KEYS
        if unknown:
            raise TypeError(f"Unknown entry keys {sorted(unknown)}; known: {sorted(_ENTRY_KEYS)}.")
        if "ref" not in entry or "booked" not in entry:
            raise TypeError("An entry needs at least 'ref' and 'booked'.")
        batch = "transactions" in entry
        if batch:
            transactions = list(entry["transactions"])
            for tx in transactions:
                unknown = set(tx) - _TRANSACTION_KEYS
                if unknown or "amount" not in tx:
                    raise TypeError(
                        f"A transaction needs 'amount' and knows {sorted(_TRANSACTION_KEYS)}."
                    )
        else:
            if "amount" not in entry:
                raise TypeError("An entry without 'transactions' needs 'amount'.")
            transactions = [
                {key: entry[key] for key in _TRANSACTION_KEYS if key in entry}
                | {"ref": entry["ref"]}
            ]
        amount = entry.get("amount")
        if amount is None:
            amount = sum((Decimal(str(tx["amount"])) for tx in transactions), Decimal(0))
        currency = entry.get("currency", EURO)
        debit = bool(entry.get("debit", False))
        direction = "DBIT" if debit else "CRDT"

        element = self.sub(notification, "Ntry")
        self.sub(element, "NtryRef", str(position))
        self.sub(element, "Amt", _money(amount), Ccy=currency)
        self.sub(element, "CdtDbtInd", direction)
        if entry.get("reversal"):
            self.sub(element, "RvslInd", "true")
        status = entry.get("status", "BOOK")
        if self.v08:
            self.sub(self.sub(element, "Sts"), "Cd", status)
        else:
            self.sub(element, "Sts", status)
        booked = entry["booked"]
        self.sub(self.sub(element, "BookgDt"), "Dt", booked.isoformat())
        value_date = entry.get("value_date", booked)
        if value_date is not None:
            self.sub(self.sub(element, "ValDt"), "Dt", value_date.isoformat())
        self.sub(element, "AcctSvcrRef", _max35(entry["ref"], "ref"))
        domain = self.sub(self.sub(element, "BkTxCd"), "Domn")
        self.sub(domain, "Cd", "PMNT")
        family = self.sub(domain, "Fmly")
        self.sub(family, "Cd", "ICDT" if debit else "RCDT")
        self.sub(family, "SubFmlyCd", "DMCT")
        details = self.sub(element, "NtryDtls")
        if batch:
            self.sub(self.sub(details, "Btch"), "NbOfTxs", str(len(transactions)))
        for tx in transactions:
            self.transaction(details, tx, currency, direction)

    def transaction(self, details, tx: Mapping, currency: str, direction: str) -> None:
        element = self.sub(details, "TxDtls")
        if tx.get("ref"):
            self.sub(self.sub(element, "Refs"), "AcctSvcrRef", _max35(tx["ref"], "ref"))
        amount = _money(tx["amount"])
        if self.v08:
            self.sub(element, "Amt", amount, Ccy=currency)
            self.sub(element, "CdtDbtInd", direction)
        else:
            amounts = self.sub(element, "AmtDtls")
            self.sub(self.sub(amounts, "TxAmt"), "Amt", amount, Ccy=currency)
        payer, payer_iban = tx.get("payer", ""), tx.get("payer_iban", "")
        if payer or payer_iban:
            parties = self.sub(element, "RltdPties")
            role = "Cdtr" if direction == "DBIT" else "Dbtr"
            if payer:
                party = self.sub(parties, role)
                if self.v08:
                    party = self.sub(party, "Pty")
                self.sub(party, "Nm", payer)
            if payer_iban:
                account = self.sub(self.sub(parties, f"{role}Acct"), "Id")
                self.sub(account, "IBAN", re.sub(r"\s+", "", payer_iban).upper())
        reference, message = tx.get("reference", ""), tx.get("message", "")
        if reference or message:
            remittance = self.sub(element, "RmtInf")
            for line in textwrap.wrap(message, _USTRD_LENGTH):
                self.sub(remittance, "Ustrd", line)
            if reference:
                creditor = self.sub(self.sub(remittance, "Strd"), "CdtrRefInf")
                kind = self.sub(creditor, "Tp")
                self.sub(self.sub(kind, "CdOrPrtry"), "Cd", "SCOR")
                if re.sub(r"\s+", "", reference).upper().startswith("RF"):
                    self.sub(kind, "Issr", "ISO")
                self.sub(creditor, "Ref", _max35(reference, "reference"))
