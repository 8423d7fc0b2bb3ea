"""Training's retention rule (``expertbank.retention``): applications that were not accepted."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from expertbank.retention import RetentionRule, months_before, months_text, register
from expertbank.services.erasure import audit_pseudonymise
from training.models import Application


def applications_sweep(*, now: datetime, dry_run: bool) -> int:
    """Applications not accepted (waiting, rejected, withdrawn) whose last event — the decision,
    or the arrival if none — is older than the period. Accepted ones live on as enrolments."""
    old = (
        Application.objects.exclude(status=Application.Status.ACCEPTED)
        .annotate(last_event=Coalesce("decided_at", "created_at"))
        .filter(last_event__lt=months_before(now, settings.RETENTION_APPLICATION_MONTHS))
    )
    if dry_run:
        return old.count()
    applications = list(old)
    # The audit log keeps who decided when, without the applicant's name.
    audit_pseudonymise(applications, object_repr=str(_("deleted application")))
    Application.objects.filter(pk__in=[a.pk for a in applications]).delete()
    return len(applications)


RULE = RetentionRule(
    key="applications",
    order=30,
    data=_("Training applications not accepted (with lived-experience areas and motivation)"),
    period=lambda: months_text(settings.RETENTION_APPLICATION_MONTHS),
    basis=_(
        "The applicant's consent given on the form (GDPR art. 9(2)(a)); kept only to answer "
        "questions about the decision."
    ),
    action=_("Deleted; the audit log keeps who decided and when, without the name."),
    sweep=applications_sweep,
)


def register_rules() -> None:
    register(RULE)
