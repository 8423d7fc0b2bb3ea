"""Forms of the expert portal: plain words, one thing per field, big touch targets."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from expertbank.fields import HorizonDateField, guarded_formfield
from expertbank.phones import PhoneField
from experts.models import (
    AvailabilitySlot,
    BookerKind,
    ExperienceArea,
    Expert,
    Language,
    SupportProfile,
    WorkKind,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class ProfileForm(forms.ModelForm):
    """What the expert keeps up to date themselves; nothing sensitive."""

    phone = PhoneField(
        label=_("Phone number"),
        required=False,
        help_text=_("The coordinator may call or text you about gigs."),
    )

    class Meta:
        model = Expert
        formfield_callback = guarded_formfield
        fields = [
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
        labels = {
            "public_alias": _("Your alias"),
            "shown_as": _("Booking units see"),
            "municipality": _("Your home municipality"),
            "region": _("Your region"),
            "languages": _("Languages you can work in"),
            "areas": _("Your experience areas"),
            "work_kinds": _("Work you want to do"),
            "remote_ok": _("I can work remotely"),
            "travel_radius_km": _("How far can you travel? (km)"),
            "bio": _("A few words about you"),
        }
        help_texts = {
            "public_alias": _("A name you choose. Leave empty if you use your real name."),
            "areas": _(
                "Choose what you can talk about. On the privacy page you decide who sees it."
            ),
            "travel_radius_km": _("Leave empty if you do not want to say."),
            "bio": _("Booking units may read this. Tell only what you want everyone to know."),
        }
        widgets = {
            "shown_as": forms.RadioSelect,
            "languages": forms.CheckboxSelectMultiple,
            "areas": forms.CheckboxSelectMultiple,
            "work_kinds": forms.CheckboxSelectMultiple,
            "bio": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phone"].initial = self.instance.user.phone
        self.fields["languages"].queryset = Language.objects.filter(active=True)
        self.fields["areas"].queryset = ExperienceArea.objects.filter(active=True)
        self.fields["work_kinds"].queryset = WorkKind.objects.filter(active=True)
        self.order_fields([*self.Meta.fields[:4], "phone", *self.Meta.fields[4:]])

    def clean(self):
        data = super().clean()
        if (
            data.get("shown_as") == Expert.ShownAs.ALIAS
            and not data.get("public_alias", "").strip()
        ):
            self.add_error(
                "public_alias", _("Write an alias, or choose that booking units see your name.")
            )
        return data


class SlotForm(forms.Form):
    weekday = forms.TypedChoiceField(
        label=_("Day"), choices=AvailabilitySlot.Weekday.choices, coerce=int
    )
    start = forms.TimeField(label=_("From"), widget=TIME)
    end = forms.TimeField(label=_("Until"), widget=TIME)

    def __init__(self, *args, **kwargs):
        # One page holds this form and BlackoutForm, both with start and end: ids of their own,
        # so that each label names its own field (the field names stay as they are).
        kwargs.setdefault("auto_id", "id_slot_%s")
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] <= data["start"]:
            self.add_error("end", _("The end must be after the start."))
        return data


class BlackoutForm(forms.Form):
    start = HorizonDateField(label=_("First day"), widget=DATE)
    end = HorizonDateField(label=_("Last day"), widget=DATE)
    note = forms.CharField(
        label=_("Note (not required)"),
        max_length=200,
        required=False,
        help_text=_("You do not have to give a reason."),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_blackout_%s")  # see SlotForm
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("The last day cannot be before the first day."))
        return data


class LimitsForm(forms.ModelForm):
    class Meta:
        model = Expert
        formfield_callback = guarded_formfield
        fields = ["max_gigs_per_month", "rest_days_after_heavy"]
        labels = {
            "max_gigs_per_month": _("At most this many gigs a month"),
            "rest_days_after_heavy": _("Rest days after a heavy gig"),
        }
        help_texts = {
            "max_gigs_per_month": _("Leave empty if you have no limit."),
            "rest_days_after_heavy": _(
                "Some topics take strength. We will not offer you a gig on these days after one."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["max_gigs_per_month"].min_value = 1
        self.fields["max_gigs_per_month"].widget.attrs["min"] = 1


class DisclosureForm(forms.Form):
    """Alias or real name, and a tick for each own area × kind of booker allowed to see it."""

    shown_as = forms.ChoiceField(
        label=_("Booking units see"), choices=Expert.ShownAs.choices, widget=forms.RadioSelect
    )

    def __init__(self, *args, expert: Expert, shown: set[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.expert = expert
        self.fields["shown_as"].initial = expert.shown_as
        self.areas = list(expert.areas.all())
        for area in self.areas:
            for kind in BookerKind:
                self.fields[self.field_name(area.pk, kind.value)] = forms.BooleanField(
                    label=f"{area.name}: {kind.label}",
                    required=False,
                    initial=(area.pk, kind.value) in shown,
                    widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
                )

    @staticmethod
    def field_name(area_id: int, kind: str) -> str:
        return f"show_{area_id}_{kind}"

    def grid(self) -> list[tuple[ExperienceArea, list]]:
        """Per area: (kind of booker, its checkbox)."""
        return [
            (
                area,
                [(kind.label, self[self.field_name(area.pk, kind.value)]) for kind in BookerKind],
            )
            for area in self.areas
        ]

    def clean_shown_as(self) -> str:
        value = self.cleaned_data["shown_as"]
        if value == Expert.ShownAs.ALIAS and not self.expert.public_alias.strip():
            raise forms.ValidationError(
                _("You have no alias yet. Write one on your profile page first.")
            )
        return value

    def pairs(self) -> list[tuple[int, str]]:
        return [
            (area.pk, kind.value)
            for area in self.areas
            for kind in BookerKind
            if self.cleaned_data.get(self.field_name(area.pk, kind.value))
        ]


class SupportProfileForm(forms.ModelForm):
    """The expert's access and support needs, and a tick for each the booking unit may see."""

    shared_with_unit = forms.MultipleChoiceField(
        label=_("The booking unit may see"),
        choices=SupportProfile.Item.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Everything you do not tick here stays between you and the coordinators."),
    )

    class Meta:
        model = SupportProfile
        formfield_callback = guarded_formfield
        fields = [
            "companion",
            "interpreter",
            "quiet_room",
            "questions_in_advance",
            "max_minutes",
            "no_evenings",
            "step_free",
            "other",
            "shared_with_unit",
        ]
        widgets = {"other": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "companion": _(
                "The companion is paid a fee per hour. If the price list bills the unit for "
                "the companion, the unit sees on its bill that a companion comes."
            ),
            "interpreter": _(
                "If the price list bills the unit for the interpreter, the unit sees on its "
                "bill that an interpreter comes."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["max_minutes"].min_value = 15
        self.fields["max_minutes"].max_value = 720
