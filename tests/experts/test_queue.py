"""The coordinator's work queue: expiring documents of active experts."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from experts.models import Expert
from tests.experts.factories import DocumentFactory
from tests.factories import ExpertFactory

pytestmark = pytest.mark.django_db


def _panel(response):
    return next(p for p in response.context["panels"] if "documents" in str(p.title).lower())


def test_the_queue_shows_expired_and_soon_expiring_documents(client, coordinator_en):
    today = timezone.localdate()
    soon = DocumentFactory(
        expert=ExpertFactory(user__full_name="Soon Expiring"),
        valid_until=today + timedelta(days=30),
    )
    DocumentFactory(
        expert=ExpertFactory(user__full_name="Expired Long Ago"),
        valid_until=today - timedelta(days=100),
    )
    DocumentFactory(
        expert=ExpertFactory(user__full_name="Far Away"), valid_until=today + timedelta(days=300)
    )
    DocumentFactory(
        expert=ExpertFactory(user__full_name="Paused", status=Expert.Status.PAUSED),
        valid_until=today,
    )
    client.force_login(coordinator_en)
    panel = _panel(client.get(reverse("coordinator_home")))
    assert panel.count == 2
    assert [row.label for row in panel.rows] == ["Expired Long Ago", "Soon Expiring"]
    assert panel.rows[1].url == reverse("experts_coordinator:detail", args=[soon.expert_id])
    assert "expired" in panel.rows[0].note
    assert "documents=expiring" in panel.more_url
    listed = client.get(panel.more_url)
    assert [e.name for e in listed.context["page"]] == ["Expired Long Ago", "Soon Expiring"]


def test_the_queue_panel_takes_a_fixed_number_of_queries(client, coordinator):
    client.force_login(coordinator)
    DocumentFactory(valid_until=timezone.localdate())
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("coordinator_home"))
    for _ in range(12):
        DocumentFactory(valid_until=timezone.localdate())
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("coordinator_home"))
    assert len(many) == len(one)
    assert len(_panel(response).rows) == 5 and _panel(response).count == 13
