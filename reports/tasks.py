"""The reports' nightly housekeeping."""

from __future__ import annotations

from celery import shared_task

from reports.figures import figure_changes_collapse


@shared_task(acks_late=True)
def figure_changes_collapse_task() -> int:
    return figure_changes_collapse()
