"""The demo's message log holds the reminders: sent ones before the gigs of the last two weeks,
waiting ones for what is due now, and each coordinator's morning digest (issue 15)."""

from expertbank.demo import DEMO_DOMAIN
from expertbank.models import Message


def test_the_demo_log_has_sent_reminders_and_one_digest_each():
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
    assert (
        Message.objects.filter(kind="coordinator_digest").count()
        == Message.objects.filter(kind="coordinator_digest").values("recipient").distinct().count()
    )
