"""Filters of the coordinator's feedback list."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from bookings.forms.feedback import RATINGS
from bookings.models import Feedback, Organisation
from expertbank.filters import FilterSet, IdFilter, ModelChoiceFilter


class FeedbackFilter(FilterSet):
    STATES = [("waiting", _("not shown to the experts")), ("released", _("shown to the experts"))]

    state = django_filters.ChoiceFilter(
        label=_("Show"), choices=STATES, method="by_state", empty_label=_("all")
    )
    rating = django_filters.ChoiceFilter(label=_("Rating"), choices=RATINGS, empty_label=_("any"))
    organisation = ModelChoiceFilter(
        label=_("Organisation"),
        field_name="booking__unit__organisation",
        queryset=Organisation.objects.all(),
    )
    booking = IdFilter(label=_("Booking number"), field_name="booking_id", min_value=1)

    class Meta:
        model = Feedback
        fields: list[str] = []

    def by_state(self, queryset, name, value):
        return queryset.filter(released_at__isnull=value == "waiting")
