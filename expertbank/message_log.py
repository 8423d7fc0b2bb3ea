"""Reads of the message log: the coordinators' page (search and filters) and the failed
messages on their work queue."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from expertbank.filters import DateFilter, FilterSet
from expertbank.message_kinds import KINDS
from expertbank.models import Message


def message_log() -> QuerySet[Message]:
    """Every message, newest first, with its recipient (one query a page)."""
    return Message.objects.select_related("recipient").defer("html").order_by("-created_at", "-pk")


def messages_failed() -> QuerySet[Message]:
    """Messages failed for good, newest first: the work queue shows them with the reason."""
    return Message.objects.filter(status=Message.Status.FAILED).order_by("-created_at", "-pk")


class MessageFilter(FilterSet):
    q = django_filters.CharFilter(
        label=_("Recipient"), method="by_recipient", max_length=100, strip=True
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=[(kind, kind) for kind in sorted(KINDS)], empty_label=_("all")
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Message.Status.choices, empty_label=_("all")
    )
    channel = django_filters.ChoiceFilter(
        label=_("Channel"), choices=Message.Channel.choices, empty_label=_("all")
    )
    since = DateFilter(label=_("From"), field_name="created_at", lookup_expr="date__gte")
    until = DateFilter(label=_("To"), field_name="created_at", lookup_expr="date__lte")

    class Meta:
        model = Message
        fields: list[str] = []

    def by_recipient(self, queryset, name, value):
        return queryset.filter(
            Q(to__icontains=value)
            | Q(recipient__full_name__icontains=value)
            | Q(recipient__email__icontains=value)
            | Q(key__icontains=value)
        )
