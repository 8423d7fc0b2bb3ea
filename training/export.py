"""The training part of an expert's data export (registered in ``TrainingConfig.ready``):
applications (also those sent with the expert's e-mail address that led to no place),
enrolments with their history, attendance, certificates, and the audit entries about them."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from expertbank.models import AuditEntry
from experts.export import Part, not_exported, register
from training.models import (
    Application,
    Attendance,
    Certificate,
    Cohort,
    Enrollment,
    EnrollmentStatusChange,
    Programme,
    Session,
)


def _applications(expert):
    return Application.objects.filter(
        Q(enrollment__expert=expert) | Q(email__iexact=expert.user.email)
    ).distinct()


def _audit(expert):
    applications = [str(pk) for pk in _applications(expert).values_list("pk", flat=True)]
    enrollments = [str(pk) for pk in expert.training_enrollments.values_list("pk", flat=True)]
    return AuditEntry.objects.filter(
        Q(content_type=ContentType.objects.get_for_model(Application), object_id__in=applications)
        | Q(content_type=ContentType.objects.get_for_model(Enrollment), object_id__in=enrollments)
    )


register(
    Part("training_applications", Application, _applications, names=("cohort",)),
    Part(
        "training_enrolments",
        Enrollment,
        lambda expert: expert.training_enrollments.all(),
        names=("cohort",),
    ),
    Part(
        "training_enrolment_history",
        EnrollmentStatusChange,
        lambda expert: EnrollmentStatusChange.objects.filter(enrollment__expert=expert),
    ),
    Part(
        "training_attendance",
        Attendance,
        lambda expert: Attendance.objects.filter(enrollment__expert=expert),
        names=("session",),
    ),
    Part(
        "training_certificates",
        Certificate,
        lambda expert: Certificate.objects.filter(enrollment__expert=expert),
    ),
    Part("training_audit_entries", AuditEntry, _audit, names=("content_type",)),
)
for _model in (Programme, Cohort, Session):
    not_exported(_model, "the training programmes, cohorts and sessions: named where used")
