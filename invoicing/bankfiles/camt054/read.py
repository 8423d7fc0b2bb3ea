"""Reading a camt.054 notification (see the package)."""

from __future__ import annotations

import math
import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path

from django.utils.translation import gettext as _
from lxml import etree

from expertbank.amounts import CENT, cents
from invoicing.bankfiles.camt054.common import (
    _AMOUNT,
    _BOM,
    _DOCTYPE_MARKERS,
    _MESSAGE_NAME,
    EURO,
    MAX_SIZE,
    NAMESPACE,
    SKIP_CURRENCY,
    SKIP_DEBIT,
    SKIP_NOT_BOOKED,
    SKIP_REVERSAL,
    STRUCTURED,
    TEXT,
    V08,
    VERSIONS,
    BankFileError,
    IncomingEntry,
    Notification,
    SkippedEntry,
)
from invoicing.bankfiles.camt054.references import (
    _compact_reference,
    find_reference,
    reference_kind,
)

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
                found = date.fromisoformat(day[:10])
            elif moment:
                found = datetime.fromisoformat(moment).date()
            else:
                found = None
        except ValueError:
            found = None
        # A year a bank could have booked in: the year 9999 or 1 is a broken file, and would
        # overflow every date sum (due dates, penalty interest) that the payment meets later.
        if found is not None and BANK_DATES[0] <= found <= BANK_DATES[1]:
            return found
        raise _error(
            _(
                "A payment has an invalid date (%(value)s in %(entry)s). Ask the bank for a new "
                "copy of the file."
            ),
            value=day or moment or "-",
            entry=label,
        )


BANK_DATES = (date(2000, 1, 1), date(2100, 12, 31))


def _datetime(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text) if text else None
    except ValueError:
        return None
