"""The expert's start page is shared: other apps add their panels to it.

An app defines ``expert_portal_panels(request, expert) -> list[PortalPanel]`` on its AppConfig
(bookings: the next gig, offers waiting, reports to fill in; invoicing: this year's earnings
against the cap). Panels are shown above the pool's own cards, in ``order``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.utils.functional import Promise


@dataclass
class PortalPanel:
    title: str | Promise
    template_name: str
    context: dict[str, Any] = field(default_factory=dict)
    order: int = 100


def portal_panels(request, expert) -> list[PortalPanel]:
    panels: list[PortalPanel] = []
    for config in apps.get_app_configs():
        contribute = getattr(config, "expert_portal_panels", None)
        if contribute is not None:
            panels += contribute(request, expert)
    return sorted(panels, key=lambda panel: panel.order)
