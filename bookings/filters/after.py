"""Filters of the coordinator's lists of reports and check-ins."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bookings.models import CheckIn, Gig, Organisation
from expertbank.filters import DateFilter, FilterSet, IdFilter, ModelChoiceFilter
from experts.models import WorkKind


class ReportFilter(FilterSet):
    q = django_filters.CharFilter(label=_("Expert or booking"), method="search")
    organisation = ModelChoiceFilter(
        label=_("Organisation"),
        field_name="booking__unit__organisation",
        queryset=Organisation.objects.all(),
    )
    work_kind = ModelChoiceFilter(
        label=_("Kind of work"), field_name="booking__work_kind", queryset=WorkKind.objects.all()
    )
    day_from = DateFilter(label=_("Gig on or after"), field_name="start__date", lookup_expr="gte")
    day_until = DateFilter(label=_("Gig on or before"), field_name="start__date", lookup_expr="lte")
    booking = IdFilter(label=_("Booking number"), field_name="booking_id", min_value=1)

    class Meta:
        model = Gig
        fields: list[str] = []

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(expert__user__full_name__icontains=value) | Q(booking__title__icontains=value)
        )


class CheckInFilter(FilterSet):
    STATES = [
        ("waiting", _("asking for a debrief")),
        ("arranged", _("debrief arranged")),
        ("all", _("all check-ins")),
    ]

    state = django_filters.ChoiceFilter(
        label=_("Show"), choices=STATES, method="by_state", empty_label=None
    )
    q = django_filters.CharFilter(label=_("Expert or booking"), method="search")

    class Meta:
        model = CheckIn
        fields: list[str] = []

    def by_state(self, queryset, name, value):
        if value == "arranged":
            return queryset.filter(wants_debrief=True, handled_at__isnull=False)
        if value == "all":
            return queryset
        return queryset.filter(wants_debrief=True, handled_at__isnull=True)

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(gig__expert__user__full_name__icontains=value)
            | Q(gig__booking__title__icontains=value)
        )
