"""The dashboard's panel in the coordinator's work queue: this month's gigs and the links."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from expertbank.queue import QueuePanel, QueueRow
from expertbank.roles import Role, has_role
from reports.dashboard import gigs_in
from reports.period import Period, Scope


def dashboard_panels(request) -> list[QueuePanel]:
    if not has_role(request.user, Role.COORDINATOR):
        return []
    gigs = gigs_in(Scope(Period.month_of(timezone.localdate()))).count()
    dashboard = reverse("reports_coordinator:dashboard")
    return [
        QueuePanel(
            title=_("Dashboard"),
            count=0,  # nothing here waits for the coordinator
            rows=[
                QueueRow(
                    ngettext("%(n)s gig this month", "%(n)s gigs this month", gigs) % {"n": gigs},
                    dashboard,
                ),
                QueueRow(_("Uptake by organisation"), reverse("reports_coordinator:uptake")),
                QueueRow(_("Funder report"), reverse("reports_coordinator:funder")),
            ],
            more_url=dashboard,
        )
    ]
