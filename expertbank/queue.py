"""The coordinator's work queue: each app contributes panels through its AppConfig.

An app defines ``queue_panels(request) -> list[QueuePanel]`` on its AppConfig; the core collects
them in INSTALLED_APPS order and imports no domain app.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.apps import apps
from django.utils.functional import Promise


@dataclass
class QueueRow:
    label: str
    url: str
    note: str = ""


@dataclass
class QueuePanel:
    title: str | Promise
    count: int
    rows: list[QueueRow] = field(default_factory=list)
    more_url: str = ""
    empty_text: str | Promise = ""


def queue_panels(request) -> list[QueuePanel]:
    panels: list[QueuePanel] = []
    for config in apps.get_app_configs():
        contribute = getattr(config, "queue_panels", None)
        if contribute is not None:
            panels += contribute(request)
    return panels
