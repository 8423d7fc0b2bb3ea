"""Inline rows of an expert that services add, change and remove: documents, tax cards,
weekly times and unavailable days. A saved row is read-only except what a service may change;
consents are read-only altogether. The admin saves inside its own transaction, so these call the
services' ``*_impl`` functions."""

from __future__ import annotations

from datetime import timedelta
from itertools import pairwise
from typing import Any

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from expertbank import guarded_admin
from experts.models import (
    AvailabilitySlot,
    Blackout,
    ConsentRecord,
    Expert,
    ExpertDocument,
    TaxCard,
)
from experts.services import (
    ExpertError,
    document_check,
    tax_card_check,
    tax_card_end_check,
)
from experts.services.availability import (
    blackout_add_impl,
    blackout_check,
    blackout_remove_impl,
    slot_add_impl,
    slot_check,
    slot_remove_impl,
)
from experts.services.documents import (
    document_delete_impl,
    document_record_impl,
    tax_card_delete_impl,
    tax_card_end_impl,
    tax_card_record_impl,
)


class ServiceRowForm(forms.ModelForm):
    """An inline row whose changes a service makes. A saved row is read-only except the fields
    in ``editable_when_saved``; ``check_new`` and ``check_saved`` ask the service's rule, so a
    wrong value is a form error instead of a failed save."""

    editable_when_saved: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            for name, field in self.fields.items():
                if name not in self.editable_when_saved:
                    field.disabled = True

    def check_new(self, data: dict[str, Any]) -> None:
        """Raise ``ExpertError`` if the service would refuse this new row."""

    def check_saved(self, data: dict[str, Any]) -> None:
        """Raise ``ExpertError`` if the service would refuse this change of a saved row."""

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            if self.instance.pk is None:
                self.check_new(data)
            elif self.has_changed():
                self.check_saved(data)
        except ExpertError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return data


class NewRowsApartFormSet(forms.BaseInlineFormSet):
    """New rows checked one by one against the saved ones must not overlap each other either
    (the service would refuse the second while saving). ``span(data)`` is a row's half-open
    range, ``None`` for rows that cannot overlap."""

    @staticmethod
    def span(data: dict[str, Any]) -> tuple | None:
        raise NotImplementedError

    def clean(self):
        super().clean()
        spans = sorted(
            span
            for form in self.forms
            if form.instance.pk is None
            and form.has_changed()
            and form not in self.deleted_forms
            and form.is_valid()
            and (span := self.span(form.cleaned_data)) is not None
        )
        for earlier, later in pairwise(spans):
            if earlier[:-2] == later[:-2] and later[-2] < earlier[-1]:
                raise forms.ValidationError(
                    _("Two of the new rows overlap each other. Add one, save, then the other.")
                )


class SlotsApartFormSet(NewRowsApartFormSet):
    @staticmethod
    def span(data):
        return (data["weekday"], data["start"], data["end"])


class BlackoutsApartFormSet(NewRowsApartFormSet):
    @staticmethod
    def span(data):
        return (data["start"], data["end"] + timedelta(days=1))


class ServiceInline(guarded_admin.TabularInline):
    """An inline whose rows are added, changed and removed by services (``ExpertAdmin`` calls
    ``add``, ``change`` and ``remove``)."""

    extra = 0

    def add(self, *, expert: Expert, data: dict[str, Any], by) -> models.Model:
        raise NotImplementedError

    def change(self, *, row: models.Model, data: dict[str, Any], by) -> None:
        raise NotImplementedError  # only for inlines with fields editable when saved

    def remove(self, *, row: models.Model, by) -> None:
        raise NotImplementedError


class DocumentRowForm(ServiceRowForm):
    def check_new(self, data):
        document_check(kind=data["kind"], dated=data["dated"], valid_until=data["valid_until"])


class DocumentInline(ServiceInline):
    model = ExpertDocument
    form = DocumentRowForm
    fields = ["kind", "dated", "valid_until", "note", "recorded_by", "recorded_at"]
    readonly_fields = ["recorded_by", "recorded_at"]

    def add(self, *, expert, data, by):
        return document_record_impl(
            expert=expert,
            by=by,
            kind=data["kind"],
            dated=data["dated"],
            valid_until=data["valid_until"],
            note=data["note"],
        )

    def remove(self, *, row, by):
        document_delete_impl(document=row, by=by)


TAX_CARD_FIELDS = [
    "kind",
    "valid_from",
    "valid_until",
    "base_rate",
    "additional_rate",
    "income_limit",
    "income_limit_feb_dec",
    "prepayment_register",
]


class TaxCardRowForm(ServiceRowForm):
    # A saved card can be ended earlier (e.g. revoked by the tax office); nothing else changes.
    editable_when_saved = ("valid_until",)

    def check_new(self, data):
        tax_card_check(**{name: data[name] for name in TAX_CARD_FIELDS})

    def check_saved(self, data):
        tax_card_end_check(self.instance, data["valid_until"])


class TaxCardInline(ServiceInline):
    model = TaxCard
    form = TaxCardRowForm
    fields = TAX_CARD_FIELDS

    def add(self, *, expert, data, by):
        return tax_card_record_impl(
            expert=expert, by=by, **{name: data[name] for name in TAX_CARD_FIELDS}
        )

    def change(self, *, row, data, by):
        tax_card_end_impl(card=row, by=by, last_day=data["valid_until"])

    def remove(self, *, row, by):
        tax_card_delete_impl(card=row, by=by)


class SlotRowForm(ServiceRowForm):
    def check_new(self, data):
        slot_check(
            expert=self.instance.expert,
            weekday=data["weekday"],
            start=data["start"],
            end=data["end"],
        )


class SlotInline(ServiceInline):
    model = AvailabilitySlot
    form = SlotRowForm
    formset = SlotsApartFormSet
    fields = ["weekday", "start", "end"]

    def add(self, *, expert, data, by):
        return slot_add_impl(
            expert=expert, by=by, weekday=data["weekday"], start=data["start"], end=data["end"]
        )

    def remove(self, *, row, by):
        slot_remove_impl(slot=row, by=by)


class BlackoutRowForm(ServiceRowForm):
    def check_new(self, data):
        blackout_check(expert=self.instance.expert, start=data["start"], end=data["end"])


class BlackoutInline(ServiceInline):
    model = Blackout
    form = BlackoutRowForm
    formset = BlackoutsApartFormSet
    fields = ["start", "end", "note"]

    def add(self, *, expert, data, by):
        return blackout_add_impl(
            expert=expert, by=by, start=data["start"], end=data["end"], note=data["note"]
        )

    def remove(self, *, row, by):
        blackout_remove_impl(blackout=row, by=by)


class ConsentInline(guarded_admin.TabularInline):
    """Read only: consent is given and withdrawn by the expert, or recorded on paper, through
    the pages that log it."""

    model = ConsentRecord
    extra = 0
    fields = ["notice", "given_at", "withdrawn_at", "on_paper", "recorded_by"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
