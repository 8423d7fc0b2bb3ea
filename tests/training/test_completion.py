from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from expertbank.models import AuditEntry
from experts.models import Expert
from experts.services import consent_give
from tests.factories import ExpertFactory
from tests.training.factories import (
    AttendanceFactory,
    CohortFactory,
    EnrollmentFactory,
    SessionFactory,
    programme,
)
from training.models import Attendance, Certificate, Enrollment, EnrollmentStatusChange
from training.services import (
    TrainingError,
    attendance_mark,
    completion_check,
    completion_evaluate,
    enrollment_complete,
    enrollment_create,
    enrollment_status_set,
    enrollments_start_due,
    final_assignment_set,
)

pytestmark = pytest.mark.django_db


def _rule(percent=80, assignment=True, excused=False):
    basic = programme("basic")
    basic.min_attendance_percent = percent
    basic.final_assignment_required = assignment
    basic.excused_counts_as_attended = excused
    return basic


@pytest.mark.parametrize(
    ("held", "present", "met"),
    [
        (10, 8, True),  # exactly 80 %
        (10, 7, False),
        (5, 4, True),  # 80 %
        (99, 79, False),  # 79.8 %: never rounded up over the line
        (99, 80, True),
        (3, 3, True),
        (0, 0, False),  # nothing held yet
    ],
)
def test_the_attendance_rule_holds_exactly_at_the_threshold(held, present, met):
    check = completion_evaluate(
        programme=_rule(), held=held, present=present, excused=0, assignment_accepted=True
    )
    assert check.attendance_ok is met
    assert check.met is met


def test_two_of_three_is_not_enough_for_a_67_percent_rule():
    check = completion_evaluate(
        programme=_rule(percent=67), held=3, present=2, excused=0, assignment_accepted=True
    )
    assert check.attendance_percent == Decimal("66.7")
    assert not check.met


def test_a_zero_percent_rule_is_met_before_any_session():
    check = completion_evaluate(
        programme=_rule(percent=0, assignment=False),
        held=0,
        present=0,
        excused=0,
        assignment_accepted=False,
    )
    assert check.met


def test_the_final_assignment_is_needed_only_where_the_programme_says_so():
    with_assignment = completion_evaluate(
        programme=_rule(), held=10, present=10, excused=0, assignment_accepted=False
    )
    without = completion_evaluate(
        programme=_rule(assignment=False), held=10, present=10, excused=0, assignment_accepted=False
    )
    assert not with_assignment.met
    assert "final assignment" in " ".join(with_assignment.reasons)
    assert without.met


def test_excused_absences_count_only_when_the_rule_says_so():
    strict = completion_evaluate(
        programme=_rule(), held=10, present=7, excused=1, assignment_accepted=True
    )
    lenient = completion_evaluate(
        programme=_rule(excused=True), held=10, present=7, excused=1, assignment_accepted=True
    )
    assert not strict.met
    assert lenient.met


def _cohort_with_sessions(held: int, future: int = 0, cancelled: int = 0):
    cohort = CohortFactory()
    now = timezone.now()
    held_sessions = [
        SessionFactory(cohort=cohort, starts_at=now - timedelta(days=7 * (i + 1)))
        for i in range(held)
    ]
    for i in range(future):
        SessionFactory(cohort=cohort, starts_at=now + timedelta(days=7 * (i + 1)))
    for i in range(cancelled):
        SessionFactory(cohort=cohort, starts_at=now - timedelta(days=3 + i), cancelled=True)
    return cohort, held_sessions


def test_the_check_counts_only_held_sessions_not_future_or_cancelled_ones():
    cohort, sessions = _cohort_with_sessions(held=5, future=5, cancelled=2)
    enrollment = EnrollmentFactory(cohort=cohort, final_assignment_accepted=True)
    for session in sessions[:4]:
        AttendanceFactory(session=session, enrollment=enrollment)
    check = completion_check(enrollment)
    assert (check.held, check.attended) == (5, 4)
    assert check.met


def test_completing_basic_training_certifies_the_expert_and_makes_them_bookable_with_consent(
    run_on_commit,
):
    cohort, sessions = _cohort_with_sessions(held=10)
    expert = ExpertFactory(status=Expert.Status.IN_TRAINING)
    enrollment = EnrollmentFactory(cohort=cohort, expert=expert)
    for session in sessions[:8]:
        AttendanceFactory(session=session, enrollment=enrollment)
    final_assignment_set(enrollment=enrollment, by=None, accepted=True)
    with run_on_commit():
        enrollment_complete(enrollment=enrollment, by=None, on=date(2026, 11, 20))
    expert.refresh_from_db()
    assert expert.status == Expert.Status.ACTIVE
    assert expert.certified_on == date(2026, 11, 20)
    assert not Expert.objects.bookable().filter(pk=expert.pk).exists()  # no consent yet
    consent_give(expert=expert, by=None)
    assert Expert.objects.bookable().filter(pk=expert.pk).exists()
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.COMPLETED
    assert enrollment.status_changes.last().to_status == Enrollment.Status.COMPLETED
    assert Certificate.objects.filter(enrollment=enrollment).exists()


def test_completion_is_refused_below_the_rule_and_nothing_changes():
    cohort, sessions = _cohort_with_sessions(held=10)
    expert = ExpertFactory(status=Expert.Status.IN_TRAINING)
    enrollment = EnrollmentFactory(cohort=cohort, expert=expert, final_assignment_accepted=True)
    for session in sessions[:7]:
        AttendanceFactory(session=session, enrollment=enrollment)
    before = (
        Enrollment.objects.filter(pk=enrollment.pk).values().get(),
        Expert.objects.filter(pk=expert.pk).values().get(),
        EnrollmentStatusChange.objects.count(),
        Certificate.objects.count(),
        AuditEntry.objects.count(),
    )
    with pytest.raises(TrainingError, match=r"70\.0 %"):
        enrollment_complete(enrollment=enrollment, by=None)
    enrollment.refresh_from_db()
    expert.refresh_from_db()
    assert enrollment.status == Enrollment.Status.IN_PROGRESS
    assert expert.certified_on is None
    assert expert.status == Expert.Status.IN_TRAINING
    assert (
        Enrollment.objects.filter(pk=enrollment.pk).values().get(),
        Expert.objects.filter(pk=expert.pk).values().get(),
        EnrollmentStatusChange.objects.count(),
        Certificate.objects.count(),
        AuditEntry.objects.count(),
    ) == before


def test_an_earlier_certification_and_a_paused_status_are_kept(run_on_commit):
    cohort, sessions = _cohort_with_sessions(held=2)
    expert = ExpertFactory(status=Expert.Status.PAUSED, certified_on=date(2020, 5, 1))
    enrollment = EnrollmentFactory(cohort=cohort, expert=expert, final_assignment_accepted=True)
    for session in sessions:
        AttendanceFactory(session=session, enrollment=enrollment)
    with run_on_commit():
        enrollment_complete(enrollment=enrollment, by=None)
    expert.refresh_from_db()
    assert expert.certified_on == date(2020, 5, 1)
    assert expert.status == Expert.Status.PAUSED


def test_completing_a_supervision_group_neither_certifies_nor_makes_a_certificate(run_on_commit):
    cohort = CohortFactory(programme=programme("supervision"), ends_on=None)
    SessionFactory(cohort=cohort)
    expert = ExpertFactory(status=Expert.Status.IN_TRAINING)
    enrollment = EnrollmentFactory(cohort=cohort, expert=expert)
    with run_on_commit():
        enrollment_complete(enrollment=enrollment, by=None)
    expert.refresh_from_db()
    assert expert.certified_on is None
    assert not Certificate.objects.exists()


def test_a_dropped_participant_cannot_complete():
    cohort, sessions = _cohort_with_sessions(held=1)
    enrollment = EnrollmentFactory(cohort=cohort, status=Enrollment.Status.DROPPED)
    AttendanceFactory(session=sessions[0], enrollment=enrollment)
    with pytest.raises(TrainingError, match="dropped out"):
        enrollment_complete(enrollment=enrollment, by=None)


def test_status_changes_follow_the_allowed_moves_and_leave_a_row(coordinator):
    enrollment = EnrollmentFactory(status=Enrollment.Status.ACCEPTED)
    enrollment_status_set(
        enrollment=enrollment, to=Enrollment.Status.DROPPED, by=coordinator, note="muutti"
    )
    change = EnrollmentStatusChange.objects.get(enrollment=enrollment)
    assert (change.from_status, change.to_status, change.by, change.note) == (
        "accepted",
        "dropped",
        coordinator,
        "muutti",
    )
    enrollment_status_set(enrollment=enrollment, to=Enrollment.Status.ACCEPTED, by=coordinator)
    with pytest.raises(TrainingError):
        enrollment_status_set(enrollment=enrollment, to=Enrollment.Status.APPLIED, by=coordinator)


def test_a_cohort_takes_no_more_than_its_capacity(coordinator):
    cohort = CohortFactory(capacity=1)
    enrollment_create(cohort=cohort, expert=ExpertFactory(), by=coordinator)
    with pytest.raises(TrainingError, match="full"):
        enrollment_create(cohort=cohort, expert=ExpertFactory(), by=coordinator)
    dropped = EnrollmentFactory(cohort=cohort, status=Enrollment.Status.DROPPED)
    with pytest.raises(TrainingError, match="full"):
        enrollment_status_set(enrollment=dropped, to=Enrollment.Status.ACCEPTED, by=coordinator)


def test_an_expert_is_enrolled_in_a_cohort_once(coordinator):
    enrollment = EnrollmentFactory()
    with pytest.raises(TrainingError, match="already"):
        enrollment_create(cohort=enrollment.cohort, expert=enrollment.expert, by=coordinator)


def test_marking_attendance_starts_an_accepted_participant(trainer):
    session = SessionFactory()
    enrollment = EnrollmentFactory(cohort=session.cohort, status=Enrollment.Status.ACCEPTED)
    assert attendance_mark(session=session, by=trainer, marks={enrollment.pk: "present"}) == 1
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.IN_PROGRESS
    # Changing a mark updates the row; marking the same again changes nothing.
    assert attendance_mark(session=session, by=trainer, marks={enrollment.pk: "excused"}) == 1
    assert attendance_mark(session=session, by=trainer, marks={enrollment.pk: "excused"}) == 0
    assert Attendance.objects.get().status == "excused"


def test_attendance_is_not_marked_for_a_future_or_cancelled_session_or_a_stranger(trainer):
    future = SessionFactory(starts_at=timezone.now() + timedelta(days=2))
    enrollment = EnrollmentFactory(cohort=future.cohort)
    with pytest.raises(TrainingError, match="day of the session"):
        attendance_mark(session=future, by=trainer, marks={enrollment.pk: "present"})
    cancelled = SessionFactory(cohort=future.cohort, cancelled=True)
    with pytest.raises(TrainingError, match="cancelled"):
        attendance_mark(session=cancelled, by=trainer, marks={enrollment.pk: "present"})
    past = SessionFactory(cohort=future.cohort)
    stranger = EnrollmentFactory()
    with pytest.raises(TrainingError, match="no longer in this cohort"):
        attendance_mark(session=past, by=trainer, marks={stranger.pk: "present"})
    assert not Attendance.objects.exists()


def test_the_periodic_sweep_starts_accepted_participants_of_started_cohorts():
    started = EnrollmentFactory(status=Enrollment.Status.ACCEPTED)
    later = EnrollmentFactory(
        status=Enrollment.Status.ACCEPTED,
        cohort=CohortFactory(
            starts_on=timezone.localdate() + timedelta(days=3),
            ends_on=timezone.localdate() + timedelta(days=30),
        ),
    )
    assert enrollments_start_due() == 1
    started.refresh_from_db()
    later.refresh_from_db()
    assert started.status == Enrollment.Status.IN_PROGRESS
    assert later.status == Enrollment.Status.ACCEPTED
