"""After the gig: the expert's report with expenses, a private wellbeing check-in, and the
unit's feedback on the booking.

A report moves a gig from planned to reported; a coordinator approves it (the gig's fee and
billable amounts are fixed then) or returns it with a note.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bookings.models.bookings import Booking, Gig
from bookings.models.terms import MONEY

HOURS = {"max_digits": 5, "decimal_places": 2}


def _receipt_path(instance: Expense, filename: str) -> str:
    # Unguessable and free of the uploader's file name; served only through a checked view.
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"receipts/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{suffix}"


class GigReport(models.Model):
    """What the expert reports for one gig: hours, preparation, travel, notes."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("waiting for approval")
        RETURNED = "returned", _("returned for changes")
        APPROVED = "approved", _("approved")

    gig = models.OneToOneField(
        Gig, on_delete=models.CASCADE, related_name="report", verbose_name=_("gig")
    )
    hours = models.DecimalField(
        _("hours worked"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("24"))],
        **HOURS,
    )
    preparation_hours = models.DecimalField(
        _("preparation hours"),
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("40"))],
        **HOURS,
    )
    km = models.PositiveIntegerField(
        _("kilometres driven"), default=0, validators=[MaxValueValidator(2000)]
    )
    km_from = models.CharField(_("driven from"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True, max_length=2000)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED
    )
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    review_note = models.TextField(_("note from the coordinator"), blank=True, max_length=2000)

    class Meta:
        verbose_name = _("work report")
        verbose_name_plural = _("work reports")
        ordering = ["-submitted_at"]
        indexes = [models.Index(fields=["status", "submitted_at"])]

    def __str__(self) -> str:
        return str(self.gig)


class Expense(models.Model):
    """An expense other than mileage, with its receipt."""

    report = models.ForeignKey(
        GigReport, on_delete=models.CASCADE, related_name="expenses", verbose_name=_("report")
    )
    description = models.CharField(_("what"), max_length=200)
    amount = models.DecimalField(
        _("amount (€)"),
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("5000"))],
        **MONEY,
    )
    receipt = models.FileField(_("receipt"), upload_to=_receipt_path, max_length=200, blank=True)
    receipt_name = models.CharField(_("file name"), max_length=200, blank=True)
    receipt_type = models.CharField(_("file type"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("expense")
        verbose_name_plural = _("expenses")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.description} {self.amount} €"


class CheckIn(models.Model):
    """The expert's private word on how they are after a gig. Coordinators only."""

    class Feeling(models.IntegerChoices):
        BAD = 1, _("bad")
        HEAVY = 2, _("heavy")
        OKAY = 3, _("okay")
        GOOD = 4, _("good")
        GREAT = 5, _("great")

    gig = models.OneToOneField(
        Gig, on_delete=models.CASCADE, related_name="checkin", verbose_name=_("gig")
    )
    feeling = models.PositiveSmallIntegerField(_("how are you"), choices=Feeling.choices)
    wants_debrief = models.BooleanField(_("would like a debrief"), default=False)
    message = models.TextField(_("anything else"), blank=True, max_length=2000)
    created_at = models.DateTimeField(_("given"), default=timezone.now)
    handled_at = models.DateTimeField(_("debrief arranged"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("arranged by"),
    )
    handled_note = models.TextField(_("coordinator's note"), blank=True, max_length=2000)

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["wants_debrief", "handled_at"])]

    def __str__(self) -> str:
        return str(self.gig)


class Feedback(models.Model):
    """The unit's feedback on a booking; experts see it once a coordinator releases it."""

    booking = models.ForeignKey(
        Booking, on_delete=models.CASCADE, related_name="feedback", verbose_name=_("booking")
    )
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("given by"),
    )
    rating = models.PositiveSmallIntegerField(
        _("rating (1–5)"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    text = models.TextField(_("feedback"), blank=True, max_length=4000)
    created_at = models.DateTimeField(_("given"), default=timezone.now)
    released_at = models.DateTimeField(_("shown to the experts"), null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("released by"),
    )

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=1) & Q(rating__lte=5), name="feedback_rating_range"
            ),
            models.UniqueConstraint(
                fields=["booking", "given_by"], name="feedback_once_per_person"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.booking}: {self.rating}/5"
