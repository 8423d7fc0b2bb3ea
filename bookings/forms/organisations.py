"""Forms of the coordinator's register: organisations, units, price lists with their dated
versions, and funding sources (``bookings.services.organisations``)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from bookings.models import (
    TERMS_FIELDS,
    FundingSource,
    Organisation,
    PriceList,
    PriceRow,
    Unit,
)
from expertbank.fields import HorizonDateField, IdChoiceField, guarded_formfield
from expertbank.phones import PhoneField
from experts.models import WorkKind

DATE_WIDGET = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        formfield_callback = guarded_formfield
        fields = ["name", "business_id", "kind"]

    def clean_business_id(self) -> str:
        # Typed with spaces or without the hyphen's neighbours trimmed: 0737546-2.
        return self.cleaned_data["business_id"].strip()


class UnitForm(forms.ModelForm):
    """A unit's details; its organisation is chosen when it is made and never changes (moving a
    unit would move its bookings and invoices with it)."""

    contact_phone = PhoneField(label=_("contact phone"), required=False)

    class Meta:
        model = Unit
        formfield_callback = guarded_formfield
        fields = [
            "name",
            "visiting_address",
            "billing_address",
            "e_invoice_address",
            "e_invoice_operator",
            "cost_centre",
            "payment_terms_days",
            "invoice_language",
            "contact_name",
            "contact_email",
            "contact_phone",
        ]
        widgets = {"billing_address": forms.Textarea(attrs={"rows": 3})}


class PriceListForm(forms.ModelForm):
    organisation = IdChoiceField(
        label=_("only for organisation"),
        queryset=Organisation.objects.filter(active=True),
        required=False,
        empty_label=_("Everyone else (the general price list)"),
    )

    class Meta:
        model = PriceList
        formfield_callback = guarded_formfield
        fields = ["name", "organisation", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, organisation_fixed: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.organisation_id:  # a deactivated organisation keeps its own list
            self.fields["organisation"].queryset = Organisation.objects.filter(
                active=True
            ) | Organisation.objects.filter(pk=self.instance.organisation_id)
        if organisation_fixed:
            self.fields["organisation"].disabled = True
            self.fields["organisation"].help_text = _(
                "Bookings took their terms from this price list: its organisation stays."
            )


class PriceVersionForm(forms.Form):
    valid_from = HorizonDateField(label=_("valid from"), widget=DATE_WIDGET)
    note = forms.CharField(
        label=_("Why the prices change"),
        required=False,
        max_length=200,
        help_text=_("Kept in the price list's history."),
    )


class PriceRowForm(forms.ModelForm):
    """One kind of work's terms in a new version; unticked, the kind is not priced by the list
    from the version's date."""

    priced = forms.BooleanField(label=_("Priced in this version"), required=False)

    class Meta:
        model = PriceRow
        formfield_callback = guarded_formfield
        fields = ["priced", *TERMS_FIELDS]

    def __init__(self, *args, work_kind: WorkKind, **kwargs):
        super().__init__(*args, **kwargs)
        self.work_kind = work_kind
        self.fields["priced"].label = work_kind.name

    def full_clean(self):
        if self.is_bound and not self.data.get(self.add_prefix("priced")):
            for field in self.fields.values():
                field.required = False
        super().full_clean()

    def _post_clean(self):
        if self.cleaned_data.get("priced"):
            super()._post_clean()

    def values(self) -> dict[str, object] | None:
        """The terms given for this kind, or ``None`` when it is not priced."""
        if not self.cleaned_data.get("priced"):
            return None
        return {name: self.cleaned_data[name] for name in TERMS_FIELDS}


def price_row_forms(data=None, *, rows_in_force: dict[int, PriceRow]) -> list[PriceRowForm]:
    """A form per active kind of work, prefilled from the row in force (ticked when there is
    one)."""
    made = []
    for work_kind in WorkKind.objects.filter(active=True).order_by("order", "pk"):
        row = rows_in_force.get(work_kind.pk)
        initial = {name: getattr(row, name) for name in TERMS_FIELDS} if row else {}
        initial["priced"] = row is not None
        made.append(
            PriceRowForm(data, prefix=f"k{work_kind.pk}", initial=initial, work_kind=work_kind)
        )
    return made


class FundingSourceForm(forms.ModelForm):
    class Meta:
        model = FundingSource
        formfield_callback = guarded_formfield
        fields = ["name", "code", "funder", "budget", "valid_from", "valid_until", "notes"]
        widgets = {
            "valid_from": DATE_WIDGET,
            "valid_until": DATE_WIDGET,
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def clean(self):
        data = super().clean()
        start, end = data.get("valid_from"), data.get("valid_until")
        if start and end and end < start:
            self.add_error("valid_until", _("The end cannot be before the start."))
        return data
