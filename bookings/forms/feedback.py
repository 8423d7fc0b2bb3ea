"""The unit's feedback on a booking."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from bookings.models import ImpactAnswer

RATINGS = [
    (5, _("5 – excellent")),
    (4, _("4 – good")),
    (3, _("3 – fair")),
    (2, _("2 – weak")),
    (1, _("1 – poor")),
]


class FeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How did it go?"),
        choices=RATINGS,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a rating from 1 to 5.")},
    )
    text = forms.CharField(
        label=_("Your feedback"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "The coordinator reads it first and then shows it to the experts who were with you."
        ),
    )


class ImpactAnswerForm(forms.Form):
    change = forms.ChoiceField(
        label=_("In short"),
        required=False,
        widget=forms.RadioSelect,
        help_text=_("Optional: pick the one that fits best."),
    )
    text = forms.CharField(
        label=_("What changed because of it?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": _("Tell us in a few words what changed (or that nothing did yet).")
        },
    )
    share_with_experts = forms.BooleanField(
        label=_("The experts who were with us may read this answer on their own record"),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["change"].choices = [("", _("No choice")), *ImpactAnswer.Change.choices]
