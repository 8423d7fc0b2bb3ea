"""The expert's documents about to expire: a tax card, a criminal-record extract or another
document with an expiry date, 30 days and 7 days before it, once per document and date.

Found by a periodic sweep (``expertbank.reminders``) from 9.00 local time on the day; only an
active expert's newest document of a kind is reminded of (a renewed one has superseded it). The
key carries the expiry date, so a corrected date is a new version; the 30-day reminder gives way
to the 7-day one, and a document that has already expired is skipped.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Exists, F, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from expertbank.reminders import SweepResult, key_expression, sweep
from expertbank.services.notifications import message_send
from experts.models import Expert, ExpertDocument, TaxCard

BEFORE_DAYS = (30, 7)
# What the message calls each document (rendered in the expert's language).
NAMES = {
    ExpertDocument.Kind.CRIMINAL_RECORD: gettext_lazy("criminal-record extract"),
    ExpertDocument.Kind.CONFIDENTIALITY: gettext_lazy("confidentiality pledge"),
    ExpertDocument.Kind.AGREEMENT: gettext_lazy("assignment agreement"),
}
TAX_CARD = gettext_lazy("tax card")
REMIND_FROM = time(9)
LOOKBACK_DAYS = 7


def _due(queryset, *, today: date, days: int):
    return queryset.filter(
        valid_until__lte=today + timedelta(days=days),
        valid_until__gte=today - timedelta(days=LOOKBACK_DAYS),
        expert__status=Expert.Status.ACTIVE,
        expert__user__is_active=True,
    ).select_related("expert__user")


def _late(valid_until: date, *, today: date, days: int) -> bool:
    """Expired, or (for the 30-day reminder) the 7-day one is due already."""
    later = min(d for d in BEFORE_DAYS if d < days) if days != min(BEFORE_DAYS) else None
    if valid_until < today:
        return True
    return later is not None and valid_until - timedelta(days=later) <= today


def document_reminders_send(*, now: datetime | None = None) -> SweepResult:
    """Remind each active expert of their documents and tax cards about to expire."""
    local = timezone.localtime(now or timezone.now())
    if local.time() < REMIND_FROM:
        return SweepResult()
    today = local.date()
    url = settings.SITE_URL + reverse("experts:documents")
    newer_card = TaxCard.objects.filter(
        expert=OuterRef("expert"), kind=OuterRef("kind"), valid_until__gt=OuterRef("valid_until")
    )
    sources = (
        (
            "document",
            ExpertDocument.objects.filter(valid_until__isnull=False).latest_of_kind(),
            lambda doc: NAMES.get(doc.kind, doc.get_kind_display()),
        ),
        (
            "taxcard",
            TaxCard.objects.exclude(Exists(newer_card)),
            lambda card: TAX_CARD,
        ),
    )
    result = SweepResult()
    for prefix, queryset, label in sources:
        for days in BEFORE_DAYS:

            def send(item, key: str, label=label, days=days) -> None:
                message_send(
                    kind="document_expiring",
                    key=key,
                    to_user=item.expert.user,
                    context={
                        "document": label(item),
                        "valid_until": item.valid_until,
                        "days": days,
                        "url": url,
                    },
                )

            result += sweep(
                _due(queryset, today=today, days=days),
                kind="document_expiring",
                key=key_expression(f"{prefix}:", F("pk"), f":expiring-{days}d:v", F("valid_until")),
                send=send,
                late=lambda item, days=days: _late(item.valid_until, today=today, days=days),
                order_by=("valid_until", "pk"),
            )
    return result
