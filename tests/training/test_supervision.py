from datetime import date, datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from experts.models import Expert
from tests.factories import ExpertFactory
from tests.training.factories import (
    AttendanceFactory,
    CohortFactory,
    EnrollmentFactory,
    SessionFactory,
    programme,
)
from training.selectors import supervision_overdue

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 24)


def _days_ago(days: int) -> datetime:
    return timezone.make_aware(datetime.combine(TODAY - timedelta(days=days), time(16)))


@pytest.fixture
def group():
    return CohortFactory(programme=programme("supervision"), ends_on=None)


def _attended(expert, group, days_ago: int, status="present"):
    enrollment = group.enrollments.filter(expert=expert).first() or EnrollmentFactory(
        cohort=group, expert=expert
    )
    session = SessionFactory(cohort=group, starts_at=_days_ago(days_ago))
    AttendanceFactory(session=session, enrollment=enrollment, status=status)


def _certified(**kwargs):
    return ExpertFactory(certified_on=TODAY - timedelta(days=400), **kwargs)


def test_experts_without_recent_supervision_are_flagged(group):
    recent, lapsed, never = _certified(), _certified(), _certified()
    _attended(recent, group, 30)
    _attended(lapsed, group, 91)
    flagged = set(supervision_overdue(today=TODAY, gap_days=90))
    assert flagged == {lapsed, never}


def test_the_day_at_the_limit_is_not_yet_overdue(group):
    expert = _certified()
    _attended(expert, group, 90)
    assert not supervision_overdue(today=TODAY, gap_days=90).exists()


def test_absence_does_not_count_as_supervision(group):
    expert = _certified()
    _attended(expert, group, 10, status="absent")
    _attended(expert, group, 20, status="excused")
    assert list(supervision_overdue(today=TODAY, gap_days=90)) == [expert]


def test_other_training_does_not_count_as_supervision():
    expert = _certified()
    _attended(expert, CohortFactory(), 5)
    assert list(supervision_overdue(today=TODAY, gap_days=90)) == [expert]


def test_a_newly_certified_expert_has_the_same_period_to_start():
    ExpertFactory(certified_on=TODAY - timedelta(days=30))
    assert not supervision_overdue(today=TODAY, gap_days=90).exists()


def test_paused_retired_and_uncertified_experts_are_not_flagged():
    _certified(status=Expert.Status.PAUSED)
    _certified(status=Expert.Status.RETIRED)
    ExpertFactory(status=Expert.Status.IN_TRAINING)
    assert not supervision_overdue(today=TODAY, gap_days=90).exists()


def test_the_period_comes_from_the_setting(settings, group):
    expert = _certified()
    _attended(expert, group, 100)
    settings.SUPERVISION_MAX_GAP_DAYS = 120
    assert not supervision_overdue(today=TODAY).exists()
    settings.SUPERVISION_MAX_GAP_DAYS = 60
    assert list(supervision_overdue(today=TODAY)) == [expert]


def test_coordinators_see_the_flag_in_the_work_queue_and_on_the_supervision_page(
    client, coordinator
):
    expert = ExpertFactory(certified_on=timezone.localdate() - timedelta(days=200))
    client.force_login(coordinator)
    queue = client.get(reverse("coordinator_home")).content.decode()
    assert "Experts without work supervision" in queue or "työnohjaus" in queue.lower()
    assert expert.name in queue
    page = client.get(reverse("training_coordinator:supervision")).content.decode()
    assert expert.name in page
