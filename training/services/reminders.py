"""Training reminders, each found by a periodic sweep (``expertbank.reminders``).

- ``training_session_tomorrow``: each participant of a cohort, the day before a session.
- ``supervision_session``: each member of a work-supervision group, the day before a session.
- ``trainer_session_tomorrow``: the cohort's trainers, the day before, with the attendance link.

"Tomorrow" is the local calendar day (Europe/Helsinki): from 9.00 on the day before the session's
local date, whatever the clocks did overnight. The key carries the session's start (``v`` + UTC
minute), so a moved session is reminded of again and a cancelled one of nothing; a reminder found
only after the session began (an outage) is skipped, not sent late.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.conf import settings
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from expertbank.reminders import SweepResult, key_expression, stamp, sweep
from expertbank.services.notifications import message_send
from training.models import Enrollment, Programme, Session

REMIND_FROM = time(9)
LOOKBACK = timedelta(days=2)
# Who is reminded: those who take part and have not finished.
REMINDED = (Enrollment.Status.ACCEPTED, Enrollment.Status.IN_PROGRESS)


def _url(name: str, *args) -> str:
    return settings.SITE_URL + reverse(name, args=args)


def _midnight(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(0)))


def sessions_due(now: datetime):
    """Sessions whose reminder is due: starting before the end of tomorrow's local date from 9.00
    today (before that, before the end of today), not cancelled."""
    local = timezone.localtime(now)
    days_ahead = 2 if local.time() >= REMIND_FROM else 1
    return Session.objects.filter(
        cancelled=False,
        starts_at__lt=_midnight(local.date() + timedelta(days=days_ahead)),
        starts_at__gt=now - LOOKBACK,
    ).select_related("cohort__programme")


def _session_context(session: Session) -> dict:
    return {
        "session": session,
        "cohort": session.cohort,
        "where": session.place or session.cohort.place or session.remote_link,
        "url": _url("training:my_training"),
    }


def participant_reminders_send(*, now: datetime | None = None) -> SweepResult:
    """Remind each participant of tomorrow's session (or supervision session), once."""
    now = now or timezone.now()

    def send(session: Session, key: str) -> None:
        supervision = session.cohort.programme.kind == Programme.Kind.SUPERVISION
        kind = "supervision_session" if supervision else "training_session_tomorrow"
        enrollments = (
            session.cohort.enrollments.filter(status__in=REMINDED, expert__user__is_active=True)
            .select_related("expert__user")
            .order_by("pk")
        )
        for enrollment in enrollments:
            user = enrollment.expert.user
            message_send(
                kind=kind, key=f"{key}u{user.pk}", to_user=user, context=_session_context(session)
            )

    return sweep(
        sessions_due(now),
        kind="training_session_tomorrow",
        kinds=("supervision_session",),
        key=key_expression("session:", F("pk"), ":tomorrow:v", stamp("starts_at"), ":"),
        send=send,
        late=lambda session: session.starts_at <= now,
        prefix=True,
        order_by=("starts_at", "pk"),
    )


def trainer_reminders_send(*, now: datetime | None = None) -> SweepResult:
    """Remind the cohort's trainers of tomorrow's session with the attendance page, once."""
    now = now or timezone.now()

    def send(session: Session, key: str) -> None:
        context = _session_context(session) | {
            "url": _url("training:session_detail", session.pk),
            "participants": session.cohort.enrollments.filter(status__in=REMINDED).count(),
        }
        for user in session.cohort.trainers.filter(is_active=True).order_by("pk"):
            message_send(
                kind="trainer_session_tomorrow",
                key=f"{key}u{user.pk}",
                to_user=user,
                context=context,
            )

    return sweep(
        sessions_due(now),
        kind="trainer_session_tomorrow",
        key=key_expression("session:", F("pk"), ":trainer:v", stamp("starts_at"), ":"),
        send=send,
        late=lambda session: session.starts_at <= now,
        prefix=True,
        order_by=("starts_at", "pk"),
    )


def training_reminders_send(*, now: datetime | None = None) -> dict[str, int]:
    """Every training reminder that is due (the sweep)."""
    return (participant_reminders_send(now=now) + trainer_reminders_send(now=now)).as_dict()
