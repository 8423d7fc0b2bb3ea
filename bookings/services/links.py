"""Signed, expiring answer links for offer e-mails (a GET shows a page; only a POST acts)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.translation import gettext as _

from bookings.models import Assignment
from bookings.services.common import BookingError

ANSWER_SALT = "bookings.offer-answer"
ANSWER_LINK_MAX_AGE = timedelta(days=21)


def answer_token(assignment: Assignment) -> str:
    return signing.dumps({"a": assignment.pk, "x": assignment.expert_id}, salt=ANSWER_SALT)


def answer_url(assignment: Assignment, answer: str = "") -> str:
    url = settings.SITE_URL + reverse("bookings_expert:answer", args=[answer_token(assignment)])
    return f"{url}?answer={answer}" if answer else url


def assignment_from_answer_token(token: str) -> Assignment:
    """The offer behind a link, if the link is genuine and not too old."""
    try:
        data = signing.loads(token, salt=ANSWER_SALT, max_age=ANSWER_LINK_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise BookingError(
            _("This answer link is too old. Log in to see your offers, or call the coordinator.")
        ) from exc
    except signing.BadSignature as exc:
        raise BookingError(
            _("This answer link is not valid. Log in to see your offers, or call the coordinator.")
        ) from exc
    assignment = (
        Assignment.objects.select_related(
            "booking__unit__organisation", "booking__work_kind", "booking__terms", "expert__user"
        )
        .filter(pk=data.get("a"), expert_id=data.get("x"))
        .first()
    )
    if assignment is None:
        raise BookingError(_("This offer no longer exists. Log in to see your offers."))
    return assignment
