"""Reads of training pages, each in a constant number of queries however many rows there are."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from expertbank.roles import Role, user_roles
from experts.models import Expert
from training.models import (
    Application,
    Attendance,
    Certificate,
    Cohort,
    Enrollment,
    Programme,
    Session,
)
from training.services.enrollments import CompletionCheck, completion_evaluate

Status = Enrollment.Status


def _count(queryset: QuerySet, group_by: str) -> Coalesce:
    """A correlated COUNT(*) subquery (never multiplies rows the way joined counts do)."""
    counted = queryset.order_by().values(group_by).annotate(n=Count("*")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


# --- Who sees what -------------------------------------------------------------------------


def cohorts_for(user, *, own: bool = False) -> QuerySet[Cohort]:
    """Coordinators see every cohort (``own``: only those they teach); a trainer only the
    cohorts they teach; anyone else none."""
    cohorts = Cohort.objects.select_related("programme")
    roles = user_roles(user)
    if Role.COORDINATOR in roles and not own:
        return cohorts
    if Role.TRAINER in roles or Role.COORDINATOR in roles:
        taught = Cohort.trainers.through.objects.filter(user=user).values("cohort")
        return cohorts.filter(pk__in=taught)
    return cohorts.none()


def sessions_for(user, *, own: bool = False) -> QuerySet[Session]:
    """Sessions of the cohorts :func:`cohorts_for` gives."""
    return Session.objects.select_related("cohort__programme").filter(
        cohort__in=cohorts_for(user, own=own).values("pk")
    )


# --- Attendance lists ----------------------------------------------------------------------


@dataclass
class AttendanceRow:
    enrollment: Enrollment
    status: str = ""


@dataclass
class AttendanceBoard:
    """A session with its participants and the marks so far: the list a trainer ticks."""

    session: Session
    rows: list[AttendanceRow] = field(default_factory=list)

    @property
    def marked(self) -> int:
        return sum(1 for row in self.rows if row.status)

    @property
    def present(self) -> int:
        return sum(1 for row in self.rows if row.status == Attendance.Status.PRESENT)

    @property
    def choices(self) -> list[tuple[str, str]]:
        return Attendance.Status.choices


def attendance_boards(sessions: list[Session]) -> list[AttendanceBoard]:
    """Attendance lists of ``sessions`` in two queries, whatever their number and size."""
    if not sessions:
        return []
    enrollments = (
        Enrollment.objects.filter(
            cohort__in={s.cohort_id for s in sessions}, status__in=Enrollment.TAKING_PART
        )
        .select_related("expert__user")
        .order_by("expert__user__full_name", "pk")
    )
    by_cohort: dict[int, list[Enrollment]] = {}
    for enrollment in enrollments:
        by_cohort.setdefault(enrollment.cohort_id, []).append(enrollment)
    marks = {
        (a.session_id, a.enrollment_id): a.status
        for a in Attendance.objects.filter(session__in=sessions).only(
            "session_id", "enrollment_id", "status"
        )
    }
    return [
        AttendanceBoard(
            session=session,
            rows=[
                AttendanceRow(enrollment=e, status=marks.get((session.pk, e.pk), ""))
                for e in by_cohort.get(session.cohort_id, [])
            ],
        )
        for session in sessions
    ]


# --- A cohort and its participants ---------------------------------------------------------


@dataclass
class Participant:
    enrollment: Enrollment
    check: CompletionCheck
    certificate: Certificate | None

    @property
    def attendance_percent(self) -> Decimal | None:
        return self.check.attendance_percent


def cohort_sessions(cohort: Cohort) -> QuerySet[Session]:
    """The cohort's sessions with how many were present at each."""
    return cohort.sessions.annotate(
        present_count=Count("attendances", filter=Q(attendances__status="present"))
    ).order_by("starts_at", "pk")


def cohort_participants(cohort: Cohort, *, now: datetime | None = None) -> list[Participant]:
    """Everyone enrolled, with their attendance over the held sessions and the rule applied."""
    now = now or timezone.now()
    held_sessions = Session.objects.filter(cohort=cohort).held(now)
    held = held_sessions.count()
    enrollments = (
        cohort.enrollments.select_related("expert__user", "certificate")
        .annotate(
            present=Count(
                "attendances",
                filter=Q(attendances__status="present", attendances__session__in=held_sessions),
            ),
            excused=Count(
                "attendances",
                filter=Q(attendances__status="excused", attendances__session__in=held_sessions),
            ),
        )
        .order_by("expert__user__full_name", "pk")
    )
    result = []
    for enrollment in enrollments:
        check = completion_evaluate(
            programme=cohort.programme,
            held=held,
            present=enrollment.present,
            excused=enrollment.excused,
            assignment_accepted=enrollment.final_assignment_accepted,
        )
        certificate = getattr(enrollment, "certificate", None)
        result.append(Participant(enrollment=enrollment, check=check, certificate=certificate))
    return result


# --- Coordinator overview ------------------------------------------------------------------


@dataclass
class CohortFigures:
    cohort: Cohort

    @property
    def fill_percent(self) -> Decimal | None:
        return percent(self.cohort.participants, self.cohort.capacity)

    @property
    def attendance_percent(self) -> Decimal | None:
        active = self.cohort.participants
        return percent(self.cohort.present_marks, self.cohort.held_sessions * active)


def cohort_overview(*, now: datetime | None = None, year: int | None = None) -> list[CohortFigures]:
    """Per cohort: fill rate, attendance %, completions, drop-outs, applications (one query)."""
    now = now or timezone.now()
    cohort = OuterRef("pk")
    enrollments = Enrollment.objects.filter(cohort=cohort)
    held = Session.objects.filter(cohort=cohort).held(now)
    present = Attendance.objects.filter(
        session__cohort=cohort,
        session__cancelled=False,
        session__starts_at__lte=now,
        status=Attendance.Status.PRESENT,
        enrollment__status__in=Enrollment.TAKING_PART,
    )
    applications = Application.objects.filter(cohort=cohort)
    cohorts = Cohort.objects.select_related("programme").annotate(
        participants=_count(enrollments.filter(status__in=Enrollment.TAKING_PART), "cohort"),
        completed=_count(enrollments.filter(status=Status.COMPLETED), "cohort"),
        dropped=_count(enrollments.filter(status=Status.DROPPED), "cohort"),
        held_sessions=_count(held, "cohort"),
        sessions_total=_count(Session.objects.filter(cohort=cohort, cancelled=False), "cohort"),
        present_marks=_count(present, "session__cohort"),
        applications_total=_count(applications, "cohort"),
        applications_waiting=_count(applications.filter(status__in=Application.WAITING), "cohort"),
    )
    if year:
        cohorts = cohorts.filter(starts_on__year=year)
    return [CohortFigures(cohort=c) for c in cohorts.order_by("-starts_on", "name")]


def pipeline_counts(*, year: int | None = None) -> dict[str, int]:
    """Basic training from application to bookable: applied → accepted → in training →
    completed → certified → bookable (with consent), and who fell off on the way."""
    basic = Q(cohort__programme__kind=Programme.Kind.BASIC)
    if year:
        basic &= Q(cohort__starts_on__year=year)
    applications = Application.objects.filter(basic).aggregate(
        applied=Count("pk"),
        waiting=Count("pk", filter=Q(status__in=Application.WAITING)),
        accepted=Count("pk", filter=Q(status=Application.Status.ACCEPTED)),
        not_accepted=Count(
            "pk",
            filter=Q(status__in=[Application.Status.REJECTED, Application.Status.WITHDRAWN]),
        ),
    )
    enrollments = Enrollment.objects.filter(basic).aggregate(
        in_training=Count("pk", filter=Q(status__in=[Status.ACCEPTED, Status.IN_PROGRESS])),
        completed=Count("pk", filter=Q(status=Status.COMPLETED)),
        certified=Count(
            "pk", filter=Q(status=Status.COMPLETED, expert__certified_on__isnull=False)
        ),
        dropped=Count("pk", filter=Q(status=Status.DROPPED)),
    )
    graduates = Enrollment.objects.filter(basic, status=Status.COMPLETED).values("expert")
    bookable = Expert.objects.bookable().filter(pk__in=graduates).count()
    return {**applications, **enrollments, "bookable": bookable}


def applications_waiting() -> QuerySet[Application]:
    return (
        Application.objects.filter(status__in=Application.WAITING)
        .select_related("cohort")
        .order_by("created_at", "pk")
    )


# --- Work supervision ----------------------------------------------------------------------


def supervision_overdue(*, today: date | None = None, gap_days: int | None = None):
    """Active certified experts who have not attended work supervision within the period
    (``SUPERVISION_MAX_GAP_DAYS``); newly certified experts get the same period to start."""
    today = today or timezone.localdate()
    gap_days = settings.SUPERVISION_MAX_GAP_DAYS if gap_days is None else gap_days
    cutoff_day = today - timedelta(days=gap_days)
    cutoff = timezone.make_aware(datetime.combine(cutoff_day, datetime.min.time()))
    attended = Attendance.objects.filter(
        enrollment__expert=OuterRef("pk"),
        enrollment__cohort__programme__kind=Programme.Kind.SUPERVISION,
        status=Attendance.Status.PRESENT,
        session__cancelled=False,
    )
    last = attended.order_by("-session__starts_at").values("session__starts_at")[:1]
    # "The last supervision is before the cutoff, or there is none and the expert was certified
    # before it", as EXISTS tests the database can join at once, instead of the latest session
    # looked up for each of five thousand experts twice (issue 19); the date is read for the
    # rows shown only.
    return (
        Expert.objects.filter(status=Expert.Status.ACTIVE, certified_on__isnull=False)
        .filter(~Exists(attended.filter(session__starts_at__gte=cutoff)))
        .filter(Exists(attended) | Q(certified_on__lt=cutoff_day))
        .annotate(last_supervision=Subquery(last))
        .select_related("user")
        .order_by("user__full_name", "pk")
    )


# --- The expert's own training -------------------------------------------------------------


def expert_enrollments(expert: Expert, *, now: datetime | None = None) -> list[Enrollment]:
    """The expert's own enrollments with sessions held and attended, and the certificate."""
    held = Session.objects.filter(cohort=OuterRef("cohort")).held(now)
    present = Attendance.objects.filter(
        enrollment=OuterRef("pk"), status=Attendance.Status.PRESENT, session__cancelled=False
    )
    return list(
        expert.training_enrollments.select_related("cohort__programme", "certificate")
        .annotate(held=_count(held, "cohort"), present=_count(present, "enrollment"))
        .order_by("-cohort__starts_on", "pk")
    )


def expert_upcoming_sessions(expert: Expert, *, now: datetime, limit: int = 10) -> list[Session]:
    return list(
        Session.objects.filter(
            cohort__enrollments__expert=expert,
            cohort__enrollments__status__in=[Status.ACCEPTED, Status.IN_PROGRESS],
            cancelled=False,
            ends_at__gte=now,
        )
        .select_related("cohort__programme")
        .order_by("starts_at", "pk")[:limit]
    )


def with_trainers(queryset: QuerySet[Cohort]) -> QuerySet[Cohort]:
    """Cohorts with their trainers (one extra query for all of them)."""
    return queryset.prefetch_related(Prefetch("trainers", to_attr="trainer_list"))
