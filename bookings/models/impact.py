"""The impact loop: 30 and 90 days after a booking's last time the unit is asked one short
question, "What changed because of it?", and answers it here.

One answer per booking and day mark. The unit decides whether the experts of the booking may
read it (``share_with_experts``); only then does it show on the expert's own record. The
coordinator's dashboard and the funder report read every answer. Written through
``bookings.services.impact``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bookings.models.bookings import Booking


class ImpactAnswer(models.Model):
    class DayMark(models.IntegerChoices):
        DAYS_30 = 30, _("30 days after")
        DAYS_90 = 90, _("90 days after")

    class Change(models.TextChoices):
        PRACTICE = "practice", _("We changed how we work")
        UNDERSTANDING = "understanding", _("Our staff understand things better")
        CLIENTS = "clients", _("Our clients noticed a difference")
        NOT_YET = "not_yet", _("Nothing yet")

    booking = models.ForeignKey(
        Booking, on_delete=models.CASCADE, related_name="impact_answers", verbose_name=_("booking")
    )
    day_mark = models.PositiveSmallIntegerField(_("asked"), choices=DayMark.choices)
    change = models.CharField(
        _("what changed, in short"), max_length=20, choices=Change.choices, blank=True
    )
    text = models.TextField(_("what changed because of it"), max_length=2000)
    share_with_experts = models.BooleanField(
        _("the experts may read this on their own record"), default=False
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    answered_at = models.DateTimeField(_("answered"), default=timezone.now)

    class Meta:
        verbose_name = _("impact answer")
        verbose_name_plural = _("impact answers")
        ordering = ["-answered_at"]
        indexes = [models.Index(fields=["answered_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["booking", "day_mark"], name="impact_answer_once_per_mark"
            ),
            models.CheckConstraint(
                condition=models.Q(day_mark__in=[30, 90]), name="impact_answer_day_mark"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.booking}: {self.day_mark} d"
