"""Discreet mode reaches every message an expert gets (issue 17): no e-mail subject or text
message of any kind names the booking when the recipient chose discreet mode, except the kinds
that go to units and coordinators. A new expert-facing kind that forgets the discreet include
fails here. The subjects of the report reminder, the returned report and the released feedback
say "Gig – place, time" through their services too, and a panel member's invitation to a later
meeting names that meeting's time."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from bookings import services
from bookings.services import panels as panel_services
from expertbank.message_kinds import KINDS
from expertbank.models import Message
from tests.bookings.factories import at, bookable_expert, confirmed
from tests.bookings.reports_factories import reported_gig
from tests.bookings.test_panels import (  # noqa: F401 (a fixture)
    local,
    new_panel,
    organiser,
    panel_terms,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

SECRET = "Mielenterveysviikon paneeli"
PLACE = "Kielotie 13, Vantaa"
# Kinds that go to booking units and coordinators, never to an expert: they may name the booking.
NOT_TO_EXPERTS = {
    "booking_cancelled_unit",
    "booking_confirmed_unit",
    "booking_cover_none_unit",
    "booking_experts_changed",
    "booking_received",
    "booking_rejected",
    "booking_rescheduled_unit",
    "coordinator_cover_none",
    "feedback_request",
    "impact_question",
    "unit_reminder_48h",
}


def _templates_dir() -> Path:
    return Path(settings.BASE_DIR) / "templates" / "notifications"


def test_no_subject_or_text_names_the_booking_to_a_discreet_expert(coordinator):
    expert = bookable_expert()
    booking = confirmed(
        experts=[expert], coordinator=coordinator, title=SECRET, place=PLACE,
        times=[(at(20, 10), at(20, 12))],
    )  # fmt: skip
    gig = booking.gigs.get()
    context = {
        "booking": booking,
        "gig": gig,
        "gigs": [gig],
        "occurrence": gig.occurrence,
        "assignment": gig.assignment,
        "recipient": expert.user,
        "url": "https://example.net/x/",
        "discreet": True,
    }
    leaking = []
    for kind in sorted(KINDS):
        for part in ("subject.txt", "sms.txt", "plain_subject.txt", "plain_sms.txt"):
            if not (_templates_dir() / kind / part).exists():
                continue
            with translation.override("en"):
                text = render_to_string(f"notifications/{kind}/{part}", context)
            if SECRET in text:
                leaking.append(f"{kind}/{part}")
    assert {name.split("/")[0] for name in leaking} <= NOT_TO_EXPERTS, leaking
    # The list of exceptions is real: each of them does name the booking.
    assert {name.split("/")[0] for name in leaking} == NOT_TO_EXPERTS


def test_a_returned_report_and_the_report_reminder_are_discreet(coordinator):
    expert = bookable_expert()
    expert.user.discreet = True
    expert.user.save()
    gig = reported_gig(expert=expert, coordinator=coordinator, title=SECRET, place=PLACE)
    services.report_return(gig=gig, by=coordinator, note="Tunnit puuttuvat.")
    message = Message.objects.get(kind="report_returned", recipient=expert.user)
    assert message.subject.startswith(f"Gig – {PLACE}, ")
    assert SECRET not in message.subject
    # Someone not in discreet mode still reads the title.
    other = bookable_expert()
    gig = reported_gig(expert=other, coordinator=coordinator, title=SECRET, place=PLACE, day=22)
    services.report_return(gig=gig, by=coordinator, note="Tunnit puuttuvat.")
    message = Message.objects.get(kind="report_returned", recipient=other.user)
    assert SECRET in message.subject


def test_a_panel_members_invitation_names_the_new_meetings_time(
    organiser,  # noqa: F811
    panel_terms,  # noqa: F811
    coordinator,
):
    panel = new_panel(organiser, place=PLACE)
    member = bookable_expert()
    member.user.discreet = True
    member.user.save()
    panel_services.panel_member_add(
        panel=panel, expert=member, answers={"Age group": "50+", "Region": "North"}, by=coordinator
    )
    first = timezone.localdate() + timedelta(days=10)
    later = first + timedelta(days=40)
    panel_services.panel_meeting_add(
        panel=panel, start=local(first, 17), end=local(first, 19), by=organiser
    )
    panel_services.panel_meeting_add(
        panel=panel, start=local(later, 17), end=local(later, 19), by=organiser
    )
    invites = Message.objects.filter(kind="booking_confirmed_expert", recipient=member.user)
    subjects = sorted(invites.values_list("subject", flat=True))
    # Joining, before any meeting: the place only (no dangling comma); then each meeting's time.
    assert subjects.pop(0) == f"Gig – {PLACE}"
    with translation.override("en"):
        from django.utils.formats import date_format

        times = [
            date_format(timezone.localtime(local(day, 17)), "SHORT_DATETIME_FORMAT")
            for day in (first, later)
        ]
    assert sorted(f"Gig – {PLACE}, {time}" for time in times) == subjects
    assert all("panel" not in subject for subject in subjects)
