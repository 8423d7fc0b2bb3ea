"""Tax cards and documents about to expire: the expert is reminded 30 and 7 days before, once
per document and expiry date, only of their newest one of a kind (issue 15)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from expertbank.models import Message
from experts.models import ExpertDocument, TaxCard
from experts.services.reminders import document_reminders_send
from experts.tasks import document_reminders_task
from tests.factories import ExpertFactory, UserFactory

pytestmark = pytest.mark.django_db


def _at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _document(expert, valid_until: date, kind=ExpertDocument.Kind.CRIMINAL_RECORD):
    return ExpertDocument.objects.create(
        expert=expert, kind=kind, dated=valid_until - timedelta(days=365), valid_until=valid_until
    )


def _sent():
    return Message.objects.filter(kind="document_expiring").exclude(status=Message.Status.SKIPPED)


def test_30_and_7_days_before_once_each_in_the_experts_language():
    expert = ExpertFactory(user=UserFactory(language="sv"))
    expires = timezone.localdate() + timedelta(days=40)
    document = _document(expert, expires)
    assert document_reminders_send(now=_at(expires - timedelta(days=31))).sent == 0
    assert document_reminders_send(now=_at(expires - timedelta(days=30), 8)).sent == 0  # 9.00
    assert document_reminders_send(now=_at(expires - timedelta(days=30))).sent == 1
    assert document_reminders_send(now=_at(expires - timedelta(days=20))).sent == 0
    assert document_reminders_send(now=_at(expires - timedelta(days=7))).sent == 1
    assert document_reminders_send(now=_at(expires - timedelta(days=1))).sent == 0
    keys = list(_sent().order_by("pk").values_list("key", flat=True))
    assert keys == [
        f"document:{document.pk}:expiring-30d:v{expires.isoformat()}",
        f"document:{document.pk}:expiring-7d:v{expires.isoformat()}",
    ]
    assert {m.language for m in _sent()} == {"sv"}


def test_a_renewed_document_or_tax_card_is_not_reminded_of():
    expert = ExpertFactory()
    today = timezone.localdate()
    _document(expert, today + timedelta(days=5))
    _document(expert, today + timedelta(days=700))  # the renewed extract
    TaxCard.objects.create(
        prepayment_register=True,
        expert=expert,
        valid_from=date(today.year, 1, 1),
        valid_until=today + timedelta(days=6),
    )
    TaxCard.objects.create(
        prepayment_register=True,
        expert=expert,
        valid_from=today + timedelta(days=7),
        valid_until=today + timedelta(days=400),
    )
    assert document_reminders_send(now=_at(today)).sent == 0


def test_a_tax_card_found_late_gets_only_the_7_day_reminder():
    expert = ExpertFactory(user=UserFactory(language="fi"))
    today = timezone.localdate()
    card = TaxCard.objects.create(
        prepayment_register=True,
        expert=expert,
        valid_from=date(today.year, 1, 1),
        valid_until=today + timedelta(days=5),
    )
    result = document_reminders_send(now=_at(today))
    assert (result.sent, result.skipped) == (1, 1)  # the 30-day one gave way
    assert _sent().get().key == f"taxcard:{card.pk}:expiring-7d:v{card.valid_until.isoformat()}"
    assert "verokortti" in _sent().get().subject  # named in the expert's language


def test_the_task_runs_the_sweep_once():
    _document(ExpertFactory(), timezone.localdate() + timedelta(days=3))
    first = document_reminders_task()
    assert document_reminders_task() == {"sent": 0, "skipped": 0}
    early = timezone.localtime().time() < time(9)
    assert first == ({"sent": 0, "skipped": 0} if early else {"sent": 1, "skipped": 1})
