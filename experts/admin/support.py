"""The experts' access and support profiles in the admin: coordinators see every need and may
set them on an expert's behalf, and name the usual companion (a support person of the pool).
Saved by ``support_profile_set``, which checks and logs the change; never added or deleted
here (a profile is made when the expert first saves theirs)."""

from __future__ import annotations

from django import forms
from django.contrib import admin

from expertbank import guarded_admin
from experts.models import SupportProfile
from experts.services import ExpertError
from experts.services.support import SUPPORT_FIELDS, support_profile_check, support_profile_set_impl


class SupportProfileAdminForm(forms.ModelForm):
    def clean(self):
        data = super().clean()
        values = {name: data[name] for name in self.changed_data if name in data}
        try:
            support_profile_check(values, expert=self.instance.expert)
        except ExpertError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return data


@admin.register(SupportProfile)
class SupportProfileAdmin(guarded_admin.ModelAdmin):
    form = SupportProfileAdminForm
    list_display = ["expert", "companion", "companion_person", "interpreter", "updated_at"]
    list_select_related = ["expert__user", "companion_person__user"]
    list_filter = ["companion", "interpreter"]
    search_fields = ["expert__user__full_name", "expert__public_alias"]
    autocomplete_fields = ["companion_person"]
    readonly_fields = ["expert", "shared_with_unit", "updated_at"]
    fields = ["expert", *SUPPORT_FIELDS, "updated_at"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        """Through the service, so the change is checked and logged like the expert's own."""
        values = {
            name: form.cleaned_data[name]
            for name in form.changed_data
            if name in SUPPORT_FIELDS and name in form.cleaned_data
        }
        if values:
            support_profile_set_impl(expert=obj.expert, by=request.user, **values)
        obj.refresh_from_db()
