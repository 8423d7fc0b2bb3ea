"""The coordinators' search and filters for the expert list (django-filter).

Sensitive fields are never searched or filtered on: the database holds only their ciphertext,
and a list filter would reveal them anyway.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from expertbank.filters import DateFilter, FilterSet, ModelChoiceFilter
from experts.models import ExperienceArea, Expert, ExpertDocument, Language
from experts.pairs import filter_in_pairs
from experts.selectors import municipality_choices

YES_NO = [("yes", _("yes")), ("no", _("no"))]


class DocumentState:
    VALID = "valid"
    MISSING = "missing"
    EXPIRING = "expiring"
    CHOICES = [
        (VALID, _("criminal-record extract valid today")),
        (MISSING, _("no valid criminal-record extract")),
        (EXPIRING, _("a document expired or expiring within 60 days")),
    ]


class ExpertFilter(FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        widget=forms.TextInput(attrs={"placeholder": _("name, alias or e-mail"), "type": "search"}),
    )
    area = ModelChoiceFilter(
        label=_("Experience area"),
        field_name="areas",
        queryset=ExperienceArea.objects.filter(active=True),
        empty_label=_("all"),
    )
    language = ModelChoiceFilter(
        label=_("Language"),
        field_name="languages",
        queryset=Language.objects.filter(active=True),
        empty_label=_("all"),
    )
    municipality = django_filters.ChoiceFilter(
        label=_("Municipality"), choices=[], empty_label=_("all")
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Expert.Status.choices, empty_label=_("all")
    )
    certified = django_filters.ChoiceFilter(
        label=_("Certified"), choices=YES_NO, method="filter_certified", empty_label=_("all")
    )
    documents = django_filters.ChoiceFilter(
        label=_("Documents"),
        choices=DocumentState.CHOICES,
        method="filter_documents",
        empty_label=_("all"),
    )
    bookable = django_filters.ChoiceFilter(
        label=_("Bookable"), choices=YES_NO, method="filter_bookable", empty_label=_("all")
    )
    pairs = django_filters.ChoiceFilter(
        label=_("In pairs"),
        choices=YES_NO,
        method="filter_pairs",
        empty_label=_("all"),
        help_text=_("New experts doing their first gigs beside an experienced partner."),
    )
    available_on = DateFilter(
        label=_("Available on"),
        method="filter_available_on",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    ordering = django_filters.OrderingFilter(
        label=_("Order"),
        fields=(
            ("user__full_name", "name"),
            ("municipality", "municipality"),
            ("status", "status"),
            ("certified_on", "certified"),
            ("created_at", "created"),
        ),
        field_labels={
            "user__full_name": _("name"),
            "municipality": _("municipality"),
            "status": _("status"),
            "certified_on": pgettext_lazy("ordering", "certified"),
            "created_at": _("newest"),
        },
    )

    class Meta:
        model = Expert
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Read once: the form validates and renders the same list.
        self.filters["municipality"].extra["choices"] = municipality_choices()
        for field in self.form.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs["class"] = f"{css} form-control-sm"

    def search(self, queryset: QuerySet[Expert], name: str, value: str) -> QuerySet[Expert]:
        for word in value.split():
            queryset = queryset.filter(
                Q(user__full_name__icontains=word)
                | Q(user__email__icontains=word)
                | Q(public_alias__icontains=word)
            )
        return queryset

    def filter_certified(self, queryset, name, value):
        return queryset.filter(certified_on__isnull=value != "yes")

    def filter_documents(self, queryset, name, value):
        today = timezone.localdate()
        kind = ExpertDocument.Kind.CRIMINAL_RECORD
        if value == DocumentState.VALID:
            return queryset.with_valid_document(kind, today)
        if value == DocumentState.MISSING:
            return queryset.without_valid_document(kind, today)
        expiring = ExpertDocument.objects.expiring(today).values("expert_id")
        return queryset.filter(pk__in=expiring)

    def filter_bookable(self, queryset, name, value):
        bookable = Expert.objects.bookable().values("pk")
        if value == "yes":
            return queryset.filter(pk__in=bookable)
        return queryset.exclude(pk__in=bookable)

    def filter_pairs(self, queryset, name, value):
        return filter_in_pairs(queryset, value=value == "yes")

    def filter_available_on(self, queryset, name, value):
        return queryset.available_on(value)
