"""The coordinator's booking list filters."""

from __future__ import annotations

import django_filters
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from bookings.models import Booking, Organisation
from expertbank.filters import DateFilter, FilterSet, ModelChoiceFilter
from experts.models import ExperienceArea, WorkKind


class BookingFilter(FilterSet):
    VIEWS = [("short", _("short of experts")), ("ready", _("ready to confirm"))]

    q = django_filters.CharFilter(label=_("Search"), method="search")
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Booking.Status.choices, empty_label=_("all")
    )
    view = django_filters.ChoiceFilter(
        label=_("Needs"), choices=VIEWS, method="needs", empty_label=_("anything")
    )
    organisation = ModelChoiceFilter(
        label=_("Organisation"),
        field_name="unit__organisation",
        queryset=Organisation.objects.all(),
    )
    work_kind = ModelChoiceFilter(label=_("Kind of work"), queryset=WorkKind.objects.all())
    area = ModelChoiceFilter(
        label=_("Experience area"), field_name="areas", queryset=ExperienceArea.objects.all()
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind of booking"), choices=Booking.Kind.choices, empty_label=_("all")
    )
    starts_from = DateFilter(
        label=_("Starts on or after"), field_name="first_start__date", lookup_expr="gte"
    )
    starts_until = DateFilter(
        label=_("Starts on or before"), field_name="first_start__date", lookup_expr="lte"
    )
    # Every choice has its own label: django-filter's "%s (descending)" is formatted once, at
    # import, so it showed in English in every language. The empty choice is the default order,
    # the most urgent first (``selectors.most_urgent_first``).
    order = django_filters.OrderingFilter(
        label=_("Sort"),
        fields=(("first_start", "first_start"), ("created_at", "created_at"), ("title", "title")),
        field_labels={
            "first_start": _("first time, soonest first"),
            "-first_start": _("first time, latest first"),
            "created_at": _("received, oldest first"),
            "-created_at": _("received, newest first"),
            "title": _("title, A to Z"),
            "-title": _("title, Z to A"),
        },
        empty_label=_("most urgent first"),
    )

    class Meta:
        model = Booking
        fields: list[str] = []

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(title__icontains=value)
            | Q(unit__name__icontains=value)
            | Q(unit__organisation__name__icontains=value)
            | Q(own_reference__icontains=value)
        )

    def needs(self, queryset, name, value):
        if value == "short":
            return queryset.filter(
                status__in=[Booking.Status.STAFFING, Booking.Status.CONFIRMED],
                accepted_count__lt=F("experts_wanted"),
            )
        if value == "ready":
            return queryset.filter(
                status=Booking.Status.STAFFING, accepted_count__gte=F("experts_wanted")
            )
        return queryset
