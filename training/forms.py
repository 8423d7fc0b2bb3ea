from __future__ import annotations

from django import forms
from django.core.validators import RegexValidator
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from expertbank.fields import (
    HorizonDateTimeField,
    IdChoiceField,
    IdMultipleChoiceField,
    guarded_formfield,
)
from experts.models import ExperienceArea, Expert, PrivacyNotice
from training.models import Application, Attendance, Cohort, Enrollment, Session
from training.services import TrainingError, cohort_capacity_check

DATETIME_WIDGET = forms.DateTimeInput(format="%Y-%m-%dT%H:%M", attrs={"type": "datetime-local"})

validate_phone = RegexValidator(
    r"^\+?[0-9][0-9 ()-]{5,24}$", _("Enter a phone number, for example 040 123 4567.")
)


class CohortChoiceField(IdChoiceField):
    def label_from_instance(self, cohort: Cohort) -> str:
        dates = formats.date_format(cohort.starts_on, "SHORT_DATE_FORMAT")
        if cohort.ends_on:
            dates += "–" + formats.date_format(cohort.ends_on, "SHORT_DATE_FORMAT")
        place = f", {cohort.place}" if cohort.place else ""
        return f"{cohort.programme.name}: {cohort.local_name} ({dates}{place})"


class ApplicationForm(forms.Form):
    """The public application form. ``website`` is a trap for robots: people never see it."""

    cohort = CohortChoiceField(
        label=_("Training you apply to"),
        queryset=Cohort.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
    )
    full_name = forms.CharField(
        label=_("Your name"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("E-mail address"),
        help_text=_("We send a confirmation and our decision to this address."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(
        label=_("Phone number"),
        max_length=40,
        validators=[validate_phone],
        help_text=_("We call you to agree on an interview."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    municipality = forms.CharField(label=_("Municipality where you live"), max_length=100)
    areas = IdMultipleChoiceField(
        label=_("Areas of your lived experience"),
        queryset=ExperienceArea.objects.filter(active=True),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_(
            "Choose the areas you could tell others about. You can also leave this empty and "
            "tell us in the interview."
        ),
    )
    motivation = forms.CharField(
        label=_("Why do you want to become an experience expert?"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("A few sentences are enough. Tell only what you want to tell."),
    )
    availability = forms.ChoiceField(
        label=_("Can you attend the training dates?"),
        choices=Application.Availability.choices,
        widget=forms.RadioSelect,
    )
    availability_note = forms.CharField(
        label=_("Dates you cannot attend"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    consent = forms.BooleanField(
        label=_("I consent to the processing of my data as described in the privacy notice."),
        error_messages={
            "required": _("We can process your application only with your consent. Tick the box.")
        },
    )
    website = forms.CharField(label=_("Leave this field empty"), required=False)

    def __init__(self, *args, cohorts, notice: PrivacyNotice, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cohort"].queryset = cohorts
        self.notice = notice
        self.fields["consent"].help_text = _(
            "Privacy notice version %(version)s. Your application, including the areas of your "
            "lived experience, is seen only by the bank's coordinators."
        ) % {"version": notice.version}
        self.fields["website"].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})

    @property
    def is_robot(self) -> bool:
        return bool(self.data.get("website"))


class InterviewForm(forms.Form):
    interview_at = HorizonDateTimeField(
        label=_("Interview time"), required=False, widget=DATETIME_WIDGET
    )
    notes = forms.CharField(
        label=_("Interview notes"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Seen by coordinators only and stored encrypted."),
    )


class DecisionForm(forms.Form):
    ACCEPT, REJECT, WITHDRAW = "accept", "reject", "withdraw"

    decision = forms.ChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        choices=[
            (ACCEPT, _("Accept to the training (creates the expert and sends an invitation)")),
            (REJECT, _("Do not accept (the applicant gets a kind message)")),
            (WITHDRAW, _("The applicant withdrew (no message is sent)")),
        ],
    )
    message = forms.CharField(
        label=_("Personal note to the applicant"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Added to the e-mail in the applicant's language. Optional."),
    )


class ApplicationFilterForm(forms.Form):
    WAITING = "waiting"

    cohort = IdChoiceField(
        label=_("Cohort"),
        queryset=Cohort.objects.exclude(programme__kind="supervision"),
        required=False,
        empty_label=_("All cohorts"),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("All")),
            (WAITING, _("Waiting for a decision")),
            *Application.Status.choices,
        ],
    )


DATE_WIDGET = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


class CohortForm(forms.ModelForm):
    """A cohort's programme, names, dates, trainers and applications (the coordinator's page).

    Once people take part, the programme stays (its completion rule is theirs) and the capacity
    never drops below them."""

    class Meta:
        model = Cohort
        formfield_callback = guarded_formfield
        fields = [
            "programme",
            "name",
            "name_sv",
            "name_en",
            "starts_on",
            "ends_on",
            "place",
            "description",
            "description_sv",
            "description_en",
            "trainers",
            "capacity",
            "open_for_applications",
            "application_deadline",
        ]
        widgets = {
            "starts_on": DATE_WIDGET,
            "ends_on": DATE_WIDGET,
            "application_deadline": DATE_WIDGET,
            "description": forms.Textarea(attrs={"rows": 3}),
            "description_sv": forms.Textarea(attrs={"rows": 3}),
            "description_en": forms.Textarea(attrs={"rows": 3}),
            "trainers": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["trainers"].queryset = self.fields["trainers"].queryset.order_by(
            "full_name", "pk"
        )
        if self.instance.pk and self.instance.enrollments.exists():
            self.fields["programme"].disabled = True
            self.fields["programme"].help_text = _(
                "People take part in this cohort: its programme and completion rule stay."
            )

    def clean_capacity(self) -> int:
        capacity = self.cleaned_data["capacity"]
        if self.instance.pk:
            try:
                cohort_capacity_check(cohort=self.instance, capacity=capacity)
            except TrainingError as exc:
                raise forms.ValidationError(str(exc)) from exc
        return capacity

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_on"), data.get("ends_on")
        deadline = data.get("application_deadline")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The cohort cannot end before it starts."))
        if starts and deadline and deadline > starts:
            self.add_error(
                "application_deadline", _("The application deadline must be before the start.")
            )
        return data


class SessionForm(forms.ModelForm):
    remote_link = forms.URLField(label=_("remote link"), required=False, assume_scheme="https")

    class Meta:
        model = Session
        formfield_callback = guarded_formfield
        fields = ["topic", "starts_at", "ends_at", "place", "remote_link", "cancelled"]
        widgets = {"starts_at": DATETIME_WIDGET, "ends_at": DATETIME_WIDGET}

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The session must end after it starts."))
        if not data.get("place") and not data.get("remote_link"):
            self.add_error("place", _("Give a place or a remote link (or both)."))
        return data


class AttendanceForm(forms.Form):
    """One present / absent / excused choice per participant; unchosen ones stay unmarked."""

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            self.fields[f"e{row.enrollment.pk}"] = forms.ChoiceField(
                label=row.enrollment.expert.name,
                choices=Attendance.Status.choices,
                required=False,
                widget=forms.RadioSelect,
                initial=row.status,
            )

    def marks(self, *, everyone_else_present: bool = False) -> dict[int, str]:
        marks = {}
        for name, value in self.cleaned_data.items():
            if value:
                marks[int(name[1:])] = value
            elif everyone_else_present:
                marks[int(name[1:])] = Attendance.Status.PRESENT
        return marks


class ExpertChoiceField(IdMultipleChoiceField):
    def label_from_instance(self, expert: Expert) -> str:
        place = f" ({expert.municipality})" if expert.municipality else ""
        return f"{expert.name}{place}"


class EnrollExpertsForm(forms.Form):
    experts = ExpertChoiceField(
        label=_("Experts to add"),
        queryset=Expert.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 12}),
        help_text=_("Hold Ctrl (or ⌘) to choose several."),
    )

    def __init__(self, *args, cohort: Cohort, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["experts"].queryset = (
            Expert.objects.exclude(status=Expert.Status.RETIRED)
            .exclude(training_enrollments__cohort=cohort)
            .select_related("user")
            .order_by("user__full_name", "pk")
        )


class EnrollmentStatusForm(forms.Form):
    to = forms.ChoiceField(
        label=_("New status"),
        choices=[(s.value, s.label) for s in Enrollment.Status if s != Enrollment.Status.COMPLETED],
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=300)


class YearForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)
