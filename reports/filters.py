"""The filters of the dashboard, the uptake table and the funder report (django-filter):
the period (``?from=&to=``), the organisation, the experience area and the municipality.

The filter set gives the form, its translated labels and the guarded fields; ``scope()`` turns
the validated values into a ``reports.period.Scope``, which every figure is computed over (its
``.qs`` narrows gigs the same way, for whoever needs a plain list). A value that does not
validate is left out and the form says why; a missing period is the last twelve months.
"""

from __future__ import annotations

from datetime import date, timedelta

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bookings.models import Gig, Organisation
from expertbank.filters import DateFilter, FilterSet, ModelChoiceFilter, QuickSelect
from experts.models import ExperienceArea, Expert
from reports.period import Period, Scope

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MAX_DAYS = 5 * 366 + 1  # at most five years in one view


def municipality_choices() -> list[tuple[str, str]]:
    names = (
        Expert.objects.exclude(municipality="")
        .filter(erased_at__isnull=True)
        .values_list("municipality", flat=True)
        .distinct()
        .order_by("municipality")
    )
    return [(name, name) for name in names]


class PeriodForm(forms.Form):
    def clean(self):
        data = super().clean()
        start, end = data.get("from"), data.get("to")
        if start and end and start > end:
            self.add_error("to", _("The end of the period must not be before its start."))
        elif start and end and (end - start).days + 1 > MAX_DAYS:
            self.add_error("to", _("Choose a period of at most five years."))
        return data


class ReportFilter(FilterSet):
    organisation = ModelChoiceFilter(
        label=_("Organisation"),
        field_name="booking__unit__organisation",
        queryset=Organisation.objects.all(),
        empty_label=_("all"),
    )
    area = ModelChoiceFilter(
        label=_("Experience area"),
        queryset=ExperienceArea.objects.filter(active=True),
        method="by_area",
        empty_label=_("all"),
    )
    municipality = django_filters.ChoiceFilter(
        label=_("Municipality of the expert"),
        choices=municipality_choices,
        field_name="expert__municipality",
        empty_label=_("all"),
        # A national pool lives in some 300 municipalities: Django's select renders each
        # option through a template include (about 100 ms for 300 options).
        widget=QuickSelect,
    )

    class Meta:
        model = Gig
        fields: list[str] = []
        form = PeriodForm

    def by_area(self, queryset, name, value):
        return queryset.filter(booking__areas=value).distinct()

    def scope(self, *, today: date | None = None) -> Scope:
        """The validated period and filters; the last twelve months when no period is given."""
        today = today or timezone.localdate()
        default = Period.last_twelve_months(today)
        data = self.form.cleaned_data if self.is_bound and self.form.errors is not None else {}
        start, end = data.get("from"), data.get("to")
        if start and not end:
            end = min(start + timedelta(days=364), max(start, today))
        if end and not start:
            start = end - timedelta(days=364)
        period = Period(start, end) if start and end else default
        return Scope(
            period, data.get("organisation"), data.get("area"), data.get("municipality") or ""
        )


# "from" and "to" are the period's names in the address (a Python keyword cannot be an
# attribute name); the period narrows the gigs by their start.
ReportFilter.base_filters = {
    "from": DateFilter(label=_("From"), method="from_day", widget=DATE_WIDGET),
    "to": DateFilter(label=_("Until"), method="to_day", widget=DATE_WIDGET),
    **ReportFilter.base_filters,
}


def _from_day(self, queryset, name, value):
    return queryset.filter(Q(start__gte=Period(value, value).since()))


def _to_day(self, queryset, name, value):
    return queryset.filter(Q(start__lt=Period(value, value).until()))


ReportFilter.from_day = _from_day
ReportFilter.to_day = _to_day
