"""What the kept figures of the dashboard and the funder report depend on (issue 19)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

EVERY_MONTH = "*"


class FigureChange(models.Model):
    """A change to the data the figures count, by the month it touches (``YYYY-MM``; a date-time
    by its UTC month) or ``*`` for every month (a renamed organisation, a moved unit).

    Written only by database triggers (``reports/migrations/0001``), so no path that changes
    the data (a service, the admin, a bulk update, raw SQL) can forget it. A figure of ended
    months is kept under the sum of ``weight`` over their months and the tables it reads: any
    committed change raises the sum, so a kept figure is never read after its data changed.
    ``figure_changes_collapse`` folds old rows into one per month, keeping every sum."""

    month = models.CharField(_("month"), max_length=7)
    source = models.CharField(_("table"), max_length=40)  # the table changed
    weight = models.PositiveIntegerField(_("changes"), default=1)

    class Meta:
        verbose_name = _("change to the figures' data")
        verbose_name_plural = _("changes to the figures' data")
        indexes = [
            models.Index(fields=["month", "source", "weight"], name="figurechange_month_source")
        ]

    def __str__(self) -> str:
        return f"{self.month} {self.source}: {self.weight}"
