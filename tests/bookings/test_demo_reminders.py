"""The demo's message log holds the reminders: sent ones before the gigs of the last two weeks,
waiting ones for what is due now, and each coordinator's morning digest; a second run adds
nothing (issue 15)."""

import pytest
from django.core.management import call_command

from expertbank.demo import DEMO_DOMAIN
from expertbank.models import Message

pytestmark = pytest.mark.django_db


def test_the_demo_log_has_sent_reminders_and_a_digest_once():
    call_command("seed_demo", verbosity=0)
    sent = Message.objects.filter(
        kind__in=["gig_reminder_48h", "gig_reminder_2h"], status=Message.Status.SENT
    )
    assert sent.count() >= 2
    units = Message.objects.filter(kind="unit_reminder_48h", status=Message.Status.SENT)
    assert units.exists()
    assert all(m.sent_at == m.created_at for m in sent)  # at its moment before the gig
    digest = Message.objects.get(
        kind="coordinator_digest", recipient__email=f"koordinaattori@{DEMO_DOMAIN}"
    )
    assert digest.status == Message.Status.SENT
    assert digest.body.strip()
    reminders = Message.objects.filter(key__contains="reminder").count()
    call_command("seed_demo", verbosity=0)
    assert Message.objects.filter(key__contains="reminder").count() == reminders
    assert (
        Message.objects.filter(kind="coordinator_digest").count()
        == Message.objects.filter(kind="coordinator_digest").values("recipient").distinct().count()
    )
