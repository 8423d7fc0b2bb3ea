"""Finnish and RF references in a payment: recognised, compacted, found in free text."""

from __future__ import annotations

import re

from stdnum import iso11649

from expertbank.finnish import is_valid_reference
from invoicing.bankfiles.camt054.common import (
    _DIGITS,
    _FI_GROUP,
    _PUNCTUATION,
    _RF_GROUP,
    _RF_START,
    _WORD_SEPARATORS,
    FINNISH,
    RF,
)


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
