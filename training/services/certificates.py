"""Certificates: a PDF for a completed training, in the expert's own language, kept in storage
and served only through the permission-checked download view."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from expertbank.services.notifications import message_send
from expertbank.services.pdf import render_pdf
from training.models import Attendance, Certificate, Enrollment, Session
from training.services.errors import TrainingError


def certificate_number(enrollment: Enrollment) -> str:
    return f"{enrollment.completed_on:%Y}-{enrollment.pk:06d}"


def certificate_context(enrollment: Enrollment) -> dict[str, Any]:
    """What the certificate says: who, which training, when, how much, taught by whom."""
    cohort = enrollment.cohort
    end_of_completion_day = timezone.make_aware(datetime.combine(enrollment.completed_on, time.max))
    held = list(
        Session.objects.filter(cohort=cohort).held(end_of_completion_day).order_by("starts_at")
    )
    attended = Attendance.objects.filter(
        enrollment=enrollment, session__in=held, status=Attendance.Status.PRESENT
    ).count()
    duration = sum((s.ends_at - s.starts_at for s in held), timedelta())
    topics = list(dict.fromkeys(s.topic for s in held))
    return {
        "enrollment": enrollment,
        "expert_name": enrollment.expert.name,
        "programme": cohort.programme,
        "cohort": cohort,
        "first_day": timezone.localdate(held[0].starts_at) if held else cohort.starts_on,
        "last_day": enrollment.completed_on,
        "sessions_held": len(held),
        "sessions_attended": attended,
        "hours": round(duration.total_seconds() / 3600),
        "topics": topics,
        "trainers": [t.get_full_name() for t in cohort.trainers.order_by("full_name")],
        "number": certificate_number(enrollment),
    }


def certificate_check(enrollment: Enrollment) -> None:
    """A certificate is made only for a completed training of a programme that has one."""
    if enrollment.status != Enrollment.Status.COMPLETED:
        raise TrainingError(_("A certificate is made only for a completed training."))
    if not enrollment.cohort.programme.issues_certificate:
        raise TrainingError(_("This programme has no certificate."))


@transaction.atomic(durable=True)
def certificate_issue(*, enrollment_id: int) -> Certificate:
    """Make the certificate PDF of a completed training in the expert's language, or make it
    again (same number, new file); the expert is told once that it is ready. The replaced file
    is deleted, and the message queued, when the transaction commits."""
    enrollment = (
        Enrollment.objects.select_for_update(of=("self",))
        .select_related("cohort__programme", "expert__user")
        .get(pk=enrollment_id)
    )
    certificate_check(enrollment)
    user = enrollment.expert.user
    context = certificate_context(enrollment)
    pdf = render_pdf(template_name="pdf/certificate.html", context=context, language=user.language)
    certificate = Certificate.objects.filter(enrollment=enrollment).first()
    old_name = certificate.file.name if certificate else ""
    if certificate is None:
        certificate = Certificate(
            enrollment=enrollment,
            number=context["number"],
            issued_on=enrollment.completed_on,
        )
    certificate.language = user.language
    certificate.created_at = timezone.now()
    certificate.file.save(f"{certificate.number}.pdf", ContentFile(pdf), save=False)
    certificate.save()
    if old_name:
        storage = certificate.file.storage
        transaction.on_commit(lambda: storage.delete(old_name))
    message_send(
        kind="training_certificate_ready",
        key=f"training:certificate:{enrollment.pk}:ready",
        to_user=user,
        context={
            "cohort": enrollment.cohort,
            "programme": enrollment.cohort.programme,
            "url": settings.SITE_URL + reverse("training:my_training"),
        },
    )
    return certificate


def certificate_issue_later(enrollment: Enrollment) -> None:
    """Queue the certificate when the caller's transaction commits (PDFs are made in a task)."""
    from training.tasks import certificate_issue_task

    enrollment_id = enrollment.pk
    transaction.on_commit(lambda: certificate_issue_task.delay(enrollment_id))


@transaction.atomic(durable=True)
def certificate_remake(*, enrollment: Enrollment) -> None:
    """Make a completed training's certificate again (e.g. after a name change), in a task
    queued when this transaction commits."""
    enrollment = (
        Enrollment.objects.select_for_update(of=("self",))
        .select_related("cohort__programme")
        .get(pk=enrollment.pk)
    )
    certificate_check(enrollment)
    certificate_issue_later(enrollment)
