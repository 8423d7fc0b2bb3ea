"""Incoming payments from the bank's camt.054 notifications, each kept once, matched to an
invoice by its reference or allocated by a coordinator; nothing is ever dropped."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from expertbank.amounts import MONEY
from invoicing.models.invoices import Invoice


class PaymentFile(models.Model):
    """One imported bank file: what it held and what was new in it."""

    name = models.CharField(_("file"), max_length=200)
    sha256 = models.CharField(_("checksum"), max_length=64, db_index=True)
    version = models.CharField(_("format"), max_length=40)
    message_id = models.CharField(_("message ID"), max_length=100, blank=True)
    account_iban = models.CharField(_("account"), max_length=34, blank=True)
    entries = models.PositiveIntegerField(_("payments in the file"), default=0)
    new_entries = models.PositiveIntegerField(_("new payments"), default=0)
    skipped = models.JSONField(_("entries left aside"), default=list, blank=True)
    imported_at = models.DateTimeField(_("imported"), default=timezone.now)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("imported by"),
    )

    class Meta:
        verbose_name = _("bank file")
        verbose_name_plural = _("bank files")
        ordering = ["-imported_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.imported_at:%d.%m.%Y})"


class IncomingPayment(models.Model):
    """One payment to the bank's account. ``entry_reference`` is the bank's own id for it, unique
    here: importing a file again, or one that overlaps, records each payment once."""

    entry_reference = models.CharField(_("bank's reference"), max_length=100, unique=True)
    file = models.ForeignKey(
        PaymentFile,
        on_delete=models.PROTECT,
        related_name="payments",
        verbose_name=_("bank file"),
    )
    amount = models.DecimalField(_("amount"), **MONEY)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    booking_date = models.DateField(_("booked"))
    value_date = models.DateField(_("value date"), null=True, blank=True)
    reference = models.CharField(_("reference"), max_length=35, blank=True)
    payer_name = models.CharField(_("payer"), max_length=140, blank=True)
    payer_iban = models.CharField(_("payer's account"), max_length=34, blank=True)
    message = models.CharField(_("message"), max_length=500, blank=True)
    invoice = models.ForeignKey(
        Invoice,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payments",
        verbose_name=_("invoice"),
    )
    # Empty when the reference matched; the coordinator who allocated it by hand otherwise.
    allocated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("allocated by"),
    )
    allocated_at = models.DateTimeField(_("allocated"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        verbose_name = _("incoming payment")
        verbose_name_plural = _("incoming payments")
        ordering = ["-booking_date", "-pk"]
        indexes = [models.Index(fields=["invoice", "booking_date"])]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.booking_date:%d.%m.%Y} {self.amount} € {self.reference}"
