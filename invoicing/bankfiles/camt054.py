"""The bank's ISO 20022 camt.054 notification of incoming (reference) payments: read and write.

``parse(data)`` reads a *Bank-to-Customer Debit/Credit Notification* in version
``camt.054.001.02`` (what Finnish banks send today) or ``camt.054.001.08`` and returns a
``Notification``: one ``IncomingEntry`` per incoming payment, and every entry that is not an
incoming payment in ``skipped`` with its reason, never dropped silently. ``build(...)`` writes
such a file, for the tests, the demo data and the docs. No models, no database: the matching
service records what ``parse`` returns.

What counts as an incoming payment: a booked (``Sts`` BOOK) credit (``CdtDbtInd`` CRDT) entry
that is not a reversal (``RvslInd``), in euros. Each transaction (``NtryDtls/TxDtls``) of such
an entry is one payment (a Finnish bank books reference payments as a batch entry with one
transaction per payment); an entry without transaction details is one payment.

The entry reference, the bank's unique id of one payment (so that importing the same or an
overlapping file twice records each payment once):

1. the transaction's own archive reference ``TxDtls/Refs/AcctSvcrRef`` when it has one;
2. else the entry's ``AcctSvcrRef`` when the entry has at most one transaction;
3. else the entry's ``AcctSvcrRef`` + ``/`` + the transaction's position in the entry, counted
   from 1 (``ABC123/2``): a bank sends an entry with the same transactions in the same order.

An entry with neither is refused (``BankFileError``): the entry's ``NtryRef`` is not used,
because banks number it within one file only (1, 2, 3 …), so it is not unique across files.
Archive references are at most 35 characters, so an entry reference is at most 41.

The reference of a payment: the structured creditor reference ``RmtInf/Strd/CdtrRefInf/Ref``
(whitespace removed, upper-case, and the leading zeros with which some banks pad a Finnish
reference to 20 digits dropped when what is left is a valid reference); when there is none,
a Finnish or RF reference written in the unstructured message ``RmtInf/Ustrd`` (see
``find_reference``). Its kind is ``"fi"`` or ``"rf"`` when valid; an invalid reference is kept
as given with kind ``""``.

Security: the XML is read with lxml without network, DTDs or entity expansion; a file with a
document type declaration (the vehicle of entity bombs) or over 10 MB is refused before or
right after parsing.
"""

from __future__ import annotations

import math
import re
import textwrap
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path

from django.utils.translation import gettext as _
from lxml import etree
from stdnum import iso11649

from expertbank.amounts import CENT, cents
from expertbank.finnish import is_valid_reference

V02 = "camt.054.001.02"
V08 = "camt.054.001.08"
VERSIONS = (V02, V08)
NAMESPACE = "urn:iso:std:iso:20022:tech:xsd:"
MAX_SIZE = 10 * 1024 * 1024
EURO = "EUR"

# Reference kinds.
FINNISH = "fi"
RF = "rf"

# Where a payment's reference came from.
STRUCTURED = "structured"
TEXT = "text"

# Why an entry is not an incoming payment (SkippedEntry.code).
SKIP_DEBIT = "debit"
SKIP_REVERSAL = "reversal"
SKIP_NOT_BOOKED = "not_booked"
SKIP_CURRENCY = "currency"

_BOM = b"\xef\xbb\xbf"
_MESSAGE_NAME = re.compile(r"[a-z]{4}\.\d{3}\.\d{3}\.\d{2}")
_DIGITS = re.compile(r"[0-9]+")
_ALNUM = re.compile(r"[0-9A-Z]+")
_RF_START = re.compile(r"RF[0-9]{2}[0-9A-Z]*")
_RF_GROUP = re.compile(r"[0-9A-Z]{1,4}")
_FI_GROUP = re.compile(r"[0-9]{5}")
_AMOUNT = re.compile(r"[0-9]+(\.[0-9]+)?")
_WORD_SEPARATORS = re.compile(r"[\s:=#]+")
_PUNCTUATION = ".,;!?()[]{}<>'\"*/\\-"
_USTRD_LENGTH = 140
# A document type declaration, in every encoding an XML file may have (UTF-8 and the ASCII
# family, UTF-16, UTF-32): refused before lxml sees it.
_DOCTYPE_MARKERS = tuple(
    marker.encode(encoding)
    for marker in ("<!DOCTYPE", "<!ENTITY")
    for encoding in ("ascii", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")
)


class BankFileError(ValueError):
    """The file cannot be read as a camt.054 notification; the message says why and what to do
    (in the active language). Nothing in the file has been used when this is raised."""


@dataclass(frozen=True)
class IncomingEntry:
    """One incoming payment."""

    entry_reference: str  # the bank's unique id of this payment (see the module's rule)
    amount: Decimal  # two decimals, at least 0
    currency: str  # always "EUR": other currencies are skipped
    booking_date: date
    value_date: date | None = None
    reference: str = ""  # compact, upper-case; "" when the payment has none
    reference_kind: str = ""  # "fi", "rf", or "" (none, or not a valid reference)
    payer_name: str = ""
    payer_iban: str = ""
    message: str = ""  # the unstructured remittance text (Ustrd lines joined by a space)
    reference_source: str = ""  # "structured" (CdtrRefInf), "text" (found in message), or ""


@dataclass(frozen=True)
class SkippedEntry:
    """An entry (or a transaction of one) that is not an incoming payment, with the reason."""

    entry_reference: str  # the archive reference, as far as the bank gave one
    amount: Decimal | None
    currency: str
    booking_date: date | None
    code: str  # "debit", "reversal", "not_booked" or "currency"
    reason: str  # translated, for a coordinator
    payer_name: str = ""
    reference: str = ""


@dataclass(frozen=True)
class Notification:
    version: str  # "camt.054.001.02" or "camt.054.001.08"
    message_id: str
    created_at: datetime | None
    account_iban: str  # the account the payments came to (an IBAN, or the bank's other id)
    entries: list[IncomingEntry]
    skipped: list[SkippedEntry] = field(default_factory=list)


# --- Reading ----------------------------------------------------------------------------------


def parse(data: bytes, schema_dir: str | Path | None = None) -> Notification:
    """Read a camt.054.001.02 or .08 notification; ``BankFileError`` when it cannot be read.

    With ``schema_dir`` (a folder holding ``camt.054.001.02.xsd`` and ``camt.054.001.08.xsd``)
    the document is first validated against the official schema of its version.
    """
    root = _read_xml(data)
    version = _version(root)
    if schema_dir is not None:
        _validate(root, version, Path(schema_dir))
    return _Reader(version).notification(root)


def find_reference(text: str) -> str:
    """The one Finnish or RF reference written in a free-text payment message, or "".

    An RF reference (``RF33 2348 236`` or ``RF332348236``) wins over a Finnish one; a Finnish
    reference may be written in groups of five (``1 23456 78901``) or whole, and has at least
    five digits here (a four-digit number in a message is far more often a year). When the text
    holds several different valid Finnish references of the longest length, it is ambiguous and
    none is returned. A valid number in free text may still be something else (an invoice
    number), so a caller matching on it should check more than the reference.
    """
    words = [w.strip(_PUNCTUATION).upper() for w in _WORD_SEPARATORS.split(text or "")]
    words = [w for w in words if w]
    return _rf_in(words) or _finnish_in(words)


def reference_kind(reference: str) -> str:
    """``"rf"`` for a valid ISO 11649 reference, ``"fi"`` for a valid Finnish one, else ""."""
    if reference.startswith("RF"):
        return RF if iso11649.is_valid(reference) else ""
    return FINNISH if is_valid_reference(reference) else ""


def _error(message: str, **values: object) -> BankFileError:
    return BankFileError(message % values if values else message)


def _read_xml(data: bytes) -> etree._Element:
    if not isinstance(data, bytes | bytearray | memoryview):
        raise TypeError(f"parse() reads bytes, not {type(data).__name__}.")
    data = bytes(data)
    if len(data) > MAX_SIZE:
        raise _error(
            _(
                "The file is too large (%(size)s MB): a camt.054 notification can be at most "
                "10 MB. Download the payments of a shorter period from the bank."
            ),
            size=f"{math.ceil(len(data) * 10 / 1024 / 1024) / 10:.1f}",
        )
    if not data.removeprefix(_BOM).strip():
        raise _error(
            _("The file is empty. Choose the camt.054 file that you downloaded from the bank.")
        )
    if any(marker in data for marker in _DOCTYPE_MARKERS):
        raise _doctype_error()
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise _error(
            _(
                "The file is not valid XML (%(error)s). Download the camt.054 file from the "
                "bank again and upload it without opening or editing it."
            ),
            error=str(exc),
        ) from exc
    docinfo = root.getroottree().docinfo
    if docinfo.internalDTD is not None or docinfo.externalDTD is not None or docinfo.doctype:
        raise _doctype_error()
    return root


def _doctype_error() -> BankFileError:
    return _error(
        _(
            "The file contains a document type declaration (DOCTYPE), which a bank's camt.054 "
            "file never has, so it was not read. Download the file from the bank again."
        )
    )


def _version(root: etree._Element) -> str:
    qname = etree.QName(root)
    namespace = qname.namespace or ""
    name = namespace.removeprefix(NAMESPACE) if namespace.startswith(NAMESPACE) else ""
    if not _MESSAGE_NAME.fullmatch(name):
        name = ""
    if qname.localname == "Document" and name in VERSIONS:
        return name
    if name.startswith("camt.054."):
        raise _error(
            _(
                "This camt.054 file is version %(found)s, which is not supported. Ask the bank "
                "for camt.054.001.02 or camt.054.001.08."
            ),
            found=name,
        )
    kinds = {
        "camt.052": _("an account report"),
        "camt.053": _("an account statement"),
        "pain.001": _("a payment order"),
        "pain.002": _("a payment status report"),
    }
    kind = kinds.get(name[:8]) if name else None
    if kind:
        raise _error(
            _(
                "This is not a camt.054 notification: it is %(kind)s (%(found)s). Download the "
                "notification of incoming reference payments (camt.054) from the bank and "
                "upload that."
            ),
            kind=kind,
            found=name,
        )
    if name:
        raise _error(
            _(
                "This is not a camt.054 notification: it is an ISO 20022 %(found)s message. "
                "Download the notification of incoming reference payments (camt.054) from the "
                "bank and upload that."
            ),
            found=name,
        )
    raise _error(
        _(
            "This is not a camt.054 notification (its main element is %(found)s). Download the "
            "notification of incoming reference payments (camt.054) from the bank and upload "
            "that."
        ),
        found=f"{{{namespace}}}{qname.localname}" if namespace else qname.localname,
    )


@lru_cache(maxsize=4)
def _schema(path: str) -> etree.XMLSchema:
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    return etree.XMLSchema(etree.parse(path, parser))


def _validate(root: etree._Element, version: str, schema_dir: Path) -> None:
    schema = _schema(str(schema_dir / f"{version}.xsd"))
    try:
        schema.assertValid(root)
    except etree.DocumentInvalid as exc:
        first = exc.error_log[0] if exc.error_log else None
        message = first.message if first is not None else str(exc)
        raise _error(
            _(
                "The file does not follow the %(version)s schema: %(error)s (line %(line)s). "
                "Ask the bank for a new copy of the file."
            ),
            version=version,
            error=message.replace("{" + NAMESPACE + version + "}", ""),
            line=first.line if first is not None else "?",
        ) from exc


class _Reader:
    """Walks one document of a known version; every missing or malformed part it needs becomes
    a ``BankFileError``."""

    def __init__(self, version: str):
        self.version = version
        self.v08 = version == V08
        self.ns = {"c": NAMESPACE + version}
        self._paths: dict[str, str] = {}

    # Element access: paths are written without the namespace ("GrpHdr/MsgId").

    def _path(self, path: str) -> str:
        if path not in self._paths:
            self._paths[path] = "/".join(f"c:{step}" for step in path.split("/"))
        return self._paths[path]

    def find(self, element, path: str):
        return None if element is None else element.find(self._path(path), self.ns)

    def findall(self, element, path: str) -> list:
        return [] if element is None else element.findall(self._path(path), self.ns)

    def text(self, element, path: str) -> str:
        found = self.find(element, path)
        return "" if found is None else "".join(found.itertext()).strip()

    @staticmethod
    def missing(shown: str) -> BankFileError:
        return _error(
            _(
                "The file has no %(element)s, which every camt.054 notification has. "
                "Ask the bank for a new copy of the file."
            ),
            element=shown,
        )

    # The document.

    def notification(self, root) -> Notification:
        document = self.find(root, "BkToCstmrDbtCdtNtfctn")
        if document is None:
            raise self.missing("BkToCstmrDbtCdtNtfctn")
        message_id = self.text(document, "GrpHdr/MsgId")
        if not message_id:
            raise self.missing("GrpHdr/MsgId")
        notifications = self.findall(document, "Ntfctn")
        if not notifications:
            raise self.missing("Ntfctn")
        accounts = list(dict.fromkeys(self.account(n) for n in notifications))
        if len(accounts) > 1:
            raise _error(
                _(
                    "The file holds notifications for several accounts (%(accounts)s). "
                    "Download one file per account from the bank."
                ),
                accounts=", ".join(accounts),
            )
        entries: list[IncomingEntry] = []
        skipped: list[SkippedEntry] = []
        position = 0
        for notification in notifications:
            for entry in self.findall(notification, "Ntry"):
                position += 1
                self.entry(entry, position, entries, skipped)
        return Notification(
            version=self.version,
            message_id=message_id,
            created_at=_datetime(self.text(document, "GrpHdr/CreDtTm")),
            account_iban=accounts[0],
            entries=entries,
            skipped=skipped,
        )

    def account(self, notification) -> str:
        account = self.text(notification, "Acct/Id/IBAN") or self.text(
            notification, "Acct/Id/Othr/Id"
        )
        if not account:
            raise self.missing("Ntfctn/Acct/Id")
        return re.sub(r"\s+", "", account).upper()

    def entry(self, entry, position: int, entries: list, skipped: list) -> None:
        archive = self.text(entry, "AcctSvcrRef")
        label = archive or self.text(entry, "NtryRef") or str(position)
        amount, currency = self.amount(self.find(entry, "Amt"), label)
        direction = self.text(entry, "CdtDbtInd")
        if direction not in ("CRDT", "DBIT"):
            raise _error(
                _(
                    "A payment does not say whether it is incoming or outgoing (CdtDbtInd of "
                    "entry %(entry)s). Ask the bank for a new copy of the file."
                ),
                entry=label,
            )
        reversal = self.text(entry, "RvslInd").lower() in ("true", "1")
        status = (
            self.text(entry, "Sts/Cd") or self.text(entry, "Sts/Prtry")
            if self.v08
            else self.text(entry, "Sts")
        )
        booked = self.date(entry, "BookgDt", label)
        value = self.date(entry, "ValDt", label)
        transactions = [
            tx
            for details in self.findall(entry, "NtryDtls")
            for tx in self.findall(details, "TxDtls")
        ]

        def skip(code: str, reason: str) -> None:
            first = transactions[0] if len(transactions) == 1 else None
            skipped.append(
                SkippedEntry(
                    entry_reference=archive,
                    amount=amount,
                    currency=currency,
                    booking_date=booked or value,
                    code=code,
                    reason=reason,
                    payer_name=self.payer(first),
                    reference=self.structured_reference(first),
                )
            )

        if reversal:
            return skip(
                SKIP_REVERSAL,
                _("A reversal of an earlier entry, not a new payment: check it by hand."),
            )
        if direction == "DBIT":
            return skip(SKIP_DEBIT, _("An outgoing payment (debit), not an incoming one."))
        if status and status.upper() != "BOOK":
            return skip(
                SKIP_NOT_BOOKED,
                _(
                    "Not booked yet (status %(status)s): it is recorded from a later file that "
                    "shows it booked."
                )
                % {"status": status},
            )
        if currency != EURO:
            return skip(SKIP_CURRENCY, self.currency_reason(currency))
        booking_date = booked or value
        if booking_date is None:
            raise _error(
                _(
                    "A payment has no booking date (entry %(entry)s). Ask the bank for a new "
                    "copy of the file."
                ),
                entry=label,
            )
        for number, tx in enumerate(transactions or [None], start=1):
            self.transaction(
                tx, number, len(transactions), archive, label, amount, booking_date, value,
                entries, skipped,
            )  # fmt: skip

    def transaction(
        self, tx, number, count, archive, label, entry_amount, booked, value, entries, skipped
    ) -> None:
        own = self.text(tx, "Refs/AcctSvcrRef")
        if own:
            reference = own
        elif archive:
            reference = archive if count <= 1 else f"{archive}/{number}"
        else:
            raise _error(
                _(
                    "A payment has no archive reference from the bank (AcctSvcrRef of entry "
                    "%(entry)s), so it could not be recorded only once. Ask the bank for a new "
                    "copy of the file."
                ),
                entry=label,
            )
        amount_element = self.find(tx, "Amt")
        if amount_element is None:
            amount_element = self.find(tx, "AmtDtls/TxAmt/Amt")
        if amount_element is not None:
            amount, currency = self.amount(amount_element, reference)
        elif count <= 1:
            amount, currency = entry_amount, EURO
        else:
            raise _error(
                _("A payment has no amount (%(entry)s). Ask the bank for a new copy of the file."),
                entry=reference,
            )
        payer = self.payer(tx)
        structured = self.structured_reference(tx)
        debit = self.text(tx, "CdtDbtInd") == "DBIT"
        if debit or currency != EURO:
            skipped.append(
                SkippedEntry(
                    entry_reference=reference,
                    amount=amount,
                    currency=currency,
                    booking_date=booked,
                    code=SKIP_DEBIT if debit else SKIP_CURRENCY,
                    reason=_("An outgoing payment (debit), not an incoming one.")
                    if debit
                    else self.currency_reason(currency),
                    payer_name=payer,
                    reference=structured,
                )
            )
            return
        lines = [
            " ".join("".join(line.itertext()).split()) for line in self.findall(tx, "RmtInf/Ustrd")
        ]
        message = " ".join(line for line in lines if line)
        if structured:
            ref, source = structured, STRUCTURED
        else:
            ref = find_reference(message)
            source = TEXT if ref else ""
        entries.append(
            IncomingEntry(
                entry_reference=reference,
                amount=amount,
                currency=currency,
                booking_date=booked,
                value_date=value,
                reference=ref,
                reference_kind=reference_kind(ref) if ref else "",
                payer_name=payer,
                payer_iban=re.sub(r"\s+", "", self.text(tx, "RltdPties/DbtrAcct/Id/IBAN")).upper(),
                message=message,
                reference_source=source,
            )
        )

    @staticmethod
    def currency_reason(currency: str) -> str:
        return _("The amount is in %(currency)s, not in euros: record it by hand.") % {
            "currency": currency
        }

    def payer(self, tx) -> str:
        party = "Pty/Nm" if self.v08 else "Nm"
        name = self.text(tx, f"RltdPties/Dbtr/{party}") or self.text(
            tx, f"RltdPties/UltmtDbtr/{party}"
        )
        return " ".join(name.split())

    def structured_reference(self, tx) -> str:
        for remittance in self.findall(tx, "RmtInf/Strd"):
            reference = self.text(remittance, "CdtrRefInf/Ref")
            if reference:
                return _compact_reference(reference)
        return ""

    def amount(self, element, label: str) -> tuple[Decimal, str]:
        if element is None:
            raise _error(
                _("A payment has no amount (%(entry)s). Ask the bank for a new copy of the file."),
                entry=label,
            )
        text = "".join(element.itertext()).strip()
        currency = (element.get("Ccy") or "").strip().upper()
        try:
            if not _AMOUNT.fullmatch(text) or not currency:
                raise InvalidOperation
            amount = Decimal(text)
            if amount != amount.quantize(CENT):
                raise InvalidOperation
        except InvalidOperation:
            raise _error(
                _(
                    "A payment has an invalid amount (%(value)s in %(entry)s). Ask the bank "
                    "for a new copy of the file."
                ),
                value=f"{text} {currency}".strip(),
                entry=label,
            ) from None
        return cents(amount), currency

    def date(self, entry, path: str, label: str) -> date | None:
        choice = self.find(entry, path)
        if choice is None:
            return None
        day, moment = self.text(choice, "Dt"), self.text(choice, "DtTm")
        try:
            if day:
                return date.fromisoformat(day[:10])
            if moment:
                return datetime.fromisoformat(moment).date()
        except ValueError:
            pass
        raise _error(
            _(
                "A payment has an invalid date (%(value)s in %(entry)s). Ask the bank for a new "
                "copy of the file."
            ),
            value=day or moment or "-",
            entry=label,
        )


def _datetime(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text) if text else None
    except ValueError:
        return None


def _compact_reference(reference: str) -> str:
    compact = re.sub(r"\s+", "", reference).upper()
    if _DIGITS.fullmatch(compact) and compact.startswith("0"):
        stripped = compact.lstrip("0")
        if is_valid_reference(stripped):
            return stripped
    return compact


def _rf_in(words: list[str]) -> str:
    """An RF reference: one word, or ``RFnn`` and groups of four, the last one maybe shorter."""
    for i, word in enumerate(words):
        if not _RF_START.fullmatch(word):
            continue
        candidate = word
        best = word if iso11649.is_valid(word) else ""
        j = i
        while (
            len(words[j]) == 4
            and j + 1 < len(words)
            and _RF_GROUP.fullmatch(words[j + 1])
            and len(candidate) + len(words[j + 1]) <= 25
        ):
            j += 1
            candidate += words[j]
            if iso11649.is_valid(candidate):
                best = candidate
        if best:
            return best
    return ""


def _finnish_in(words: list[str]) -> str:
    """The longest valid Finnish reference of 5–20 digits: one word, or a word of at most five
    digits and the groups of five after it (a part of such a group is not a candidate)."""
    found: set[str] = set()
    i = 0
    while i < len(words):
        word = words[i]
        j = i
        if _DIGITS.fullmatch(word):
            candidates = [word]
            if len(word) <= 5:
                while j + 1 < len(words) and _FI_GROUP.fullmatch(words[j + 1]):
                    j += 1
                    candidates.append(candidates[-1] + words[j])
            for candidate in candidates:
                compact = _compact_reference(candidate)
                if 5 <= len(compact) <= 20 and is_valid_reference(compact):
                    found.add(compact)
        i = j + 1
    if not found:
        return ""
    longest = max(len(c) for c in found)
    best = [c for c in found if len(c) == longest]
    return best[0] if len(best) == 1 else ""


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
