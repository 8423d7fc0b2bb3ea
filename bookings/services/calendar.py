"""The secret address of an expert's calendar feed."""

from __future__ import annotations

import secrets

from django.db import transaction
from django.utils import timezone

from bookings.models import CalendarToken
from experts.models import Expert


def _new_token() -> str:
    return secrets.token_urlsafe(32)


def calendar_token_get(*, expert: Expert) -> CalendarToken:
    token, _created = CalendarToken.objects.get_or_create(
        expert=expert, defaults={"token": _new_token()}
    )
    return token


@transaction.atomic
def calendar_token_reset(*, expert: Expert) -> CalendarToken:
    """A new secret address; the old one stops working at once."""
    token, _created = CalendarToken.objects.update_or_create(
        expert=expert, defaults={"token": _new_token(), "created_at": timezone.now()}
    )
    return token
