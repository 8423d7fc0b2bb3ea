"""The training panel on the expert's start page (``TrainingConfig.expert_portal_panels``).

The expert's next training sessions and work-supervision meetings: when, what, which group, where.
Shown only when something is coming; the expert's own cohorts only; two queries.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from experts.models import Expert
from experts.portal import PortalPanel
from training import selectors

SESSIONS_SHOWN = 3


def expert_portal_panels(request, expert: Expert) -> list[PortalPanel]:
    sessions = selectors.expert_upcoming_sessions(
        expert, now=timezone.now(), limit=SESSIONS_SHOWN + 1
    )
    if not sessions:
        return []
    return [
        PortalPanel(
            _("Training and supervision coming"),
            "training/portal/sessions.html",
            {"sessions": sessions[:SESSIONS_SHOWN], "more": len(sessions) > SESSIONS_SHOWN},
            order=25,
        )
    ]
