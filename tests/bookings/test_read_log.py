"""A wellbeing check-in is health data: every coordinator's page that shows one (the list, the
report page, marking the debrief arranged) puts it in the expert's read log."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bookings.models import CheckIn
from bookings.services.reports import CheckInInput, report_submit
from expertbank.models import ReadEntry
from tests.bookings.factories import member
from tests.bookings.reports_factories import ended_gig

pytestmark = pytest.mark.django_db

CHECKINS = "/coordinator/bookings/checkins/"


def checked_in_gig(coordinator, *, day=20):
    gig = ended_gig(by=member(), coordinator=coordinator, day=day)
    report_submit(
        gig=gig,
        by=gig.expert.user,
        hours=Decimal("2"),
        checkin=CheckInInput(feeling=1, wants_debrief=True, message="Raskas päivä"),
    )
    return gig


@pytest.fixture
def desk(client, coordinator):
    client.force_login(coordinator)
    return client


def wellbeing_reads():
    return sorted(
        ReadEntry.objects.filter(kind=ReadEntry.Kind.WELLBEING).values_list(
            "object_id", "subject_id"
        )
    )


def test_the_list_of_check_ins_is_a_read_of_each_one_shown(desk, terms, coordinator):
    gigs = [checked_in_gig(coordinator, day=day) for day in (20, 22)]
    assert desk.get(CHECKINS).status_code == 200
    assert wellbeing_reads() == sorted(
        (str(CheckIn.objects.get(gig=gig).pk), gig.expert.user_id) for gig in gigs
    )


def test_the_report_page_and_the_arrange_page_are_reads_of_the_check_in(desk, terms, coordinator):
    gig = checked_in_gig(coordinator)
    checkin = CheckIn.objects.get(gig=gig)
    assert desk.get(f"/coordinator/bookings/reports/{gig.pk}/").status_code == 200
    assert wellbeing_reads() == [(str(checkin.pk), gig.expert.user_id)]
    ReadEntry.objects.all().delete()
    assert desk.get(f"{CHECKINS}{checkin.pk}/arrange/").status_code == 200
    assert wellbeing_reads() == [(str(checkin.pk), gig.expert.user_id)]


def test_the_list_of_check_ins_logs_its_reads_in_one_query(desk, terms, coordinator):
    checked_in_gig(coordinator, day=20)
    desk.get(CHECKINS)
    with CaptureQueriesContext(connection) as one:
        desk.get(CHECKINS)
    for day in (22, 24, 26):
        checked_in_gig(coordinator, day=day)
    with CaptureQueriesContext(connection) as four:
        desk.get(CHECKINS)
    assert len(wellbeing_reads()) == 4
    assert len(four) == len(one)
