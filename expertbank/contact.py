"""How people reach the bank: one place for e-mail footers, the site footer and the login page.

``bank_contact()`` answers in the active language (the opening hours may be a translated text).
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.translation import get_language


def sender_name(language: str | None = None) -> str:
    """The bank's name as the sender of e-mail, in ``language`` (the active one by default)."""
    names = settings.BANK_SENDER_NAMES
    language = (language or get_language() or settings.LANGUAGE_CODE)[:2]
    return names.get(language) or names.get(settings.LANGUAGE_CODE[:2]) or settings.BANK_NAME


def bank_contact(language: str | None = None) -> dict[str, str]:
    """The bank's name, phone, e-mail, opening hours and site address ("" where not set), in
    ``language`` (the active one by default)."""
    with translation.override(language or get_language()):
        opening_hours = str(settings.BANK_OPENING_HOURS or "")
    return {
        "name": sender_name(language),
        "legal_name": settings.BANK_NAME,
        "phone": settings.BANK_PHONE,
        "email": settings.BANK_CONTACT_EMAIL,
        "opening_hours": opening_hours,
        "site_url": settings.SITE_URL,
    }
