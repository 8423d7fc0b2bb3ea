"""Phone numbers: checked and written in one form (E.164, e.g. +358401234567) with the
``phonenumbers`` library, Finnish numbers without the country code understood."""

from __future__ import annotations

import phonenumbers
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

INVALID = _("Enter a valid phone number, for example 040 123 4567 or +358 40 123 4567.")


def phone_normalise(value: str) -> str:
    """``value`` in E.164 form ("" stays ""); ValidationError if it is not a phone number."""
    value = (value or "").strip()
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, settings.PHONE_DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        raise ValidationError(INVALID, code="invalid_phone") from None
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(INVALID, code="invalid_phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def validate_phone(value: str) -> None:
    phone_normalise(value)


def phone_display(value: str) -> str:
    """A stored number as people write it (040 123 4567 at home, +46 … abroad)."""
    try:
        number = phonenumbers.parse(value, settings.PHONE_DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return value
    region = phonenumbers.region_code_for_number(number)
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if region == settings.PHONE_DEFAULT_REGION
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, style)


class PhoneField(forms.CharField):
    """A phone number entered in any usual way, cleaned to E.164."""

    default_error_messages = {"invalid_phone": INVALID}

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 40)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("type", "tel")
        self.widget.attrs.setdefault("autocomplete", "tel")

    def to_python(self, value):
        return phone_normalise(super().to_python(value))
