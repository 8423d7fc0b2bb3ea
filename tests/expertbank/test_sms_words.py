"""The words an answer by text message understands (issue 17): KYLLÄ / JA / YES and EI / NEJ /
NO with the code, in any case, with or without a full stop; STOP (STOPP, LOPETA); anything else
is no answer, and a Swedish expert's NEJ declines the offer as if clicked."""

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext

from bookings.models import Assignment
from expertbank import sms
from expertbank.services.sms_inbound import sms_parse
from tests.bookings.factories import bookable_expert, offer, request_booking
from tests.factories import UserFactory


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("KYLLÄ 4821", ("yes", "4821")),
        ("kyllä 4821", ("yes", "4821")),
        ("Kylla 4821", ("yes", "4821")),
        ("JA 4821", ("yes", "4821")),
        ("yes 4821.", ("yes", "4821")),
        ("  EI 4821 ", ("no", "4821")),
        ("nej 4821!", ("no", "4821")),
        ("NO 4821", ("no", "4821")),
        ("STOP", ("stop", "")),
        ("Stopp", ("stop", "")),
        ("lopeta.", ("stop", "")),
        ("KYLLÄ", ("", "")),
        ("4821", ("", "")),
        ("MAYBE 4821", ("", "")),
        ("YES 48", ("", "")),
        ("YES 4821 please", ("", "")),
        ("", ("", "")),
        (None, ("", "")),
    ],
)
def test_the_answer_words(text, parsed):
    assert sms_parse(text) == parsed


@pytest.mark.django_db
def test_a_swedish_experts_nej_declines_and_the_reply_is_in_swedish(coordinator):
    expert = bookable_expert(
        user=UserFactory(language="sv", phone="+358401234999", phone_verified_at=timezone.now())
    )
    (assignment,) = offer(request_booking(), [expert], by=coordinator)
    reply = sms.get_sms_backend().receive(sender="+358401234999", text=f"nej {assignment.sms_code}")
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.DECLINED
    with translation.override("sv"):
        thanks = gettext("Thank you for answering. You declined the gig offer of %(date)s.")
    assert thanks.startswith("Tack") and reply.startswith(thanks.split("%(date)s")[0])
