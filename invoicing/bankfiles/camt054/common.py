"""What reading and writing camt.054 share: the versions, the kinds, the error, the records."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

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
