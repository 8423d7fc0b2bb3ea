from django import forms
from django.conf import settings
from django.contrib.auth.forms import SetPasswordForm
from django.utils.translation import gettext_lazy as _

from expertbank.roles import GROUP_ROLES, Role


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    full_name = forms.CharField(label=_("Name"), max_length=200)
    language = forms.ChoiceField(
        label=_("Language of the invitation"), choices=settings.LANGUAGES, initial="fi"
    )
    role = forms.ChoiceField(
        label=_("Role"),
        required=False,
        choices=[("", _("No staff role (expert or unit member, added later)"))]
        + [(role.value, role.label) for role in GROUP_ROLES],
        help_text=_("Coordinators can use every page and the administration."),
    )

    def clean_role(self) -> Role | None:
        value = self.cleaned_data["role"]
        return Role(value) if value else None


class InvitationPasswordForm(SetPasswordForm):
    """Set the first password of an invited person."""
