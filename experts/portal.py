"""The expert's start page is shared: other apps add their panels to it.

An app defines ``expert_portal_panels(request, expert) -> list[PortalPanel]`` on its AppConfig
(bookings: the next gig, offers waiting, reports to fill in; invoicing: this year's earnings
against the cap). Panels are shown above the pool's own cards, in ``order``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy


@dataclass
class PortalPanel:
    title: str | Promise
    template_name: str
    context: dict[str, Any] = field(default_factory=dict)
    order: int = 100
    # The panel's one thing to do now, (sentence, button text, url), if any: the plain-language
    # start page (issue 17) shows the first of these with one big button.
    action: tuple[str | Promise, str | Promise, str] | None = None


def portal_panels(request, expert) -> list[PortalPanel]:
    panels: list[PortalPanel] = []
    for config in apps.get_app_configs():
        contribute = getattr(config, "expert_portal_panels", None)
        if contribute is not None:
            panels += contribute(request, expert)
    return sorted(panels, key=lambda panel: panel.order)


def portal_next_action(todo: list[tuple[Any, str]], panels: list[PortalPanel]):
    """The one most important thing for the expert to do now, (sentence, button text, url) or
    None: what has a time first (the first panel's action in panel order: a moved gig, an
    offer, a report), then the pool's own to-dos (consent, times, areas)."""
    action = next((panel.action for panel in panels if panel.action), None)
    if action is None and todo:
        text, url_name = todo[0]
        action = (text, pgettext_lazy("plain", "Do it now"), reverse(url_name))
    return action
