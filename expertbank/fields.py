"""Form fields for what a visitor types or tampers with: ids, dates, amounts and plain text.

Every id and every date that reaches a form or a filter goes through the fields here, so no
value the database or the date arithmetic cannot hold gets past validation: a 20-digit id is
"not one of the choices" instead of an integer overflow in the database, a date outside
``DATE_HORIZON`` is refused instead of overflowing ``timedelta`` sums or the conversion to UTC.
Forms use these classes for their declared fields and ``guarded_formfield`` for the fields a
``ModelForm`` or the admin makes from a model; ``tests/test_hostile_input.py`` fails on any
form, filter or admin form that has a plain one.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import connections, models
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

# The dates anyone may enter anywhere: bookings, sessions, documents, tax cards, filters.
DATE_HORIZON = (date(2000, 1, 1), date(2100, 12, 31))

# The largest id any of our tables can hold (a bigint); the smallest is 1.
MAX_ID = 2**63 - 1


# --- Ids -------------------------------------------------------------------------------------


def parse_id(value: Any) -> int | None:
    """``value`` as an id (a whole number from 1 to ``MAX_ID``), or None if it cannot be one.
    For ids read by hand from ``request.GET``; forms use the fields below."""
    text = str(value).strip()
    if not text.isascii() or not text.isdigit():  # "²".isdigit() is True, int("²") fails
        return None
    number = int(text)
    return number if 1 <= number <= MAX_ID else None


def _key_field(queryset: models.QuerySet, to_field_name: str | None) -> models.Field:
    meta = queryset.model._meta
    field = meta.get_field(to_field_name) if to_field_name else meta.pk
    while field.is_relation:  # a one-to-one primary key: the column it points at
        field = field.target_field
    return field


def id_fits(queryset: models.QuerySet, to_field_name: str | None, value: Any) -> bool:
    """False when ``value`` is a whole number the key column of ``queryset`` cannot hold."""
    if isinstance(value, models.Model):
        return True
    field = _key_field(queryset, to_field_name)
    if not isinstance(field, models.IntegerField):
        return True
    try:
        number = int(str(value).strip())
    except ValueError:
        return True  # not a number at all: the field's own check refuses it
    low, high = connections[queryset.db].ops.integer_field_range(field.get_internal_type())
    return (low is None or number >= low) and (high is None or number <= high)


class IdChoiceMixin:
    """For a ``ModelChoiceField``: an id the key column cannot hold is not one of the choices,
    refused before the query that would overflow."""

    def _refuse_unfit(self, value: Any) -> None:
        if not id_fits(self.queryset, self.to_field_name, value):
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )

    def to_python(self, value):
        if value not in self.empty_values:
            self._refuse_unfit(value)
        return super().to_python(value)


class IdMultipleChoiceMixin(IdChoiceMixin):
    """The same for a ``ModelMultipleChoiceField``, for each id given."""

    def _check_values(self, value):
        if isinstance(value, list | tuple):
            for one in value:
                self._refuse_unfit(one)
        return super()._check_values(value)


class IdChoiceField(IdChoiceMixin, forms.ModelChoiceField):
    pass


class IdMultipleChoiceField(IdMultipleChoiceMixin, forms.ModelMultipleChoiceField):
    pass


class IdField(forms.IntegerField):
    """A number that names a row (``?booking=12``): from 1 to ``MAX_ID``."""

    default_error_messages = {"no_such_id": _("There is nothing with this number.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if value is not None and not 1 <= value <= MAX_ID:
            raise ValidationError(self.error_messages["no_such_id"], code="no_such_id")
        return value


# --- Dates -----------------------------------------------------------------------------------


def validate_date_horizon(value: date | datetime | None) -> None:
    """Refuses a date outside ``DATE_HORIZON`` with a message naming the allowed years."""
    if value is None:
        return
    day = value.date() if isinstance(value, datetime) else value
    first, last = DATE_HORIZON
    if not first <= day <= last:
        raise ValidationError(
            _("Enter a date between %(first)s and %(last)s."),
            code="date_horizon",
            params={
                "first": date_format(first, "SHORT_DATE_FORMAT"),
                "last": date_format(last, "SHORT_DATE_FORMAT"),
            },
        )


class HorizonDateField(forms.DateField):
    default_validators = [validate_date_horizon]


class HorizonDateTimeField(forms.DateTimeField):
    default_validators = [validate_date_horizon]


class HorizonSplitDateTimeField(forms.SplitDateTimeField):
    default_validators = [validate_date_horizon]


# --- Text ------------------------------------------------------------------------------------

# C0 and C1 control characters except tab, line feed and carriage return; NUL is refused with
# a message by Django's own validator before this cleaning would drop it.
CONTROL_CHARACTERS = re.compile(r"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


class PlainTextField(forms.CharField):
    """Free text a person writes: NUL refused (Django's validator), other control characters
    dropped, Unicode normalised (NFC), the length checked after that."""

    def to_python(self, value):
        value = super().to_python(value)
        if value and "\x00" not in value:
            value = unicodedata.normalize("NFC", CONTROL_CHARACTERS.sub("", value))
        return value


# --- Amounts ---------------------------------------------------------------------------------


class FiniteDecimalField(forms.DecimalField):
    """A decimal number that is a number: "NaN", "sNaN" and "Infinity" are invalid as soon as
    they are read (Django's own refuses them only in ``validate``, after a formset or the admin
    has compared them with the initial value, where a signalling NaN raises)."""

    def to_python(self, value):
        value = super().to_python(value)
        if value is not None and not value.is_finite():
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return value


# --- Fields made from a model ----------------------------------------------------------------


def guarded_form_class(db_field: models.Field) -> type[forms.Field] | None:
    """The guarded form field class for a model field, or None when Django's own is safe."""
    if isinstance(db_field, models.ManyToManyField):
        return IdMultipleChoiceField
    if isinstance(db_field, models.ForeignKey):
        return IdChoiceField
    if isinstance(db_field, models.DateTimeField):
        return HorizonDateTimeField
    if isinstance(db_field, models.DateField):
        return HorizonDateField
    if isinstance(db_field, models.DecimalField):
        return FiniteDecimalField
    return None


def guarded_formfield(db_field: models.Field, **kwargs) -> forms.Field | None:
    """``formfield_callback`` of every ``ModelForm``: ids and dates get the guarded fields."""
    form_class = guarded_form_class(db_field)
    if form_class is not None and "form_class" not in kwargs:
        kwargs["form_class"] = form_class
    return db_field.formfield(**kwargs)
