"""Applications from the public form, and the coordinator's interview and decision.

An application holds lived-experience data (special-category health data): only coordinators
see it, motivation and interview notes are encrypted at rest, and the audit log gets masked
values only.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from expertbank.crypto import mask_text
from expertbank.models import User
from expertbank.services.audit import audit_record
from expertbank.services.notifications import message_send
from experts.models import ExperienceArea, Expert, PrivacyNotice
from experts.services import ExpertError
from experts.services.consent import applicant_expert_impl
from training.models import Application, Cohort, Enrollment
from training.services.enrollments import enrollment_create_impl
from training.services.errors import DuplicateApplicationError, TrainingError


def _normalise_email(email: str) -> str:
    return User.objects.normalize_email(email).strip().lower()


def application_submit_impl(
    *,
    cohort: Cohort,
    full_name: str,
    email: str,
    phone: str,
    municipality: str,
    areas: Iterable[ExperienceArea],
    motivation: str,
    availability: str,
    availability_note: str = "",
    language: str,
    notice: PrivacyNotice,
    today: date | None = None,
) -> Application:
    """``application_submit`` inside the caller's transaction (demo data)."""
    email = _normalise_email(email)
    if not Cohort.objects.open_for_applications(today).filter(pk=cohort.pk).exists():
        raise TrainingError(
            _("This training no longer takes applications. Choose another one from the list.")
        )
    current = PrivacyNotice.current()
    if current is None or current.pk != notice.pk:
        raise TrainingError(
            _("The privacy notice has just changed. Read the current one and tick the box again.")
        )
    duplicate = DuplicateApplicationError(
        _(
            "We already have an application to this training from this e-mail address, so we "
            "did not save a second one. You do not need to do anything: we will contact you. "
            "If you want to add something, you can tell it in the interview."
        )
    )
    if Application.objects.filter(cohort=cohort, email=email).exists():
        raise duplicate
    try:
        with transaction.atomic():
            application = Application.objects.create(
                cohort=cohort,
                full_name=full_name.strip(),
                email=email,
                phone=phone.strip(),
                municipality=municipality.strip(),
                motivation=motivation.strip(),
                availability=availability,
                availability_note=availability_note.strip(),
                language=language,
                notice=notice,
                consented_at=timezone.now(),
            )
            application.areas.set(areas)
            message_send(
                kind="training_application_received",
                key=f"training:application:{application.pk}:received",
                to=email,
                language=language,
                context={"full_name": application.full_name, "cohort": cohort},
            )
    except IntegrityError as exc:  # the same address submitted twice at once
        raise duplicate from exc
    return application


@transaction.atomic(durable=True)
def application_submit(
    *,
    cohort: Cohort,
    full_name: str,
    email: str,
    phone: str,
    municipality: str,
    areas: Iterable[ExperienceArea],
    motivation: str,
    availability: str,
    availability_note: str = "",
    language: str,
    notice: PrivacyNotice,
    today: date | None = None,
) -> Application:
    """Record an application to a cohort that takes applications, with consent to the current
    privacy notice; the applicant gets a confirmation in the language they used (queued when
    the transaction commits).

    One application per e-mail address and cohort: a second one is refused without showing
    anything of the first.
    """
    return application_submit_impl(
        cohort=cohort,
        full_name=full_name,
        email=email,
        phone=phone,
        municipality=municipality,
        areas=areas,
        motivation=motivation,
        availability=availability,
        availability_note=availability_note,
        language=language,
        notice=notice,
        today=today,
    )


def _locked_waiting(application: Application) -> Application:
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("cohort")
        .get(pk=application.pk)
    )
    if not application.is_waiting:
        raise TrainingError(
            _("A decision has already been made on this application (%(status)s).")
            % {"status": application.get_status_display()}
        )
    return application


def application_interview_record_impl(
    *, application: Application, by: User, interview_at: datetime | None, notes: str
) -> Application:
    """``application_interview_record`` inside the caller's transaction (demo data)."""
    application = _locked_waiting(application)
    before = (application.status, application.interview_at, application.interview_notes)
    application.interview_at = interview_at
    application.interview_notes = notes.strip()
    application.status = Application.Status.INTERVIEW
    application.save(update_fields=["interview_at", "interview_notes", "status"])
    changes = {}
    if before[0] != application.status:
        changes["status"] = [before[0], application.status]
    if before[1] != interview_at:
        changes["interview_at"] = [_local(before[1]), _local(interview_at)]
    if before[2] != application.interview_notes:
        changes["interview_notes"] = [mask_text(before[2]), mask_text(application.interview_notes)]
    audit_record(obj=application, actor=by, action="interview recorded", changes=changes)
    return application


@transaction.atomic(durable=True)
def application_interview_record(
    *, application: Application, by: User, interview_at: datetime | None, notes: str
) -> Application:
    """Record the interview (time and notes) of an application still waiting for a decision."""
    return application_interview_record_impl(
        application=application, by=by, interview_at=interview_at, notes=notes
    )


def _local(moment: datetime | None) -> str:
    return f"{timezone.localtime(moment):%d.%m.%Y %H.%M}" if moment else ""


def _decide(application: Application, *, status: str, by: User, message: str = "") -> None:
    before = application.status
    application.status = status
    application.decision_message = message.strip()
    application.decided_at = timezone.now()
    application.decided_by = by
    application.save(update_fields=["status", "decision_message", "decided_at", "decided_by"])
    audit_record(
        obj=application,
        actor=by,
        action=f"application {status}",
        changes={"status": [before, status]},
    )


def application_accept_impl(*, application: Application, by: User, message: str = "") -> Enrollment:
    """``application_accept`` inside the caller's transaction (demo data)."""
    application = _locked_waiting(application)
    try:
        expert, new_account = applicant_expert_impl(
            email=application.email,
            full_name=application.full_name,
            language=application.language,
            phone=application.phone,
            notice=application.notice,
            consented_at=application.consented_at,
            by=by,
            status=Expert.Status.IN_TRAINING,
            municipality=application.municipality,
            areas=list(application.areas.all()),
        )
    except ExpertError as exc:
        raise TrainingError(str(exc)) from exc
    enrollment = enrollment_create_impl(
        cohort=application.cohort, expert=expert, by=by, application=application
    )
    _decide(application, status=Application.Status.ACCEPTED, by=by, message=message)
    first_session = application.cohort.sessions.filter(cancelled=False).first()
    message_send(
        kind="training_application_accepted",
        key=f"training:application:{application.pk}:accepted",
        to_user=expert.user,
        context={
            "full_name": application.full_name,
            "cohort": application.cohort,
            "first_session": first_session,
            "new_account": new_account,
            "message": application.decision_message,
        },
    )
    return enrollment


@transaction.atomic(durable=True)
def application_accept(*, application: Application, by: User, message: str = "") -> Enrollment:
    """Accept an applicant: a new person becomes an expert "in training" (the experts service
    sends the invitation to set a password); an existing expert is enrolled as they are. Either
    way they are enrolled in the cohort, within its capacity, and told in their language. The
    e-mails go when the transaction commits."""
    return application_accept_impl(application=application, by=by, message=message)


def application_reject_impl(
    *, application: Application, by: User, message: str = ""
) -> Application:
    """``application_reject`` inside the caller's transaction (demo data)."""
    application = _locked_waiting(application)
    _decide(application, status=Application.Status.REJECTED, by=by, message=message)
    message_send(
        kind="training_application_rejected",
        key=f"training:application:{application.pk}:rejected",
        to=application.email,
        language=application.language,
        context={
            "full_name": application.full_name,
            "cohort": application.cohort,
            "message": application.decision_message,
        },
    )
    return application


@transaction.atomic(durable=True)
def application_reject(*, application: Application, by: User, message: str = "") -> Application:
    """Decline an application; the applicant is told kindly, in the language they applied in."""
    return application_reject_impl(application=application, by=by, message=message)


@transaction.atomic(durable=True)
def application_withdraw(*, application: Application, by: User) -> Application:
    """The applicant withdrew (told the coordinator so): closed without a message."""
    application = _locked_waiting(application)
    _decide(application, status=Application.Status.WITHDRAWN, by=by)
    return application
