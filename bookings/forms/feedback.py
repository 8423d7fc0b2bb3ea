"""The unit's feedback on a booking."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

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
