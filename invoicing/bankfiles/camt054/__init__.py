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

from invoicing.bankfiles.camt054.common import (
    EURO,
    FINNISH,
    MAX_SIZE,
    NAMESPACE,
    RF,
    SKIP_CURRENCY,
    SKIP_DEBIT,
    SKIP_NOT_BOOKED,
    SKIP_REVERSAL,
    STRUCTURED,
    TEXT,
    V02,
    V08,
    VERSIONS,
    BankFileError,
    IncomingEntry,
    Notification,
    SkippedEntry,
)
from invoicing.bankfiles.camt054.read import parse
from invoicing.bankfiles.camt054.references import find_reference, reference_kind
from invoicing.bankfiles.camt054.write import build

__all__ = [
    "EURO",
    "FINNISH",
    "MAX_SIZE",
    "NAMESPACE",
    "RF",
    "SKIP_CURRENCY",
    "SKIP_DEBIT",
    "SKIP_NOT_BOOKED",
    "SKIP_REVERSAL",
    "STRUCTURED",
    "TEXT",
    "V02",
    "V08",
    "VERSIONS",
    "BankFileError",
    "IncomingEntry",
    "Notification",
    "SkippedEntry",
    "build",
    "find_reference",
    "parse",
    "reference_kind",
]
