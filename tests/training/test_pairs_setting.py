"""Pairs (issue 17): completing basic training copies the programme's number of first gigs in a
pair onto the newly certified expert; an expert certified earlier keeps what they had."""

from datetime import date

import pytest

from experts.models import Expert
from tests.factories import ExpertFactory
from tests.training.factories import AttendanceFactory, EnrollmentFactory
from tests.training.test_completion import _cohort_with_sessions
from training.services import enrollment_complete, final_assignment_set

pytestmark = pytest.mark.django_db


def _complete(expert: Expert, *, paired_gigs: int) -> Expert:
    cohort, sessions = _cohort_with_sessions(held=10)
    cohort.programme.paired_gigs = paired_gigs
    cohort.programme.save(update_fields=["paired_gigs"])
    enrollment = EnrollmentFactory(cohort=cohort, expert=expert)
    for session in sessions[:8]:
        AttendanceFactory(session=session, enrollment=enrollment)
    final_assignment_set(enrollment=enrollment, by=None, accepted=True)
    enrollment_complete(enrollment=enrollment, by=None, on=date(2026, 11, 20))
    expert.refresh_from_db()
    return expert


def test_a_newly_certified_expert_gets_the_programmes_first_gigs_in_a_pair(run_on_commit):
    expert = ExpertFactory(status=Expert.Status.IN_TRAINING)
    with run_on_commit():
        expert = _complete(expert, paired_gigs=3)
    assert expert.certified_on == date(2026, 11, 20)
    assert expert.paired_gigs_required == 3


def test_an_expert_certified_earlier_keeps_their_setting(run_on_commit):
    expert = ExpertFactory(status=Expert.Status.ACTIVE, certified_on=date(2019, 5, 1))
    with run_on_commit():
        expert = _complete(expert, paired_gigs=3)
    assert expert.certified_on == date(2019, 5, 1)
    assert expert.paired_gigs_required == 0


def test_a_programme_without_pairs_sets_none(run_on_commit):
    expert = ExpertFactory(status=Expert.Status.IN_TRAINING)
    with run_on_commit():
        expert = _complete(expert, paired_gigs=0)
    assert expert.paired_gigs_required == 0
