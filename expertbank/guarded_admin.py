"""The admin's base classes: every ``ModelAdmin`` and inline of the project derives from these,
so the fields the admin makes from a model are the guarded ones of ``expertbank.fields`` (ids
the database can hold, dates within ``DATE_HORIZON``) like every other form's."""

from __future__ import annotations

from django.contrib import admin
from django.db import models

from expertbank.fields import HorizonSplitDateTimeField, guarded_form_class


class GuardedModelAdminMixin:
    """For every ``ModelAdmin`` and inline: the admin's fields made from the model are the
    guarded ones too (the admin's date-time field is split into a date and a time)."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if "form_class" not in kwargs:
            if isinstance(db_field, models.DateTimeField):
                kwargs["form_class"] = HorizonSplitDateTimeField
            else:
                form_class = guarded_form_class(db_field)
                if form_class is not None:
                    kwargs["form_class"] = form_class
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class ModelAdmin(GuardedModelAdminMixin, admin.ModelAdmin):
    pass


class TabularInline(GuardedModelAdminMixin, admin.TabularInline):
    pass


class StackedInline(GuardedModelAdminMixin, admin.StackedInline):
    pass
