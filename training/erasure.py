"""Training's part of erasing an expert (``experts.erasure``): enrolments with their attendance,
status notes and certificates (the PDFs deleted from storage), and the expert's applications."""

from __future__ import annotations

from django.db.models import Q

from experts.erasure import Eraser, ErasureContext
from experts.models import Expert
from training.models import Application, Certificate, Enrollment


def _applications(expert: Expert):
    linked = Enrollment.objects.filter(expert=expert, application__isnull=False).values(
        "application_id"
    )
    return Application.objects.filter(Q(pk__in=linked) | Q(email__iexact=expert.user.email))


def _training_values(expert: Expert) -> list[str]:
    values = []
    for full_name, email, phone in _applications(expert).values_list("full_name", "email", "phone"):
        values += [full_name, email, phone]
    return values


def _training_erase(ctx: ErasureContext) -> None:
    enrollments = Enrollment.objects.filter(expert=ctx.expert)
    applications = list(_applications(ctx.expert))
    certificates = list(Certificate.objects.filter(enrollment__in=enrollments))
    for certificate in certificates:
        ctx.delete_file(certificate.file)
    ctx.audited([*enrollments, *applications, *certificates])
    Certificate.objects.filter(pk__in=[c.pk for c in certificates]).delete()
    enrollments.delete()  # attendance and status changes with them
    Application.objects.filter(pk__in=[a.pk for a in applications]).delete()


TRAINING_ERASER = Eraser(name="training", order=30, erase=_training_erase, values=_training_values)
