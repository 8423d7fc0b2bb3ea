"""The gig report in plain language (issue 17), one question a step: hours, then kilometres,
then a receipt. Each step is the normal report's own form (``ReportForm``, ``ExpenseForm``)
with only that step's fields, so the checks and the error messages are the same; only the
labels are plain."""

from __future__ import annotations

from django import forms
from django.utils.translation import pgettext_lazy

from bookings.forms.after import ExpenseForm, ReportForm

STEPS = (1, 2, 3)

# The step's fields of ReportForm, with their plain labels and help texts.
REPORT_STEP_FIELDS = {
    1: {
        "hours": (
            pgettext_lazy("plain", "How many hours did the gig take?"),
            pgettext_lazy("plain", "Write a number, for example 2 or 1,5."),
        ),
    },
    2: {
        "km": (
            pgettext_lazy("plain", "How many kilometres did you drive with your own car?"),
            pgettext_lazy("plain", "There and back together. Leave it empty if you did not drive."),
        ),
        "km_from": (
            pgettext_lazy("plain", "Where did you drive from?"),
            pgettext_lazy("plain", "For example: home, Tikkurila."),
        ),
    },
}


class ReportStepForm(ReportForm):
    """Step 1 (hours) or 2 (kilometres and where from) of the plain report."""

    def __init__(self, *args, step: int, **kwargs):
        super().__init__(*args, **kwargs)
        fields = REPORT_STEP_FIELDS[step]
        for name in list(self.fields):
            if name not in fields:
                del self.fields[name]
        for name, (label, help_text) in fields.items():
            self.fields[name].label = label
            self.fields[name].help_text = help_text


class ReceiptStepForm(ExpenseForm):
    """Step 3: one ticket or parking receipt, or none ("no_receipt")."""

    # Posted by the "I have no receipt" button.
    no_receipt = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["description"].label = pgettext_lazy("plain", "What did you pay for?")
        self.fields["description"].help_text = pgettext_lazy(
            "plain", "For example: bus ticket, parking."
        )
        self.fields["amount"].label = pgettext_lazy("plain", "How much did it cost (€)?")
        self.fields["receipt"].label = pgettext_lazy("plain", "Photo of the receipt")
        self.fields["receipt"].help_text = pgettext_lazy(
            "plain", "Take a photo of the receipt with your phone."
        )
        if self.data.get(self.add_prefix("no_receipt")):
            # "I have no receipt": whatever else was typed is not an expense.
            for name in ("description", "amount", "receipt"):
                del self.fields[name]

    def expenses(self) -> list:
        """The expense to send with the report: [] when the expert had no receipt."""
        if "receipt" not in self.fields:
            return []
        return [self.to_input()]
