"""The coordinator's daily digest: what the work queue holds and what changed since yesterday.

One message per coordinator per local day (key ``digest:<user>:<date>``), from 7.30 Helsinki
time: the beat runs the sweep at 7.30 and again every quarter of an hour until the afternoon, so
a digest missed while the workers were down goes out later that morning, and never twice.

The queue's counts come from the apps' ``queue_panels`` (``expertbank.queue``); what changed
comes from each app's ``digest_changes(since=, until=)`` on its AppConfig, a list of
``DigestLine`` (the core imports no domain app). Routine events that used to send a coordinator
an e-mail each (an offer expired, a unit cancelled, an expert withdrew from a later gig) are read
here instead; what can't wait still goes at once (``coordinator_urgent``, ``checkin_debrief``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.apps import apps
from django.conf import settings
from django.db.models import F, Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise

from expertbank.models import User
from expertbank.queue import queue_panels
from expertbank.reminders import SweepResult, key_expression, sweep
from expertbank.roles import GROUP_ROLES, Role
from expertbank.services.notifications import message_send

DIGEST_AT = time(7, 30)


@dataclass
class DigestLine:
    label: str | Promise
    count: int
    names: list[str] = field(default_factory=list)


def coordinators():
    """Every active coordinator (the coordinators group and superusers)."""
    return User.objects.filter(
        Q(groups__name=GROUP_ROLES[Role.COORDINATOR]) | Q(is_superuser=True), is_active=True
    ).distinct()


def digest_window(day) -> tuple[datetime, datetime]:
    """From 7.30 the day before to 7.30 on ``day``, local time (23 or 25 hours across a clock
    change)."""
    until = timezone.make_aware(datetime.combine(day, DIGEST_AT))
    since = timezone.make_aware(datetime.combine(day - timedelta(days=1), DIGEST_AT))
    return since, until


def digest_changes(*, since: datetime, until: datetime) -> list[DigestLine]:
    """What changed in the window, from every app (the messages that failed for good are a
    panel of the work queue, with the reason)."""
    lines: list[DigestLine] = []
    for config in apps.get_app_configs():
        contribute = getattr(config, "digest_changes", None)
        if contribute is not None:
            lines += contribute(since=since, until=until)
    return lines


def digest_context(user: User, *, since: datetime, until: datetime) -> dict:
    request = HttpRequest()
    request.user = user
    panels = [panel for panel in queue_panels(request) if panel.count]
    return {
        "panels": panels,
        "changes": [line for line in digest_changes(since=since, until=until) if line.count],
        "since": since,
        "until": until,
        "url": settings.SITE_URL + reverse("coordinator_home"),
    }


def digests_send(*, now: datetime | None = None) -> SweepResult:
    """Send today's digest to each coordinator who has not had it, from 7.30 local time."""
    now = timezone.localtime(now or timezone.now())
    if now.time() < DIGEST_AT:
        return SweepResult()
    day = now.date()
    since, until = digest_window(day)

    def send(user: User, key: str) -> None:
        message_send(
            kind="coordinator_digest",
            key=key,
            to_user=user,
            context=digest_context(user, since=since, until=until) | {"day": day},
        )

    return sweep(
        User.objects.filter(pk__in=coordinators().values("pk")).exclude(email=""),
        kind="coordinator_digest",
        key=key_expression("digest:", F("pk"), f":{day.isoformat()}"),
        send=send,
        late=lambda user: False,
    )
