"""Forms of the work after a gig: the expert's report, expenses and check-in, the coordinator's
return and debrief notes, and writing off a gig that will not be paid. Plain words: experts fill
these in on a phone.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bookings.models import CheckIn, Expense, GigReport
from bookings.models.reports import MAX_EXPENSE, MAX_HOURS, MAX_KM, MAX_PREPARATION_HOURS
from bookings.services.receipts import ReceiptError, receipt_check
from bookings.services.reports import MAX_EXPENSES, CheckInInput, ExpenseInput
from expertbank.fields import FiniteDecimalField, IdMultipleChoiceField

DECIMAL_INPUT = {"inputmode": "decimal", "autocomplete": "off"}


def _hours_field(*, label, maximum: Decimal, too_many, required=True, help_text=""):
    return FiniteDecimalField(
        label=label,
        min_value=Decimal("0"),
        max_value=maximum,
        max_digits=5,
        decimal_places=2,
        localize=True,
        required=required,
        help_text=help_text,
        widget=forms.TextInput(attrs=DECIMAL_INPUT),
        error_messages={
            "required": _("Write the hours, e.g. 2,5."),
            "invalid": _("Write the hours as a number, e.g. 2,5."),
            "min_value": _("Hours cannot be negative."),
            "max_value": too_many,
            "max_decimal_places": _("Use at most two decimals, e.g. 1,25."),
            "max_digits": too_many,
            "max_whole_digits": too_many,
        },
    )


class ReportForm(forms.Form):
    """Hours, preparation, driving and notes of one gig."""

    hours = _hours_field(
        label=_("Hours at the gig"),
        maximum=MAX_HOURS,
        too_many=_("A gig can last at most 24 hours. Check the hours."),
        help_text=_("How long the gig really took, e.g. 1,5."),
    )
    preparation_hours = _hours_field(
        label=_("Hours of preparation"),
        maximum=MAX_PREPARATION_HOURS,
        too_many=_("Preparation can be at most 40 hours. Check the hours."),
        required=False,
        help_text=_("Time you used to get ready. Leave empty if none."),
    )
    km = forms.IntegerField(
        label=_("Kilometres driven with your own car"),
        min_value=0,
        max_value=MAX_KM,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        help_text=_("There and back together. Leave empty if you did not drive."),
        error_messages={
            "invalid": _("Write the kilometres as a whole number, e.g. 24."),
            "min_value": _("Kilometres cannot be negative."),
            "max_value": _("That is more than 2000 km. Check the kilometres."),
        },
    )
    km_from = forms.CharField(
        label=_("Where did you drive from?"),
        max_length=200,
        required=False,
        help_text=_("For example: home, Tikkurila."),
    )
    fee_declined = forms.BooleanField(
        label=_("I do not want a fee for this gig"),
        required=False,
        help_text=_("Your travel and other expenses are paid anyway."),
    )
    notes = forms.CharField(
        label=_("Anything the coordinator should know about the gig"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    remove_expenses = IdMultipleChoiceField(
        label=_("Remove these expenses"),
        queryset=Expense.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, report: GigReport | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if report is not None and report.pk:
            self.fields["remove_expenses"].queryset = report.expenses.all()
        else:
            del self.fields["remove_expenses"]

    def clean_preparation_hours(self):
        return self.cleaned_data.get("preparation_hours") or Decimal("0")

    def clean_km(self):
        return self.cleaned_data.get("km") or 0

    def clean(self):
        data = super().clean()
        if data.get("km") and not (data.get("km_from") or "").strip():
            self.add_error("km_from", _("Say where you drove from."))
        return data


class ExpenseForm(forms.Form):
    """One expense other than driving, with its receipt."""

    description = forms.CharField(
        label=_("What was it?"),
        max_length=200,
        help_text=_("For example: bus ticket, parking."),
        error_messages={"required": _("Say what the expense was for.")},
    )
    amount = FiniteDecimalField(
        label=_("Amount (€)"),
        min_value=Decimal("0.01"),
        max_value=MAX_EXPENSE,
        max_digits=12,
        decimal_places=2,
        localize=True,
        widget=forms.TextInput(attrs=DECIMAL_INPUT),
        error_messages={
            "required": _("Write the amount, e.g. 3,20."),
            "invalid": _("Write the amount as a number, e.g. 3,20."),
            "min_value": _("The amount must be more than zero."),
            "max_value": _("An expense can be at most 5000 €. Check the amount."),
            "max_decimal_places": _("Use at most two decimals (cents)."),
            "max_digits": _("An expense can be at most 5000 €. Check the amount."),
            "max_whole_digits": _("An expense can be at most 5000 €. Check the amount."),
        },
    )
    receipt = forms.FileField(
        label=_("Receipt"),
        help_text=_("A photo or a PDF, at most 5 MB."),
        widget=forms.ClearableFileInput(
            attrs={"accept": "application/pdf,image/jpeg,image/png,image/heic,.heic"}
        ),
        error_messages={
            "required": _("Add the receipt (a photo or a PDF)."),
            "empty": _("The file is empty. Choose the receipt again."),
        },
    )

    def clean_receipt(self):
        upload = self.cleaned_data["receipt"]
        try:
            receipt_check(upload)
        except ReceiptError as exc:
            raise forms.ValidationError(str(exc), code="receipt") from exc
        return upload

    def to_input(self) -> ExpenseInput:
        data = self.cleaned_data
        return ExpenseInput(
            description=data["description"], amount=data["amount"], receipt=data["receipt"]
        )


class BaseExpenseFormSet(forms.BaseFormSet):
    def inputs(self) -> list[ExpenseInput]:
        """The filled-in rows of a valid formset (empty extra rows are skipped)."""
        return [form.to_input() for form in self.forms if form.has_changed()]


ExpenseFormSet = forms.formset_factory(
    ExpenseForm,
    formset=BaseExpenseFormSet,
    extra=3,
    max_num=MAX_EXPENSES,
    absolute_max=MAX_EXPENSES,
    validate_max=True,
)


class CheckInForm(forms.Form):
    """How the expert is after the gig. Only coordinators read it."""

    feeling = forms.TypedChoiceField(
        label=_("How are you after this gig?"),
        choices=[("", _("I'd rather not say")), *CheckIn.Feeling.choices],
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    wants_debrief = forms.BooleanField(
        label=_("Yes, I would like to talk it over with a coordinator (a debrief)"),
        required=False,
    )
    message = forms.CharField(
        label=_("Anything else you want to tell the coordinator"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def to_input(self) -> CheckInInput:
        data = self.cleaned_data
        return CheckInInput(
            feeling=data.get("feeling"),
            wants_debrief=bool(data.get("wants_debrief")),
            message=data.get("message") or "",
        )


class ReturnForm(forms.Form):
    note = forms.CharField(
        label=_("What should the expert fix?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The expert gets this by e-mail with a link to the report."),
        error_messages={"required": _("Tell the expert what to fix.")},
    )


class ArrangeForm(forms.Form):
    note = forms.CharField(
        label=pgettext_lazy("debrief", "How was it arranged?"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: phoned on 24.11., meeting on Friday. Only coordinators see it."),
    )


class WriteOffForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the gig will not be paid"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )
