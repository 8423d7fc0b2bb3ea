"""Cells to values: each widget returns a value or raises ValueError with a message for the
coordinator (django-import-export turns it into that row's error)."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.db import models
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from import_export import widgets

SITE_LANGUAGES = ["fi", "sv", "en"]
YES = {"1", "x", "yes", "y", "true", "kyllä", "k", "joo", "ja", "j", "sant"}
NO = {"0", "no", "n", "false", "ei", "e", "nej", "falskt", "osant"}


def cell_text(value: Any) -> str:
    """A cell as stripped text, whatever the spreadsheet made of it."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # spreadsheets turn 40 into 40.0
    return str(value).strip()


class TextWidget(widgets.Widget):
    def __init__(self, max_length: int | None = None):
        super().__init__()
        self.max_length = max_length

    def clean(self, value, row=None, **kwargs) -> str:
        text = cell_text(value)
        if self.max_length and len(text) > self.max_length:
            raise ValueError(
                _("At most %(count)s characters, this has %(length)s.")
                % {"count": self.max_length, "length": len(text)}
            )
        return text


class YesNoWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs) -> bool | None:
        if isinstance(value, bool):
            return value
        text = cell_text(value).lower()
        if text == "":
            return None
        if text in YES:
            return True
        if text in NO:
            return False
        raise ValueError(_("Write yes or no (kyllä or ei), not “%(value)s”.") % {"value": text})


class IntegerWidget(widgets.Widget):
    def __init__(self, minimum: int, maximum: int):
        super().__init__()
        self.minimum, self.maximum = minimum, maximum

    def clean(self, value, row=None, **kwargs) -> int | None:
        text = cell_text(value)
        if text == "":
            return None
        if not re.fullmatch(r"\d+", text):
            raise ValueError(_("Write a whole number, not “%(value)s”.") % {"value": text})
        number = int(text)
        if not self.minimum <= number <= self.maximum:
            raise ValueError(
                _("Write a number from %(min)s to %(max)s.")
                % {"min": self.minimum, "max": self.maximum}
            )
        return number


class MoneyWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs) -> Decimal | None:
        if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
            text = str(value)
        else:
            text = re.sub(r"[\s\u00a0€]", "", cell_text(value)).replace(",", ".")
        if text == "":
            return None
        try:
            amount = Decimal(text).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        except InvalidOperation as exc:
            raise ValueError(
                _("Write an amount in euros, for example 976,59, not “%(value)s”.")
                % {"value": cell_text(value)}
            ) from exc
        if amount < 0 or not amount.is_finite():
            raise ValueError(_("The amount cannot be negative."))
        return amount


class DateWidget(widgets.Widget):
    FORMATS = ["%d.%m.%Y", "%Y-%m-%d", "%d.%m.%y"]

    def clean(self, value, row=None, **kwargs) -> date | None:
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        text = cell_text(value)
        if text == "":
            return None
        for fmt in self.FORMATS:
            try:
                return datetime.strptime(text, fmt).date()
            except ValueError:
                continue
        raise ValueError(_("Write a date like 24.11.2026, not “%(value)s”.") % {"value": text[:40]})


class ChoiceWidget(widgets.Widget):
    """A choice by its code or its label in any of the site's languages."""

    def __init__(self, choices: list[tuple[str, Any]]):
        super().__init__()
        self.choices = choices
        self._lookup: dict[str, str] | None = None

    def lookup(self) -> dict[str, str]:
        if self._lookup is None:
            self._lookup = {}
            for value, label in self.choices:
                self._lookup[str(value).lower()] = value
                for language in SITE_LANGUAGES:
                    with translation.override(language):
                        self._lookup[str(label).lower()] = value
        return self._lookup

    def clean(self, value, row=None, **kwargs) -> str | None:
        text = cell_text(value).lower()
        if text == "":
            return None
        try:
            return self.lookup()[text]
        except KeyError:
            raise ValueError(
                _("Unknown value “%(value)s”. Use one of: %(choices)s.")
                % {"value": text, "choices": ", ".join(str(v) for v, _label in self.choices)}
            ) from None


class ReferenceListWidget(widgets.Widget):
    """Several entries of a coordinator-managed list (areas, languages, kinds of work), given
    by code or by name in any language, separated by commas, semicolons or new lines."""

    def __init__(self, model: type[models.Model], code_field: str, unknown_message: Promise):
        super().__init__()
        self.model = model
        self.code_field = code_field
        self.unknown_message = unknown_message
        self._lookup: dict[str, models.Model] | None = None

    def lookup(self) -> dict[str, models.Model]:
        if self._lookup is None:
            self._lookup = {}
            for item in self.model.objects.all():
                for key in (
                    getattr(item, self.code_field),
                    item.name_fi,
                    item.name_sv,
                    item.name_en,
                ):
                    self._lookup.setdefault(key.strip().lower(), item)
        return self._lookup

    def clean(self, value, row=None, **kwargs) -> list[models.Model]:
        names = [part.strip() for part in re.split(r"[,;\n]", cell_text(value)) if part.strip()]
        found, unknown = [], []
        for name in names:
            item = self.lookup().get(name.lower())
            if item is None:
                unknown.append(name)
            elif item not in found:
                found.append(item)
        if unknown:
            raise ValueError(
                str(self.unknown_message) % {"values": ", ".join(f"“{name}”" for name in unknown)}
            )
        return found
