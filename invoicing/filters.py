"""Filters of the coordinator's invoice list."""

from __future__ import annotations

import re

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bookings.models import Organisation, Unit
from expertbank.filters import FilterSet, ModelChoiceFilter
from invoicing.models import Invoice
from invoicing.selectors import overdue_q

MONTH = re.compile(r"^(\d{4})-(\d{2})$")


class InvoiceFilter(FilterSet):
    month = django_filters.CharFilter(label=_("Period (YYYY-MM)"), method="by_month", max_length=7)
    organisation = ModelChoiceFilter(
        label=_("Organisation"),
        field_name="unit__organisation",
        queryset=Organisation.objects.all(),
    )
    unit = ModelChoiceFilter(
        label=_("Unit"),
        queryset=Unit.objects.select_related("organisation"),
        help_text=_("Choose an organisation first to list its units."),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[c for c in Invoice.Status.choices if c[0] != Invoice.Status.DRAFT],
        empty_label=_("any"),
    )
    overdue = django_filters.BooleanFilter(label=_("Overdue only"), method="by_overdue")
    search = django_filters.CharFilter(label=_("Number, reference or buyer"), method="by_text")

    class Meta:
        model = Invoice
        fields: list[str] = []

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        # A national bank has two thousand units: the unit filter lists those of the chosen
        # organisation (and the unit chosen, when a link names one), not every unit (issue 19).
        shown = Q(pk__in=[])
        for key, q in (("organisation", "organisation_id"), ("unit", "pk")):
            value = str((data or {}).get(key, "")).strip()
            if value.isdigit() and len(value) < 10:
                shown |= Q(**{q: int(value)})
        self.filters["unit"].queryset = Unit.objects.filter(shown).select_related("organisation")

    def by_month(self, queryset, name, value):
        found = MONTH.match(value.strip())
        if not found or not 1 <= int(found.group(2)) <= 12:
            return queryset.none()
        return queryset.filter(
            period_start__year=int(found.group(1)), period_start__month=int(found.group(2))
        )

    def by_overdue(self, queryset, name, value):
        if value:
            return queryset.filter(overdue_q(timezone.localdate()))
        return queryset

    def by_text(self, queryset, name, value):
        value = value.strip()
        compact = value.replace(" ", "")
        return queryset.filter(
            Q(number__icontains=value)
            | Q(reference__startswith=compact)
            | Q(buyer_name__icontains=value)
            | Q(buyer_unit__icontains=value)
        )
