"""Coordinator forms: the whole profile including the sensitive fields, documents, tax cards,
and the import upload."""

from __future__ import annotations

import re
from datetime import date

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout
from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from schwifty import IBAN
from schwifty.exceptions import SchwiftyException

from expertbank.fields import FiniteDecimalField, guarded_formfield
from expertbank.finnish import (
    normalise_iban,
    normalise_personal_identity_code,
    validate_bic,
    validate_iban,
    validate_personal_identity_code,
)
from expertbank.models import User
from expertbank.phones import PhoneField
from experts.models import ExperienceArea, Expert, ExpertDocument, Language, TaxCard, WorkKind
from experts.services.pool import identity_code_duplicate

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

PROFILE_FIELDS = [
    "public_alias",
    "shown_as",
    "municipality",
    "region",
    "languages",
    "areas",
    "work_kinds",
    "remote_ok",
    "travel_radius_km",
    "bio",
]
STATUS_FIELDS = [
    "role",
    "status",
    "certified_on",
    "paired_gigs_required",
    "max_gigs_per_month",
    "rest_days_after_heavy",
]
SENSITIVE_FIELDS = [
    "identity_code",
    "iban",
    "bic",
    "earnings_cap_yearly",
    "earnings_cap_monthly",
    "expenses_only",
    "notes",
]


class DecimalCommaField(FiniteDecimalField):
    """Takes 976,59 as well as 976.59 or 1 200,50 €, whatever the page's language."""

    widget = forms.TextInput(attrs={"inputmode": "decimal"})

    def to_python(self, value):
        if isinstance(value, str):
            value = re.sub(r"[\s\u00a0€%]", "", value).replace(",", ".")
        return super().to_python(value)


def _format_iban(value: str) -> str:
    compact = (value or "").replace(" ", "")
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))


class ExpertForm(forms.ModelForm):
    """Create or edit an expert. Sensitive values appear in the clear only here."""

    email = forms.EmailField(label=_("E-mail address"))
    full_name = forms.CharField(label=_("Name"), max_length=200)
    phone = PhoneField(label=_("Phone"), required=False)
    language = forms.ChoiceField(
        label=_("Language"), choices=settings.LANGUAGES, initial=settings.LANGUAGE_CODE
    )
    identity_code = forms.CharField(
        label=_("Personal identity code"),
        max_length=20,
        required=False,
        validators=[validate_personal_identity_code],
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    iban = forms.CharField(
        label=_("IBAN"),
        max_length=42,
        required=False,
        validators=[validate_iban],
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    bic = forms.CharField(
        label=_("BIC"),
        max_length=11,
        required=False,
        help_text=_("Filled in from a Finnish IBAN when left empty."),
    )
    send_invitation = forms.BooleanField(
        label=_("Send an invitation e-mail now"),
        required=False,
        initial=True,
        help_text=_("The expert gets a link to choose a password and log in."),
    )

    def clean_role(self):
        return self.cleaned_data.get("role") or Expert.Role.EXPERT

    def clean_paired_gigs_required(self):
        return self.cleaned_data.get("paired_gigs_required") or 0

    class Meta:
        model = Expert
        formfield_callback = guarded_formfield
        fields = [*PROFILE_FIELDS, *STATUS_FIELDS, *SENSITIVE_FIELDS]
        widgets = {
            "shown_as": forms.RadioSelect,
            "languages": forms.CheckboxSelectMultiple,
            "areas": forms.CheckboxSelectMultiple,
            "work_kinds": forms.CheckboxSelectMultiple,
            "bio": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 3}),
            "certified_on": DATE,
        }
        field_classes = {
            "earnings_cap_yearly": DecimalCommaField,
            "earnings_cap_monthly": DecimalCommaField,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Left out of a post (an older form, an import): no pairs, as the model's default.
        self.fields["paired_gigs_required"].required = False
        if "role" in self.fields:
            self.fields["role"].required = False
        self.creating = self.instance.pk is None
        self.fields["languages"].queryset = Language.objects.filter(active=True)
        self.fields["areas"].queryset = ExperienceArea.objects.filter(active=True)
        self.fields["work_kinds"].queryset = WorkKind.objects.filter(active=True)
        if self.creating:
            account = ["email", "full_name", "phone", "language", "send_invitation"]
        else:
            user = self.instance.user
            del self.fields["email"], self.fields["send_invitation"]
            self.initial.update(
                {
                    "full_name": user.full_name,
                    "phone": user.phone,
                    "language": user.language,
                    "iban": _format_iban(self.instance.iban),
                }
            )
            account = ["full_name", "phone", "language"]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset(_("Account"), *account),
            Fieldset(_("Profile"), *PROFILE_FIELDS),
            Fieldset(_("Status and limits"), *STATUS_FIELDS),
            Fieldset(_("Sensitive information (coordinators only)"), *SENSITIVE_FIELDS),
        )

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                _("%(email)s already has an account in the bank.") % {"email": email}
            )
        return email

    def clean_identity_code(self) -> str:
        value = self.cleaned_data["identity_code"].strip()
        if not value:
            return ""
        value = normalise_personal_identity_code(value)
        duplicate = identity_code_duplicate(value, exclude=self.instance)
        if duplicate is not None:
            raise forms.ValidationError(
                _("This personal identity code already belongs to %(name)s.")
                % {"name": duplicate.name}
            )
        return value

    def clean_iban(self) -> str:
        value = self.cleaned_data["iban"].strip()
        return normalise_iban(value) if value else ""

    def clean_bic(self) -> str:
        value = self.cleaned_data["bic"].replace(" ", "").upper()
        if value:
            validate_bic(value)
        return value

    def clean_certified_on(self) -> date | None:
        value = self.cleaned_data["certified_on"]
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("The date of certification cannot be in the future."))
        return value

    def clean(self):
        data = super().clean()
        if data.get("iban") and not data.get("bic") and "bic" not in self.errors:
            try:
                bic = IBAN(data["iban"]).bic
            except SchwiftyException:
                bic = None
            data["bic"] = str(bic) if bic else ""
        if (
            data.get("shown_as") == Expert.ShownAs.ALIAS
            and not data.get("public_alias", "").strip()
        ):
            self.add_error("public_alias", _("Write an alias, or choose the real name."))
        return data

    def service_values(self) -> dict:
        """The cleaned values as the expert services take them."""
        data = dict(self.cleaned_data)
        data.pop("send_invitation", None)
        data.pop("email", None)
        return data


class DocumentForm(forms.ModelForm):
    class Meta:
        model = ExpertDocument
        formfield_callback = guarded_formfield
        fields = ["kind", "dated", "valid_until", "note"]
        widgets = {"dated": DATE, "valid_until": DATE}
        help_texts = {
            "valid_until": _(
                "A criminal-record extract is valid as long as the law or your bank's rule says."
            ),
        }

    def clean(self):
        data = super().clean()
        dated, until = data.get("dated"), data.get("valid_until")
        if dated and dated > timezone.localdate():
            self.add_error("dated", _("The date of a document cannot be in the future."))
        if dated and until and until < dated:
            self.add_error("valid_until", _("A document cannot expire before its date."))
        return data


class TaxCardForm(forms.ModelForm):
    class Meta:
        model = TaxCard
        formfield_callback = guarded_formfield
        fields = [
            "kind",
            "valid_from",
            "valid_until",
            "base_rate",
            "additional_rate",
            "income_limit",
            "income_limit_feb_dec",
            "prepayment_register",
        ]
        widgets = {"valid_from": DATE, "valid_until": DATE}
        field_classes = {
            "base_rate": DecimalCommaField,
            "additional_rate": DecimalCommaField,
            "income_limit": DecimalCommaField,
            "income_limit_feb_dec": DecimalCommaField,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        # Tax cards run from 1 February to 31 January.
        start_year = today.year if today.month >= 2 else today.year - 1
        self.initial.setdefault("valid_from", date(start_year, 2, 1))
        self.initial.setdefault("valid_until", date(start_year + 1, 1, 31))

    def clean(self):
        data = super().clean()
        start, end = data.get("valid_from"), data.get("valid_until")
        if start and end and end < start:
            self.add_error("valid_until", _("A tax card cannot end before it starts."))
        if data.get("base_rate") is None and not data.get("prepayment_register"):
            self.add_error(
                "base_rate",
                _(
                    "Enter the base withholding rate, or mark the expert as in the prepayment "
                    "register."
                ),
            )
        if (
            data.get("base_rate") is not None
            and data.get("income_limit") is not None
            and data.get("additional_rate") is None
        ):
            self.add_error(
                "additional_rate", _("A tax card with an income limit needs the additional rate.")
            )
        return data


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("File of experts"),
        help_text=_("A CSV file or an Excel workbook (.xlsx) made from the template."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )
