"""Forms of the standing customer panels: the panel, the public application, a meeting, the
attendance list, minutes and a change made because of the panel."""

from __future__ import annotations

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from bookings.models import Panel, PanelMeeting
from bookings.services.panels import Criterion, criteria_of
from expertbank.fields import HorizonDateField, HorizonDateTimeField, IdChoiceField
from experts.models import PrivacyNotice

DATE_WIDGET = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
DATETIME_WIDGET = forms.DateTimeInput(format="%Y-%m-%dT%H:%M", attrs={"type": "datetime-local"})
validate_phone = RegexValidator(
    r"^\+?[0-9 ()-]{5,40}$", _("Write the phone number with digits, e.g. 040 123 4567.")
)


def criteria_text(panel: Panel | None) -> str:
    """The criteria as the form shows them: one a line, "Name: option; option; option"."""
    if panel is None:
        return ""
    return "\n".join(f"{c.label}: {'; '.join(c.options)}" for c in criteria_of(panel))


class PanelForm(forms.Form):
    name_fi = forms.CharField(label=_("Name in Finnish"), max_length=200)
    name_sv = forms.CharField(label=_("Name in Swedish"), max_length=200, required=False)
    name_en = forms.CharField(label=_("Name in English"), max_length=200, required=False)
    purpose = forms.CharField(
        label=_("Purpose"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the panel is for: shown on the application page and to the members."),
    )
    term_start = HorizonDateField(label=_("Term starts"), widget=DATE_WIDGET)
    term_end = HorizonDateField(label=_("Term ends"), widget=DATE_WIDGET)
    meetings_per_year = forms.IntegerField(label=_("Meetings a year"), min_value=4, max_value=6)
    place = forms.CharField(label=_("Meeting place"), max_length=300)
    criteria = forms.CharField(
        label=_("The mix you want"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "One criterion a line: its name, a colon and the options separated by semicolons, "
            "e.g. “Age group: 18–29; 30–49; 50 or over”. Applicants choose one option of each."
        ),
    )
    call_open = forms.BooleanField(label=_("Open call: take applications now"), required=False)

    def clean_criteria(self) -> list[Criterion]:
        result = []
        for line in self.cleaned_data["criteria"].splitlines():
            if not line.strip():
                continue
            label, colon, options = line.partition(":")
            if not colon:
                raise forms.ValidationError(
                    _("Write each criterion as “Name: option; option”: a colon is missing.")
                )
            result.append(Criterion(label.strip(), tuple(options.split(";"))))
        return result

    def clean(self):
        data = super().clean()
        start, end = data.get("term_start"), data.get("term_end")
        if start and end and end <= start:
            self.add_error("term_end", _("The term must end after it starts."))
        return data


class CriteriaAnswersMixin:
    """One choice field per mix criterion of the panel, named ``mix_<n>``."""

    def add_criteria(self, panel: Panel) -> None:
        self.criteria = criteria_of(panel)
        for index, criterion in enumerate(self.criteria):
            self.fields[f"mix_{index}"] = forms.ChoiceField(
                label=criterion.label,
                choices=[(o, o) for o in criterion.options],
                widget=forms.RadioSelect,
                error_messages={
                    "required": _("Choose one option."),
                    "invalid_choice": _("Choose one of the options shown."),
                },
            )

    def answers(self) -> dict[str, str]:
        return {c.label: self.cleaned_data[f"mix_{i}"] for i, c in enumerate(self.criteria)}


class PanelApplicationForm(CriteriaAnswersMixin, forms.Form):
    """The public application. ``website`` is a trap for robots: people never see it."""

    full_name = forms.CharField(
        label=_("Your name"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    email = forms.EmailField(
        label=_("E-mail address"),
        help_text=_("We tell you our decision at this address."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(
        label=_("Phone number"),
        max_length=40,
        required=False,
        validators=[validate_phone],
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    why = forms.CharField(
        label=_("Why would you like to join the panel?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("A few sentences are enough. Tell only what you want to tell."),
    )
    consent = forms.BooleanField(
        label=_("I consent to the processing of my data as described in the privacy notice."),
        error_messages={
            "required": _("We can process your application only with your consent. Tick the box.")
        },
    )
    website = forms.CharField(label=_("Leave this field empty"), required=False)

    def __init__(self, *args, panel: Panel, notice: PrivacyNotice, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_criteria(panel)
        # The mix questions come right after the contact details.
        order = ["full_name", "email", "phone", *(f"mix_{i}" for i in range(len(self.criteria)))]
        self.order_fields([*order, "why", "consent", "website"])
        self.fields["consent"].help_text = _(
            "Privacy notice version %(version)s. Your application is seen by the panel's "
            "organiser and the bank's coordinators."
        ) % {"version": notice.version}
        self.fields["website"].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})

    @property
    def is_robot(self) -> bool:
        return bool(self.data.get("website"))


class MemberAddForm(CriteriaAnswersMixin, forms.Form):
    """A coordinator adds an expert of the pool (a certified expert keeps their role)."""

    expert = IdChoiceField(label=_("Expert"), queryset=None)

    def __init__(self, *args, panel: Panel, experts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expert"].queryset = experts
        self.add_criteria(panel)


class MeetingForm(forms.Form):
    start = HorizonDateTimeField(label=_("Starts"), widget=DATETIME_WIDGET)
    end = HorizonDateTimeField(label=_("Ends"), widget=DATETIME_WIDGET)
    topic = forms.CharField(label=_("Topic"), max_length=300, required=False)
    place = forms.CharField(
        label=_("Place"),
        max_length=300,
        required=False,
        help_text=_("Only if not the panel's usual place."),
    )

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] <= data["start"]:
            self.add_error("end", _("The meeting must end after it starts."))
        return data


class AttendanceForm(forms.Form):
    """Tick the members who came."""

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attended"] = forms.MultipleChoiceField(
            label=_("Who came"),
            required=False,
            widget=forms.CheckboxSelectMultiple,
            choices=[(str(m.pk), m.expert.name) for m in members],
        )

    def attended(self) -> set[int]:
        return {int(pk) for pk in self.cleaned_data["attended"]}


class MinutesForm(forms.Form):
    text = forms.CharField(
        label=_("Minutes"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    pdf = forms.FileField(
        label=_("Or attach the minutes as a PDF"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
    )


class ChangeForm(forms.Form):
    day = HorizonDateField(label=_("Date"), widget=DATE_WIDGET)
    change = forms.CharField(
        label=_("What was changed because of the panel"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    meeting = IdChoiceField(
        label=_("After which meeting"), queryset=PanelMeeting.objects.none(), required=False
    )

    def __init__(self, *args, panel: Panel, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = PanelMeeting.objects.filter(panel=panel).select_related(
            "occurrence"
        )
