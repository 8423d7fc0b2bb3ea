"""Forms of the invoicing pages: a month to invoice, a credit note, a bank file, an allocation."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bookings.selectors.earnings import Period
from expertbank.fields import HorizonDateField, IdMultipleChoiceField
from invoicing.models import Invoice, InvoiceLine
from invoicing.selectors import month, previous_month
from invoicing.services.payments import MAX_FILE_BYTES


class MonthForm(forms.Form):
    month = HorizonDateField(
        label=_("Month"),
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        error_messages={"invalid": _("Give the month as YYYY-MM, for example 2026-11.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["month"].initial = previous_month().start

    def clean_month(self) -> date:
        value = self.cleaned_data["month"]
        if not 2000 <= value.year <= timezone.localdate().year + 1:
            raise forms.ValidationError(
                _("Choose a month of this century, not %(year)s."), params={"year": value.year}
            )
        return value

    @property
    def period(self) -> Period:
        value = self.cleaned_data["month"]
        return month(value.year, value.month)


class CreditForm(forms.Form):
    lines = IdMultipleChoiceField(
        label=_("Lines to credit (none ticked: the whole invoice)"),
        queryset=InvoiceLine.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    reason = forms.CharField(
        label=_("Why the invoice is credited"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )

    def __init__(self, *args, invoice: Invoice, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["lines"]
        field.queryset = invoice.lines.filter(billing=True).order_by("position")
        field.label_from_instance = lambda line: (
            f"{line.date:%d.%m.%Y} {line.description} {line.expert_name} — {line.gross} €"
        )


class BankFileForm(forms.Form):
    file = forms.FileField(
        label=_("The bank's camt.054 file (XML)"),
        help_text=_("The notification of incoming reference payments from your bank."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(_("The file is larger than 10 MB."))
        return upload


class AllocateForm(forms.Form):
    number = forms.CharField(label=_("Invoice number"), max_length=20)
    note = forms.CharField(label=_("Note"), max_length=2000, required=False)

    def clean_number(self) -> Invoice:
        number = self.cleaned_data["number"].strip()
        invoice = (
            Invoice.objects.filter(number=number, kind=Invoice.Kind.INVOICE)
            .exclude(status=Invoice.Status.DRAFT)
            .first()
        )
        if invoice is None:
            raise forms.ValidationError(
                _("No issued invoice has the number %(number)s."), params={"number": number}
            )
        return invoice
