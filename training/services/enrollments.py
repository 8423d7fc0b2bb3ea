"""Enrollments, attendance and completion.

Every status change writes an ``EnrollmentStatusChange`` row. Completion follows the programme's
rule, kept as data: attendance over the held sessions at least the programme's minimum, and the
final assignment accepted where the programme requires one. Completing basic training certifies
the expert (through the experts service) and a certificate PDF is made in a task.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Count, Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from expertbank.models import User
from expertbank.services.audit import audit_record
from experts.models import Expert
from experts.services.pool import expert_update_impl
from training.models import (
    Attendance,
    Cohort,
    Enrollment,
    EnrollmentStatusChange,
    Programme,
    Session,
)
from training.services.errors import TrainingError

Status = Enrollment.Status

# Moves a coordinator may make; completion has its own service with the rule check.
ALLOWED: dict[str, set[str]] = {
    Status.APPLIED: {Status.ACCEPTED, Status.DROPPED},
    Status.ACCEPTED: {Status.IN_PROGRESS, Status.DROPPED},
    Status.IN_PROGRESS: {Status.DROPPED},
    Status.DROPPED: {Status.ACCEPTED, Status.IN_PROGRESS},
    Status.COMPLETED: set(),
}


def _record_change(
    enrollment: Enrollment, *, to: str, by: User | None, note: str = "", at: datetime | None = None
) -> None:
    at = at or timezone.now()
    EnrollmentStatusChange.objects.create(
        enrollment=enrollment,
        from_status=enrollment.status,
        to_status=to,
        by=by,
        note=note[:300],
        at=at,
    )
    enrollment.status = to
    enrollment.status_since = at


def cohort_capacity_check(*, cohort: Cohort, capacity: int) -> None:
    """A cohort's capacity is never set below the number of people taking part in it."""
    taking_part = cohort.enrollments.filter(status__in=Enrollment.TAKING_PART).count()
    if capacity < taking_part:
        raise TrainingError(
            _("Taking part in this cohort: %(count)s. The capacity cannot be lower than that.")
            % {"count": taking_part}
        )


def _check_capacity(cohort: Cohort) -> None:
    taking_part = cohort.enrollments.filter(status__in=Enrollment.TAKING_PART).count()
    if taking_part >= cohort.capacity:
        raise TrainingError(
            _(
                "The cohort is full (%(capacity)s places). Raise its capacity first if you want "
                "to take more participants."
            )
            % {"capacity": cohort.capacity}
        )


def enrollment_create_impl(
    *,
    cohort: Cohort,
    expert: Expert,
    by: User | None,
    application=None,
    status: str = Status.ACCEPTED,
    note: str = "",
) -> Enrollment:
    """``enrollment_create`` inside the caller's transaction (accepting an application,
    enrolling several experts at once, demo data)."""
    cohort = Cohort.objects.select_for_update().get(pk=cohort.pk)
    if Enrollment.objects.filter(cohort=cohort, expert=expert).exists():
        raise TrainingError(
            _("%(name)s is already in the cohort %(cohort)s.")
            % {"name": expert.name, "cohort": cohort.name}
        )
    if status in Enrollment.TAKING_PART:
        _check_capacity(cohort)
    enrollment = Enrollment.objects.create(
        cohort=cohort, expert=expert, application=application, status=status
    )
    EnrollmentStatusChange.objects.create(
        enrollment=enrollment, from_status="", to_status=status, by=by, note=note[:300]
    )
    return enrollment


@transaction.atomic(durable=True)
def enrollment_create(
    *,
    cohort: Cohort,
    expert: Expert,
    by: User | None,
    application=None,
    status: str = Status.ACCEPTED,
    note: str = "",
) -> Enrollment:
    """Put an expert in a cohort, once, within the cohort's capacity."""
    return enrollment_create_impl(
        cohort=cohort, expert=expert, by=by, application=application, status=status, note=note
    )


@transaction.atomic(durable=True)
def cohort_enroll(
    *, cohort: Cohort, experts: Iterable[Expert], by: User | None
) -> list[Enrollment]:
    """Add several experts to a cohort (a supervision group, a follow-up training): all of them
    or, if one cannot be added, none."""
    return [enrollment_create_impl(cohort=cohort, expert=expert, by=by) for expert in experts]


def enrollment_status_set_impl(
    *, enrollment: Enrollment, to: str, by: User | None, note: str = ""
) -> Enrollment:
    """``enrollment_status_set`` inside the caller's transaction (demo data)."""
    enrollment = (
        Enrollment.objects.select_for_update(of=("self",))
        .select_related("cohort", "expert__user")
        .get(pk=enrollment.pk)
    )
    if to == enrollment.status:
        return enrollment
    if to not in ALLOWED[enrollment.status]:
        raise TrainingError(
            _("A participant who is %(current)s cannot be marked %(wanted)s.")
            % {"current": enrollment.get_status_display(), "wanted": Status(to).label}
        )
    if to in Enrollment.TAKING_PART and enrollment.status not in Enrollment.TAKING_PART:
        Cohort.objects.select_for_update().filter(pk=enrollment.cohort_id).first()
        _check_capacity(enrollment.cohort)
    _record_change(enrollment, to=to, by=by, note=note)
    enrollment.save(update_fields=["status", "status_since"])
    return enrollment


@transaction.atomic(durable=True)
def enrollment_status_set(
    *, enrollment: Enrollment, to: str, by: User | None, note: str = ""
) -> Enrollment:
    """Move an enrollment along (accept, start, drop out, take back); never to completed."""
    return enrollment_status_set_impl(enrollment=enrollment, to=to, by=by, note=note)


def _start(enrollments: Iterable[Enrollment], *, by: User | None, at: datetime) -> int:
    """Accepted participants who have begun are in progress (one status row each)."""
    starting = [e for e in enrollments if e.status == Status.ACCEPTED]
    EnrollmentStatusChange.objects.bulk_create(
        EnrollmentStatusChange(
            enrollment=e, from_status=e.status, to_status=Status.IN_PROGRESS, by=by, at=at
        )
        for e in starting
    )
    Enrollment.objects.filter(pk__in=[e.pk for e in starting]).update(
        status=Status.IN_PROGRESS, status_since=at
    )
    for enrollment in starting:
        enrollment.status = Status.IN_PROGRESS
        enrollment.status_since = at
    return len(starting)


@transaction.atomic(durable=True)
def enrollments_start_due(*, today: date | None = None) -> int:
    """The periodic sweep: accepted participants of cohorts that have started are in progress."""
    today = today or timezone.localdate()
    due = list(
        Enrollment.objects.select_for_update(of=("self",))
        .filter(status=Status.ACCEPTED, cohort__starts_on__lte=today)
        .order_by("pk")[:2000]
    )
    return _start(due, by=None, at=timezone.now())


def final_assignment_set_impl(
    *, enrollment: Enrollment, by: User, accepted: bool, on: date | None = None
) -> Enrollment:
    """``final_assignment_set`` inside the caller's transaction (demo data)."""
    enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    if enrollment.status not in (Status.ACCEPTED, Status.IN_PROGRESS):
        raise TrainingError(
            _("The final assignment can be changed only while the participant is in training.")
        )
    if enrollment.final_assignment_accepted == accepted:
        return enrollment
    enrollment.final_assignment_accepted = accepted
    enrollment.final_assignment_accepted_on = (on or timezone.localdate()) if accepted else None
    enrollment.save(update_fields=["final_assignment_accepted", "final_assignment_accepted_on"])
    audit_record(
        obj=enrollment,
        actor=by,
        action="final assignment",
        changes={"final_assignment_accepted": [str(not accepted), str(accepted)]},
    )
    return enrollment


@transaction.atomic(durable=True)
def final_assignment_set(
    *, enrollment: Enrollment, by: User, accepted: bool, on: date | None = None
) -> Enrollment:
    """A trainer accepts (or takes back) a participant's final assignment."""
    return final_assignment_set_impl(enrollment=enrollment, by=by, accepted=accepted, on=on)


def attendance_mark_impl(
    *,
    session: Session,
    by: User,
    marks: Mapping[int, str],
    now: datetime | None = None,
) -> int:
    """``attendance_mark`` inside the caller's transaction (demo data)."""
    now = now or timezone.now()
    session = Session.objects.select_related("cohort").get(pk=session.pk)
    if session.cancelled:
        raise TrainingError(_("This session was cancelled, so attendance is not marked."))
    if not session.can_mark_attendance(timezone.localdate(now)):
        raise TrainingError(_("Attendance can be marked from the day of the session on."))
    valid = set(Attendance.Status.values)
    if any(value not in valid for value in marks.values()):
        raise TrainingError(_("Choose present, absent or excused for each participant."))
    enrollments = {
        e.pk: e
        for e in Enrollment.objects.select_for_update()
        .filter(cohort=session.cohort_id, status__in=Enrollment.TAKING_PART)
        .order_by("pk")
    }
    if any(pk not in enrollments for pk in marks):
        raise TrainingError(
            _("Someone on the list is no longer in this cohort. Open the page again and retry.")
        )
    existing = {a.enrollment_id: a for a in session.attendances.select_for_update().order_by("pk")}
    new, changed = [], []
    for enrollment_id, value in marks.items():
        row = existing.get(enrollment_id)
        if row is None:
            new.append(
                Attendance(
                    session=session,
                    enrollment_id=enrollment_id,
                    status=value,
                    marked_by=by,
                    marked_at=now,
                )
            )
        elif row.status != value:
            row.status, row.marked_by, row.marked_at = value, by, now
            changed.append(row)
    Attendance.objects.bulk_create(new)
    Attendance.objects.bulk_update(changed, ["status", "marked_by", "marked_at"])
    _start((enrollments[pk] for pk in marks), by=by, at=now)
    return len(new) + len(changed)


@transaction.atomic(durable=True)
def attendance_mark(
    *,
    session: Session,
    by: User,
    marks: Mapping[int, str],
    now: datetime | None = None,
) -> int:
    """Record present / absent / excused for participants of the session's cohort, from the day
    of the session on; a participant marked for the first time is in progress. Returns how many
    marks were new or changed."""
    return attendance_mark_impl(session=session, by=by, marks=marks, now=now)


@dataclass(frozen=True)
class CompletionCheck:
    """The completion rule applied to one participant's numbers."""

    held: int
    attended: int
    required_percent: int
    assignment_required: bool
    assignment_accepted: bool

    @property
    def attendance_percent(self) -> Decimal | None:
        if not self.held:
            return None
        return (Decimal(self.attended) * 100 / self.held).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )

    @property
    def attendance_ok(self) -> bool:
        if not self.held:
            return self.required_percent == 0
        # Whole numbers: no rounding can lift 79.99 % over an 80 % rule.
        return self.attended * 100 >= self.required_percent * self.held

    @property
    def assignment_ok(self) -> bool:
        return self.assignment_accepted or not self.assignment_required

    @property
    def met(self) -> bool:
        return self.attendance_ok and self.assignment_ok

    @property
    def reasons(self) -> list[str]:
        """Why the rule is not met, for the trainer (empty when it is)."""
        reasons = []
        if not self.attendance_ok:
            if not self.held:
                reasons.append(_("No sessions have been held yet."))
            else:
                reasons.append(
                    _(
                        "Attendance is %(percent)s %% (%(attended)s of %(held)s sessions); "
                        "at least %(required)s %% is needed."
                    )
                    % {
                        "percent": formats.number_format(self.attendance_percent, 1),
                        "attended": self.attended,
                        "held": self.held,
                        "required": self.required_percent,
                    }
                )
        if not self.assignment_ok:
            reasons.append(_("The final assignment has not been accepted yet."))
        return reasons


def completion_evaluate(
    *, programme: Programme, held: int, present: int, excused: int, assignment_accepted: bool
) -> CompletionCheck:
    attended = present + (excused if programme.excused_counts_as_attended else 0)
    return CompletionCheck(
        held=held,
        attended=min(attended, held),
        required_percent=programme.min_attendance_percent,
        assignment_required=programme.final_assignment_required,
        assignment_accepted=assignment_accepted,
    )


def completion_check(enrollment: Enrollment, *, now: datetime | None = None) -> CompletionCheck:
    """The completion rule for one participant, over the sessions held by ``now``."""
    held = Session.objects.filter(cohort=enrollment.cohort_id).held(now)
    counts = Attendance.objects.filter(enrollment=enrollment, session__in=held).aggregate(
        present=Count("pk", filter=Q(status=Attendance.Status.PRESENT)),
        excused=Count("pk", filter=Q(status=Attendance.Status.EXCUSED)),
    )
    return completion_evaluate(
        programme=enrollment.cohort.programme,
        held=held.count(),
        present=counts["present"],
        excused=counts["excused"],
        assignment_accepted=enrollment.final_assignment_accepted,
    )


def enrollment_complete_impl(
    *,
    enrollment: Enrollment,
    by: User | None,
    on: date | None = None,
    now: datetime | None = None,
) -> Enrollment:
    """``enrollment_complete`` inside the caller's transaction (demo data)."""
    enrollment = (
        Enrollment.objects.select_for_update(of=("self",))
        .select_related("cohort__programme", "expert__user")
        .get(pk=enrollment.pk)
    )
    if enrollment.status not in (Status.ACCEPTED, Status.IN_PROGRESS):
        raise TrainingError(
            _("Only a participant who is in training can complete it; this one is %(status)s.")
            % {"status": enrollment.get_status_display()}
        )
    check = completion_check(enrollment, now=now)
    if not check.met:
        raise TrainingError(" ".join(check.reasons))
    on = on or timezone.localdate(now)
    _record_change(enrollment, to=Status.COMPLETED, by=by, at=now)
    enrollment.completed_on = on
    enrollment.save(update_fields=["status", "status_since", "completed_on"])
    programme = enrollment.cohort.programme
    if programme.certifies:
        _certify(enrollment.expert, on=on, by=by, paired_gigs=programme.paired_gigs)
    if programme.issues_certificate:
        from training.services.certificates import certificate_issue_later

        certificate_issue_later(enrollment)
    return enrollment


@transaction.atomic(durable=True)
def enrollment_complete(
    *,
    enrollment: Enrollment,
    by: User | None,
    on: date | None = None,
    now: datetime | None = None,
) -> Enrollment:
    """Complete a participant who meets the programme's rule. Completing basic training
    certifies the expert (certified on the completion date, status active); they are bookable
    once they also consent to the current privacy notice. A certificate is made in a task
    queued when the transaction commits."""
    return enrollment_complete_impl(enrollment=enrollment, by=by, on=on, now=now)


def _certify(expert: Expert, *, on: date, by: User | None, paired_gigs: int = 0) -> None:
    """An earlier certification date and a status set by a coordinator are kept as they are.
    A newly certified expert does the programme's number of first gigs in a pair (copied onto
    the expert, where matching reads it and coordinators may change it)."""
    values = {}
    if expert.certified_on is None:
        values["certified_on"] = on
        if paired_gigs and not expert.paired_gigs_required:
            values["paired_gigs_required"] = paired_gigs
    if expert.status == Expert.Status.IN_TRAINING:
        values["status"] = Expert.Status.ACTIVE
    if values:
        expert_update_impl(expert=expert, by=by, **values)
