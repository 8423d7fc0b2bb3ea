"""The impact loop (issue 18): 30 and 90 days after a booking's last time the unit is asked
"What changed because of it?" once per booking, mark and recipient; a member of the unit answers
once per mark; the experts read only what the unit shared; others' bookings answer 404."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from bookings import tasks
from bookings.models import ImpactAnswer
from bookings.selectors.impact import expert_shared_impact, impact_open_marks
from bookings.services import BookingError
from bookings.services.impact import impact_answer, impact_questions_send
from expertbank.celery import app
from expertbank.message_kinds import kind_info
from expertbank.models import Message
from tests.bookings.factories import bookable_expert, member
from tests.bookings.reports_factories import ended_gig

pytestmark = pytest.mark.django_db


def _nine(days_from_today: int) -> datetime:
    day = timezone.localdate() + timedelta(days=days_from_today)
    return timezone.make_aware(datetime.combine(day, datetime.min.time())) + timedelta(hours=9)


def _ended(booker, days_ago: int, **kwargs):
    """A gig that ended at noon ``days_ago`` days before today: the day marks count in days
    from it whatever the hour the test runs at (three hours ago is yesterday after midnight)."""
    noon = timezone.make_aware(
        datetime.combine(timezone.localdate() - timedelta(days=days_ago), datetime.min.time())
    ) + timedelta(hours=12)
    return ended_gig(by=booker, ended_ago=timezone.now() - noon, **kwargs)


def _sent():
    return Message.objects.filter(kind="impact_question").exclude(status=Message.Status.SKIPPED)


def test_the_kind_is_an_optional_feedback_message():
    assert kind_info("impact_question") == {
        "category": "feedback",
        "essential": False,
        "sms": False,
    }


def test_the_unit_is_asked_30_and_90_days_after_once_each(terms, booker):
    gig = _ended(booker, 1)  # yesterday: the day marks count from it
    booking = gig.booking
    assert impact_questions_send(now=_nine(28)).sent == 0
    assert impact_questions_send(now=_nine(29) - timedelta(minutes=1)).sent == 0  # 8.59
    assert impact_questions_send(now=_nine(29)).sent == 1
    assert impact_questions_send(now=_nine(29) + timedelta(hours=2)).sent == 0
    assert impact_questions_send(now=_nine(30)).sent == 0
    message = _sent().get()
    assert message.recipient == booker
    assert message.key == f"impact:{booking.pk}:30:u{booker.pk}"
    assert reverse("bookings:impact", args=[booking.pk, 30]) in message.body
    assert impact_questions_send(now=_nine(89)).sent == 1
    assert _sent().filter(key=f"impact:{booking.pk}:90:u{booker.pk}").exists()
    assert tasks.impact_questions_task() == {"sent": 0, "skipped": 0}


def test_an_answered_question_is_not_asked_and_a_missed_30_day_one_is_skipped(terms, booker):
    gig = _ended(booker, 31)
    booking = gig.booking
    impact_answer(booking=booking, by=booker, day_mark=30, text="We changed our intake form.")
    assert impact_questions_send(now=_nine(0)).sent == 0
    # A booking whose 30-day question was never sent, found after its 90 days: only the 90.
    old = _ended(booker, 90, day=21)
    result = impact_questions_send(now=_nine(0))
    assert result.sent == 1
    assert _sent().get().key == f"impact:{old.booking.pk}:90:u{booker.pk}"


def test_the_member_answers_once_and_chooses_whether_the_experts_see_it(terms, booker, client):
    expert = bookable_expert()
    gig = ended_gig(by=booker, expert=expert, ended_ago=timedelta(days=30))
    booking = gig.booking
    url = reverse("bookings:impact", args=[booking.pk, 30])
    client.force_login(booker)
    assert client.get(url).status_code == 200
    response = client.post(url, {"text": "  ", "change": ""})
    assert response.status_code == 400
    assert not ImpactAnswer.objects.exists()
    response = client.post(url, {"text": "x", "change": "<script>"})
    assert response.status_code == 400
    response = client.post(
        url,
        {
            "text": "Staff ask residents first now.",
            "change": "practice",
            "share_with_experts": "on",
        },
    )
    assert response.status_code == 302
    answer = ImpactAnswer.objects.get()
    assert (answer.day_mark, answer.change, answer.share_with_experts) == (30, "practice", True)
    assert answer.answered_by == booker
    assert list(expert_shared_impact(expert)) == [answer]
    assert list(expert_shared_impact(bookable_expert())) == []
    with pytest.raises(BookingError):
        impact_answer(booking=booking, by=booker, day_mark=30, text="Again")
    assert ImpactAnswer.objects.count() == 1
    # The 90-day question is not open yet.
    assert (
        client.post(reverse("bookings:impact", args=[booking.pk, 90]), {"text": "x"}).status_code
        == 400
    )
    assert ImpactAnswer.objects.count() == 1


def test_an_unshared_answer_stays_with_the_coordinators(terms, booker):
    expert = bookable_expert()
    gig = ended_gig(by=booker, expert=expert, ended_ago=timedelta(days=30))
    impact_answer(booking=gig.booking, by=booker, day_mark=30, text="Not sure yet.")
    assert list(expert_shared_impact(expert)) == []


def test_the_question_opens_only_after_its_days(terms, booker):
    gig = ended_gig(by=booker, ended_ago=timedelta(days=29))
    assert impact_open_marks(gig.booking) == []
    with pytest.raises(BookingError):
        impact_answer(booking=gig.booking, by=booker, day_mark=30, text="Early")
    assert not ImpactAnswer.objects.exists()


def test_another_organisations_booking_answers_404(terms, booker, client):
    gig = ended_gig(by=booker, ended_ago=timedelta(days=30))
    outsider = member()
    client.force_login(outsider)
    url = reverse("bookings:impact", args=[gig.booking.pk, 30])
    assert client.get(url).status_code == 404
    assert client.post(url, {"text": "Hijack"}).status_code == 404
    assert client.get(reverse("bookings:impact", args=[gig.booking.pk, 45])).status_code == 404
    with pytest.raises(BookingError):
        impact_answer(booking=gig.booking, by=outsider, day_mark=30, text="Hijack")
    assert not ImpactAnswer.objects.exists()


def test_the_booking_page_links_the_open_question_and_says_when_it_was_answered(
    terms, booker, client
):
    gig = ended_gig(by=booker, ended_ago=timedelta(days=30))
    booking = gig.booking
    client.force_login(booker)
    detail = reverse("bookings:detail", args=[booking.pk])
    page = client.get(detail).content.decode()
    assert reverse("bookings:impact", args=[booking.pk, 30]) in page
    assert reverse("bookings:impact", args=[booking.pk, 90]) not in page  # not open yet
    impact_answer(booking=booking, by=booker, day_mark=30, text="Uusi käytäntö.")
    page = client.get(detail).content.decode()
    assert "answered. Thank you!" in page


def test_a_recent_booking_page_shows_no_question(terms, booker, client):
    gig = ended_gig(by=booker, ended_ago=timedelta(days=3))
    client.force_login(booker)
    page = client.get(reverse("bookings:detail", args=[gig.booking.pk])).content.decode()
    assert reverse("bookings:impact", args=[gig.booking.pk, 30]) not in page


def test_the_sweep_has_its_beat_row_from_9_15_helsinki_time():
    app.loader.import_default_modules()
    row = PeriodicTask.objects.get(name="impact-questions")
    assert (row.task, row.enabled) == ("bookings.tasks.impact_questions_task", True)
    assert row.task in app.tasks
    assert (row.crontab.minute, row.crontab.hour) == ("15", "9-18")
    assert str(row.crontab.timezone) == "Europe/Helsinki"
