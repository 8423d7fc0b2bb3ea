"""The base of every list filter (django-filter): ids and dates through the guarded fields of
``expertbank.fields``, so a tampered query string is ignored instead of reaching the database.

A filter whose value does not validate is left out (django-filter filters only with the values
that did), and the form shows why.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django_filters import fields as filter_fields

from expertbank.fields import (
    HorizonDateField,
    HorizonDateTimeField,
    IdChoiceMixin,
    IdField,
    IdMultipleChoiceMixin,
)
from expertbank.formatting import escaped


class QuickSelect(forms.Select):
    """Django's select, written in Python instead of one template include per option: the same
    markup, many times faster with hundreds of choices (300 organisations took ~100 ms to
    render; issue 19). Grouped choices fall back to Django's own rendering."""

    def render(self, name, value, attrs=None, renderer=None):
        choices = [choice for choice in self.choices]  # noqa: C416 (list() would count them first)
        if any(isinstance(label, list | tuple) for _value, label in choices):
            return super().render(name, value, attrs, renderer)
        chosen = set(self.format_value(value))
        options, found = [], False
        for option_value, label in choices:
            text = "" if option_value is None else str(option_value)
            selected = text in chosen and (self.allow_multiple_selected or not found)
            found = found or selected
            # Escaped as ``format_html`` escapes (``conditional_escape``), with the standard
            # library's ``escape`` at once: Django's lazy-wrapped escape three times an option
            # was most of the time for 300 organisations (issue 19, fifth pass).
            options.append(
                f'\n  <option value="{escaped(text)}"{" selected" if selected else ""}>'
                f"{escaped(label)}</option>"
            )
        # Safe: every value and label went through ``escaped`` (tested against Django's).
        shown = mark_safe("".join(options))  # nosec B308, B703
        return format_html(
            '<select name="{}"{}>{}\n</select>',
            name,
            flatatt(self.build_attrs(self.attrs, attrs)),
            shown,
        )


class IdFilterChoiceField(IdChoiceMixin, filter_fields.ModelChoiceField):
    widget = QuickSelect


class IdFilterMultipleChoiceField(IdMultipleChoiceMixin, filter_fields.ModelMultipleChoiceField):
    pass


class ModelChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = IdFilterChoiceField


class ModelMultipleChoiceFilter(django_filters.ModelMultipleChoiceFilter):
    field_class = IdFilterMultipleChoiceField


class IdFilter(django_filters.NumberFilter):
    """A row's number (``?booking=12``): a whole number an id column can hold."""

    field_class = IdField


class DateFilter(django_filters.DateFilter):
    field_class = HorizonDateField


class DateTimeFilter(django_filters.DateTimeFilter):
    field_class = HorizonDateTimeField


GUARDED = {
    django_filters.ModelChoiceFilter: ModelChoiceFilter,
    django_filters.ModelMultipleChoiceFilter: ModelMultipleChoiceFilter,
    django_filters.DateFilter: DateFilter,
    django_filters.DateTimeFilter: DateTimeFilter,
}


class FilterSet(django_filters.FilterSet):
    """Filters made from the model (``Meta.fields``) get the guarded classes too."""

    FILTER_DEFAULTS = {
        db_field: {
            **options,
            "filter_class": GUARDED.get(options["filter_class"], options["filter_class"]),
        }
        for db_field, options in django_filters.FilterSet.FILTER_DEFAULTS.items()
    }
