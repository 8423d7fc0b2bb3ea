"""Forms of the fee payment pages: the statement list's filters, holding and correcting a
statement, a payment batch, and the year of an expert's summary."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bookings.selectors.earnings import Period
from expertbank.fields import DATE_HORIZON, FiniteDecimalField, HorizonDateField
from invoicing.forms import MonthForm
from invoicing.models import FeeStatement, IncomeType

MONTH = re.compile(r"^(\d{4})-(\d{2})$")


class StatementFilterForm(forms.Form):
    month = forms.CharField(label=_("Month (YYYY-MM)"), max_length=7, required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("any")), *FeeStatement.Status.choices],
        required=False,
    )
    name = forms.CharField(label=_("Expert's name"), max_length=100, required=False)

    def clean_month(self) -> Period | None:
        value = self.cleaned_data["month"].strip()
        if not value:
            return None
        found = MONTH.match(value)
        if not found or not 1 <= int(found.group(2)) <= 12:
            raise forms.ValidationError(_("Give the month as YYYY-MM, for example 2026-11."))
        return Period.month_of(date(int(found.group(1)), int(found.group(2)), 1))

    def filter(self, statements):
        """``statements`` narrowed by the valid filters (none if a filter is invalid)."""
        if not self.is_bound:
            return statements
        if not self.is_valid():
            return statements.none()
        data = self.cleaned_data
        if data["month"] is not None:
            statements = statements.filter(period_start=data["month"].start)
        if data["status"]:
            statements = statements.filter(status=data["status"])
        if data["name"].strip():
            statements = statements.filter(expert__user__full_name__icontains=data["name"].strip())
        return statements


class HoldForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the statement is held back"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )


class CorrectionForm(forms.Form):
    description = forms.CharField(
        label=_("What the correction is (the expert sees this)"), max_length=300
    )
    amount = FiniteDecimalField(
        label=_("Amount (€, minus to take off)"),
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("-99999.99"),
        max_value=Decimal("99999.99"),
    )
    income_type = forms.ChoiceField(label=_("Income type"), choices=IncomeType.choices)
    reason = forms.CharField(
        label=_("Why (the expert sees this too)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )


class BatchForm(MonthForm):
    payment_date = HorizonDateField(
        label=_("Payment date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("The day the money is in the experts' accounts."),
        error_messages={"invalid": _("Give the payment date as a date, for example 15.11.2026.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["month"].label = _("Statements up to the month")
        self.fields["payment_date"].initial = timezone.localdate()


class YearForm(forms.Form):
    year = forms.IntegerField(
        label=_("Year"), min_value=DATE_HORIZON[0].year, max_value=DATE_HORIZON[1].year
    )

    def clean_year(self) -> int:
        year = self.cleaned_data["year"]
        if year > timezone.localdate().year:
            raise forms.ValidationError(_("Choose this year or an earlier one."))
        return year
