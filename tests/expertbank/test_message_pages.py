"""Each person's message settings, and the coordinators' message log, queue panel and retry."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from expertbank.models import Message, NotificationPreference
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _message(i: int, **fields) -> Message:
    recipient = fields.pop("recipient", None)
    return Message.objects.create(
        key=f"log-{i}",
        kind=fields.pop("kind", "invitation"),
        channel="email",
        recipient=recipient,
        to=f"person{i}@example.com",
        language="fi",
        subject=f"Subject {i}",
        body=f"Body {i}",
        **fields,
    )


@pytest.mark.parametrize("role", ["expert", "unit_member", "coordinator", "trainer", "user"])
def test_every_person_reaches_their_settings_from_the_account_menu(client, role, request):
    if role == "trainer":
        from tests.factories import TrainerFactory

        person = TrainerFactory()
    else:
        person = request.getfixturevalue(role)
    person = getattr(person, "user", person)
    client.force_login(person)
    home = client.get(reverse("notification_preferences"))
    assert home.status_code == 200
    assert reverse("notification_preferences") in home.content.decode()
    assert 'type="radio"' in home.content.decode()


def test_an_expert_chooses_per_category_and_essential_ones_stay_on(client, expert, english_pages):
    client.force_login(expert.user)
    page = client.get(reverse("notification_preferences")).content.decode()
    assert "Reminders before a gig" in page
    assert "Your account and invitations" in page
    assert "Invoices" not in page  # a unit's category
    response = client.post(
        reverse("notification_preferences"),
        {
            "account": "email",
            "bookings": "both",
            "gig_reminders": "sms",
            "report_reminders": "none",
            "training": "email",
            "fees": "email",
            "documents": "both",
            "feedback": "none",
        },
    )
    assert response.status_code == 302
    assert dict(
        NotificationPreference.objects.filter(user=expert.user).values_list("category", "channel")
    ) == {
        "account": "email",
        "bookings": "both",
        "gig_reminders": "sms",
        "report_reminders": "none",
        "training": "email",
        "fees": "email",
        "documents": "both",
        "feedback": "none",
    }


def test_an_essential_category_cannot_be_switched_off(client, expert, english_pages):
    client.force_login(expert.user)
    response = client.post(
        reverse("notification_preferences"),
        {"account": "none", "bookings": "none", "gig_reminders": "email"},
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not NotificationPreference.objects.exists()


def test_the_log_is_for_coordinators_only(client, expert, unit_member):
    for person in (expert.user, unit_member):
        client.force_login(person)
        assert client.get(reverse("message_log")).status_code == 403
        message = _message(1, status=Message.Status.FAILED)
        response = client.post(reverse("message_retry", args=[message.pk]))
        assert response.status_code == 403
        message.refresh_from_db()
        assert message.status == Message.Status.FAILED
        message.delete()


def test_the_log_searches_and_filters(client, coordinator, english_pages):
    person = UserFactory(full_name="Aino Lahtinen")
    _message(1, recipient=person, status=Message.Status.SENT, sent_at=timezone.now())
    _message(2, status=Message.Status.FAILED, error="SMTPRecipientsRefused: 550 No such user")
    _message(3, kind="gig_reminder_48h", status=Message.Status.PENDING)
    client.force_login(coordinator)
    page = client.get(reverse("message_log"), {"q": "Lahtinen"}).content.decode()
    assert "Subject 1" in page and "Subject 2" not in page
    page = client.get(reverse("message_log"), {"status": "failed"}).content.decode()
    assert "Subject 2" in page and "550 No such user" in page and "Subject 1" not in page
    page = client.get(reverse("message_log"), {"kind": "gig_reminder_48h"}).content.decode()
    assert "Subject 3" in page and "Subject 1" not in page
    today = timezone.localdate().isoformat()
    page = client.get(reverse("message_log"), {"since": today, "until": today}).content.decode()
    assert "Subject 1" in page and "Subject 3" in page
    response = client.get(reverse("message_log"), {"since": "not a date", "status": "nonsense"})
    assert response.status_code == 200


def _log_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("message_log")).status_code == 200
    return len(queries)


def test_the_log_takes_as_many_queries_for_one_row_as_for_fifty(client, coordinator):
    client.force_login(coordinator)
    _message(0, recipient=UserFactory())
    one = _log_queries(client)
    for i in range(1, 50):
        _message(i, recipient=UserFactory())
    assert _log_queries(client) == one


def test_a_coordinator_sends_a_failed_message_again(client, coordinator, english_pages):
    person = UserFactory()
    message = _message(7, recipient=person, status=Message.Status.FAILED, error="boom")
    message.to = person.email
    message.save()
    client.force_login(coordinator)
    assert client.get(reverse("message_retry", args=[message.pk])).status_code == 405
    response = client.post(reverse("message_retry", args=[message.pk]))
    assert response.status_code == 302
    message.refresh_from_db()
    assert message.status in (Message.Status.PENDING, Message.Status.SENT)
    assert client.post(reverse("message_retry", args=[999999])).status_code == 404


def test_failed_messages_show_on_the_work_queue_with_the_reason(client, coordinator, english_pages):
    _message(1, status=Message.Status.FAILED, error="SMTPRecipientsRefused: 550 No such user")
    client.force_login(coordinator)
    page = client.get(reverse("coordinator_home")).content.decode()
    assert "Messages that could not be sent" in page
    assert "550 No such user" in page
    assert reverse("message_log") in page
