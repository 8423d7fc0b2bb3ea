"""The coordinator's confirmation of an erasure."""

from django import forms
from django.utils.translation import gettext_lazy as _


class ErasureForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I understand that the expert's personal data is erased for good."),
        error_messages={"required": _("Tick the box to confirm the erasure.")},
    )
