"""After the gig: the expert's report with expenses, a private wellbeing check-in, and the
unit's feedback on the booking.

A report moves a gig from planned to reported; a coordinator approves it (the gig's fee and
billable amounts are fixed then) or returns it with a note (the gig goes back to planned until the
expert sends the report again). Changes go through ``bookings.services.reports`` and
``bookings.services.feedback``.
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
from expertbank.amounts import MONEY
from expertbank.crypto import EncryptedTextField

HOURS = {"max_digits": 5, "decimal_places": 2}
MAX_HOURS = Decimal("24")
MAX_PREPARATION_HOURS = Decimal("40")
MAX_KM = 2000
MAX_EXPENSE = Decimal("5000")

# The receipt types accepted (found from the file's content, not its name) and their suffixes.
RECEIPT_TYPES = {
    "application/pdf": "pdf",
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/heic": "heic",
}


def _receipt_path(instance: Expense, filename: str) -> str:
    # Unguessable, free of the uploader's file name, with the suffix of the sniffed type; stored
    # under MEDIA_ROOT and served only through a permission-checked view.
    suffix = RECEIPT_TYPES.get(instance.receipt_type, "bin")
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
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(MAX_HOURS)],
        **HOURS,
    )
    preparation_hours = models.DecimalField(
        _("preparation hours"),
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(MAX_PREPARATION_HOURS)],
        **HOURS,
    )
    km = models.PositiveIntegerField(
        _("kilometres driven"), default=0, validators=[MaxValueValidator(MAX_KM)]
    )
    km_from = models.CharField(_("driven from"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True, max_length=2000)
    fee_declined = models.BooleanField(
        _("no fee for this gig (expenses only)"),
        default=False,
        help_text=_("The expert declines the fee of this gig; expenses are paid as usual."),
    )
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
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gte=0) & Q(hours__lte=MAX_HOURS), name="report_hours_range"
            ),
            models.CheckConstraint(
                condition=Q(preparation_hours__gte=0)
                & Q(preparation_hours__lte=MAX_PREPARATION_HOURS),
                name="report_preparation_range",
            ),
            models.CheckConstraint(condition=Q(km__lte=MAX_KM), name="report_km_range"),
        ]

    def __str__(self) -> str:
        return str(self.gig)

    @property
    def editable(self) -> bool:
        """The expert may change the report: it came back from the coordinator."""
        return self.status == self.Status.RETURNED


class Expense(models.Model):
    """An expense other than mileage, with its receipt."""

    report = models.ForeignKey(
        GigReport, on_delete=models.CASCADE, related_name="expenses", verbose_name=_("report")
    )
    description = models.CharField(_("what"), max_length=200)
    amount = models.DecimalField(
        _("amount (€)"),
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(MAX_EXPENSE)],
        **MONEY,
    )
    receipt = models.FileField(_("receipt"), upload_to=_receipt_path, max_length=200, blank=True)
    receipt_name = models.CharField(_("file name"), max_length=200, blank=True)
    receipt_type = models.CharField(_("file type"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("expense")
        verbose_name_plural = _("expenses")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0) & Q(amount__lte=MAX_EXPENSE), name="expense_amount_range"
            )
        ]

    def __str__(self) -> str:
        return f"{self.description} {self.amount} €"


class CheckIn(models.Model):
    """The expert's private word on how they are after a gig. Coordinators only.

    The free text and the coordinator's note are encrypted at rest: they may tell of health.
    """

    class Feeling(models.IntegerChoices):
        BAD = 1, _("bad")
        HEAVY = 2, _("heavy")
        OKAY = 3, _("okay")
        GOOD = 4, _("good")
        GREAT = 5, _("great")

    gig = models.OneToOneField(
        Gig, on_delete=models.CASCADE, related_name="checkin", verbose_name=_("gig")
    )
    feeling = models.PositiveSmallIntegerField(
        _("how are you"), choices=Feeling.choices, null=True, blank=True
    )
    wants_debrief = models.BooleanField(_("would like a debrief"), default=False)
    message = EncryptedTextField(_("anything else"), blank=True, max_length=2000)
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
    handled_note = EncryptedTextField(_("coordinator's note"), blank=True, max_length=2000)

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["wants_debrief", "handled_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(feeling__isnull=True) | (Q(feeling__gte=1) & Q(feeling__lte=5)),
                name="checkin_feeling_range",
            )
        ]

    def __str__(self) -> str:
        return str(self.gig)

    @property
    def waiting_for_debrief(self) -> bool:
        return self.wants_debrief and self.handled_at is None


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
        indexes = [models.Index(fields=["released_at", "created_at"])]
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

    @property
    def released(self) -> bool:
        return self.released_at is not None
