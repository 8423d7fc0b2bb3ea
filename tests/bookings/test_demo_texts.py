"""Issue 17 in the demo: a discreet expert, a withdrawn gig with an automatic replacement offer,
an offer answered by text message in the message log, and an expert who chose plain language
with an offer waiting."""

import pytest
from django.core.management import call_command

from bookings.models import Assignment, BookingChange
from expertbank.demo import DEMO_DOMAIN
from expertbank.models import Message, User

pytestmark = pytest.mark.django_db


def test_the_demo_shows_cover_discretion_and_an_sms_answer():
    call_command("seed_demo", verbosity=0)
    assert User.objects.get(email=f"mikko.makinen@{DEMO_DOMAIN}").discreet
    replacement = Assignment.objects.filter(replacement_for__isnull=False).first()
    assert replacement is not None and replacement.offered_by is None
    withdrawn = BookingChange.objects.get(
        assignment=replacement.replacement_for, to_status="withdrawn"
    )
    assert withdrawn.note == ""
    reply = Message.objects.get(kind="sms_reply")
    assert (reply.channel, reply.status) == ("sms", "sent")
    answer = BookingChange.objects.get(
        by=reply.recipient, to_status="declined", note__startswith="EI "
    )
    assert answer.assignment.sms_code in answer.note
    # Plain language: Pekka has an offer waiting, told in the plain texts.
    pekka = User.objects.get(email=f"pekka.nieminen@{DEMO_DOMAIN}")
    assert pekka.plain_language
    waiting = Assignment.objects.get(expert__user=pekka, status="offered")
    told = Message.objects.filter(
        kind="booking_offer", key__startswith=f"booking-offer:{waiting.pk}"
    )
    assert sorted(told.values_list("channel", flat=True)) == ["email", "sms"]
    assert waiting.booking.title not in told.get(channel="email").body  # the plain text, short
    # Discretion: Mikko's confirmation in the message log names only the place and the time.
    mikko = User.objects.get(email=f"mikko.makinen@{DEMO_DOMAIN}")
    confirmation = Message.objects.get(kind="booking_confirmed_expert", recipient=mikko)
    booking = Assignment.objects.get(pk=int(confirmation.key.rsplit(":", 1)[1])).booking
    assert confirmation.subject.startswith(f"Keikka – {booking.place}, ")
    assert booking.title not in confirmation.subject
    assert confirmation.status == "sent"
    call_command("seed_demo", verbosity=0)
    assert Message.objects.filter(kind="sms_reply").count() == 1
    assert Message.objects.filter(kind="booking_confirmed_expert", recipient=mikko).count() == 1
    assert Assignment.objects.filter(expert__user=pekka, status="offered").count() == 1
