"""Builders for the tests of the work after a gig: gigs whose time has ended, reports, receipts.

Bookings are made through the services (in the future, as a unit must), then their times are
moved into the past, which is what the clock would have done.
"""

from __future__ import annotations

import base64
from datetime import timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F
from django.utils import timezone

from bookings.models import Booking, Gig, Occurrence
from bookings.services.reports import CheckInInput, ExpenseInput, report_submit
from tests.bookings.factories import at, bookable_expert, confirmed

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8/5+hHgAHggJ/PchI7wAAAABJRU5ErkJggg=="
)
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64
HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64


def png(name: str = "kuitti.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def upload(name: str, content: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def move_into_past(booking: Booking, *, ended_ago: timedelta) -> None:
    """Shift every time of ``booking`` so that its last time ended ``ended_ago`` before now."""
    booking.refresh_from_db()
    delta = timezone.now() - ended_ago - booking.last_end
    Occurrence.objects.filter(booking=booking).update(
        start=F("start") + delta, end=F("end") + delta
    )
    Gig.objects.filter(booking=booking).update(
        start=F("start") + delta, end=F("end") + delta, busy_until=F("busy_until") + delta
    )
    Booking.objects.filter(pk=booking.pk).update(
        first_start=F("first_start") + delta, last_end=F("last_end") + delta
    )


def ended_gig(
    *,
    expert=None,
    coordinator=None,
    hours: float = 2,
    ended_ago: timedelta = timedelta(hours=1),
    day: int = 20,
    **kwargs,
) -> Gig:
    """A confirmed one-off booking whose time ended ``ended_ago`` ago: the expert's gig waits
    for its report. ``day`` keeps bookings made in one test apart."""
    expert = expert or bookable_expert()
    minutes = int(hours * 60)
    start = at(day, 10)
    booking = confirmed(
        experts=[expert],
        coordinator=coordinator,
        times=[(start, start + timedelta(minutes=minutes))],
        **kwargs,
    )
    move_into_past(booking, ended_ago=ended_ago)
    return Gig.objects.select_related("expert__user", "booking").get(booking=booking, expert=expert)


def reported_gig(*, hours=Decimal("2"), preparation=Decimal("0"), expenses=(), **kwargs) -> Gig:
    gig = ended_gig(**kwargs)
    report_submit(
        gig=gig,
        by=gig.expert.user,
        hours=Decimal(hours),
        preparation_hours=Decimal(preparation),
        expenses=list(expenses),
    )
    gig.refresh_from_db()
    return gig


def report_data(**overrides) -> dict:
    """The POST of the report page with nothing but the hours filled in."""
    data = {
        "hours": "2",
        "preparation_hours": "",
        "km": "",
        "km_from": "",
        "notes": "",
        "expenses-TOTAL_FORMS": "3",
        "expenses-INITIAL_FORMS": "0",
        "expenses-MIN_NUM_FORMS": "0",
        "expenses-MAX_NUM_FORMS": "10",
        "checkin-feeling": "",
        "checkin-message": "",
    }
    data.update(overrides)
    return data


__all__ = [
    "CheckInInput",
    "ExpenseInput",
    "ended_gig",
    "move_into_past",
    "png",
    "private_media",
    "report_data",
    "reported_gig",
    "stored_files",
    "upload",
]


def private_media(settings, tmp_path):
    """Receipts go to a folder of the test's own (for a ``media`` fixture in each module)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_files(root) -> list:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []
