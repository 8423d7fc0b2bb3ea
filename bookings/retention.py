"""Bookings' retention rule (``expertbank.retention``): customer panel applications that did not
lead to a seat."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from bookings.models import PanelApplication
from expertbank.retention import RetentionRule, months_before, months_text, register


def panel_applications_sweep(*, now: datetime, dry_run: bool) -> int:
    """Applications not chosen (waiting or not chosen) whose last event — the decision, or the
    arrival if none — is older than the training applications' period. Chosen ones live on with
    the member's seat (and go with the member's erasure)."""
    old = (
        PanelApplication.objects.exclude(status=PanelApplication.Status.CHOSEN)
        .annotate(last_event=Coalesce("decided_at", "submitted_at"))
        .filter(last_event__lt=months_before(now, settings.RETENTION_APPLICATION_MONTHS))
    )
    if dry_run:
        return old.count()
    count, _deleted = old.delete()
    return count


RULE = RetentionRule(
    key="panel_applications",
    order=31,
    data=_("Customer panel applications not chosen (with the mix answers and why)"),
    period=lambda: months_text(settings.RETENTION_APPLICATION_MONTHS),
    basis=_(
        "The applicant's consent given on the form (GDPR art. 9(2)(a)); kept only to answer "
        "questions about the choice."
    ),
    action=_("Deleted."),
    sweep=panel_applications_sweep,
)


def register_rules() -> None:
    register(RULE)
