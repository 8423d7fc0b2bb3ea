"""Coordinator-typed text kept in each of the site's languages, shown in the reader's language.

A model keeps the Finnish text in one column and the Swedish and English in ``<field>_sv`` and
``<field>_en``; an empty translation falls back to the Finnish.
"""

from __future__ import annotations

from django.utils.translation import get_language

LANGUAGES = ("fi", "sv", "en")


def reader_language() -> str:
    language = (get_language() or "fi")[:2]
    return language if language in LANGUAGES else "fi"


def in_reader_language(obj: object, field: str, finnish: str | None = None) -> str:
    """``obj.<field>_<language>`` for the reader's language, else the Finnish column's text.

    ``finnish`` names the Finnish column when it is not ``<field>_fi`` (e.g. a cohort's
    ``description``).
    """
    finnish_text = getattr(obj, finnish or f"{field}_fi", "") or ""
    language = reader_language()
    if language == "fi":
        return finnish_text
    return getattr(obj, f"{field}_{language}", "") or finnish_text
