"""Invoices to booking units and credit notes: documents, never changed once issued.

An invoice copies the seller (the bank) and the buyer (the unit) onto itself, so later edits of
either never change an issued document. Its lines bill gigs: a gig's work, its travel, its
receipted expenses or its late-cancellation amount, each on at most one live invoice (the
``invoiceline_gig_billed_once`` constraint). A correction is a credit note — a negative invoice
in the same number series that refers to the original, whole or some lines — after which the
gigs can be billed again. Changes go through ``invoicing.services``; the history follows the
project's convention (``expertbank.models.History``).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bookings.models import Booking, Gig, Unit
from expertbank.amounts import MONEY
from expertbank.models import History


def _adds_up(total: str, *parts: str) -> Q:
    """``total`` = the sum of ``parts``, to the cent. (Written as a range of a thousandth of a
    cent because SQLite adds decimals as floating point; PostgreSQL adds them exactly.)"""
    summed = models.F(parts[0])
    for part in parts[1:]:
        summed = summed + models.F(part)
    slack = Decimal("0.00001")
    return Q(**{f"{total}__gte": summed - slack, f"{total}__lte": summed + slack})


class InvoiceImmutable(Exception):
    """An issued invoice (or a line of one) was about to be changed or deleted."""


class DocumentQuerySet(models.QuerySet):
    def delete(self):
        raise InvoiceImmutable("Invoices and their lines are never deleted: credit them.")


class NumberSeries(models.Model):
    """The last number given in a year: invoices and credit notes share one gapless series.

    The issuing transaction locks the year's row, so numbers follow each other without gaps
    even when two runs issue at once; ``Invoice``'s unique constraint makes a double number
    impossible whatever happens.
    """

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    last = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("number series")
        verbose_name_plural = _("number series")

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class Invoice(models.Model):
    class Kind(models.TextChoices):
        INVOICE = "invoice", pgettext_lazy("document", "invoice")
        CREDIT_NOTE = "credit_note", pgettext_lazy("document", "credit note")

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("invoice status", "draft")
        ISSUED = "issued", pgettext_lazy("invoice status", "issued")
        PARTLY_PAID = "partly_paid", pgettext_lazy("invoice status", "partly paid")
        PAID = "paid", pgettext_lazy("invoice status", "paid")
        CREDITED = "credited", pgettext_lazy("invoice status", "credited")

    # Waiting for money: what the overdue list and reminders look at.
    OPEN = (Status.ISSUED, Status.PARTLY_PAID)
    # What may change on an issued document: its state in the books, not its content.
    BOOKKEEPING_FIELDS = frozenset({"status", "reminders_sent", "last_reminded_on"})

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.INVOICE)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    sequence = models.PositiveIntegerField(_("number in the year"), null=True, blank=True)
    number = models.CharField(_("number"), max_length=20, blank=True)
    reference = models.CharField(_("reference number"), max_length=25, blank=True)
    credit_for = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credit_notes",
        verbose_name=_("credits invoice"),
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="invoices", verbose_name=_("unit")
    )
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period until"))
    client_reference = models.CharField(_("your reference"), max_length=100, blank=True)
    cost_centre = models.CharField(_("cost centre"), max_length=40, blank=True)
    language = models.CharField(
        _("language"), max_length=5, choices=settings.LANGUAGES, default="fi"
    )
    issue_date = models.DateField(_("date"), null=True, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    payment_terms_days = models.PositiveSmallIntegerField(_("payment terms (days net)"))
    penalty_interest = models.DecimalField(
        _("penalty interest (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    notes = models.TextField(_("notes"), blank=True)

    seller_name = models.CharField(_("seller"), max_length=200)
    seller_business_id = models.CharField(_("seller's business ID"), max_length=9)
    seller_street = models.CharField(_("seller's street address"), max_length=200)
    seller_postcode = models.CharField(_("seller's postcode"), max_length=10)
    seller_city = models.CharField(_("seller's town"), max_length=100)
    seller_iban = models.CharField(_("seller's account (IBAN)"), max_length=34)
    seller_bic = models.CharField(_("seller's BIC"), max_length=11)
    seller_einvoice_address = models.CharField(
        _("seller's e-invoice address"), max_length=35, blank=True
    )
    seller_einvoice_operator = models.CharField(
        _("seller's e-invoice operator"), max_length=35, blank=True
    )
    seller_email = models.CharField(_("seller's e-mail"), max_length=200, blank=True)
    seller_phone = models.CharField(_("seller's phone"), max_length=40, blank=True)

    buyer_name = models.CharField(_("buyer"), max_length=200)
    buyer_unit = models.CharField(_("buyer's unit"), max_length=200)
    buyer_business_id = models.CharField(_("buyer's business ID"), max_length=9, blank=True)
    buyer_address = models.TextField(_("billing address"), blank=True)
    buyer_einvoice_address = models.CharField(
        _("buyer's e-invoice address"), max_length=35, blank=True
    )
    buyer_einvoice_operator = models.CharField(
        _("buyer's e-invoice operator"), max_length=35, blank=True
    )
    buyer_contact = models.CharField(_("buyer's contact"), max_length=200, blank=True)

    net_total = models.DecimalField(_("total without VAT"), default=Decimal(0), **MONEY)
    vat_total = models.DecimalField(_("VAT"), default=Decimal(0), **MONEY)
    gross_total = models.DecimalField(_("total"), default=Decimal(0), **MONEY)

    reminders_sent = models.PositiveSmallIntegerField(_("reminders sent"), default=0)
    last_reminded_on = models.DateField(_("last reminded"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    issued_at = models.DateTimeField(_("issued"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issued by"),
    )

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["-year", "-sequence", "-pk"]
        indexes = [
            models.Index(fields=["status", "due_date"]),
            models.Index(fields=["unit", "issue_date"]),
            # The admin's date hierarchy: its first and last dates and one probe a year.
            models.Index(fields=["issue_date"], name="invoice_issue_date"),
            models.Index(fields=["reference"]),
            models.Index(fields=["period_start"]),
            # Open invoices (``OPEN``: issued, partly paid) by due date: the work queue's five
            # overdue ones in order, not every open invoice joined and sorted (issue 19).
            models.Index(
                fields=["due_date", "id"],
                name="invoice_open_due",
                condition=Q(status__in=["issued", "partly_paid"]),
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["year", "sequence"], name="invoice_number_unique"),
            models.UniqueConstraint(
                fields=["number"], condition=~Q(number=""), name="invoice_number_text_unique"
            ),
            # A payment finds its invoice by the reference: one invoice a reference, ever.
            models.UniqueConstraint(
                fields=["reference"], condition=~Q(reference=""), name="invoice_reference_unique"
            ),
            models.CheckConstraint(
                condition=Q(status="draft")
                | (
                    Q(sequence__isnull=False, issue_date__isnull=False, due_date__isnull=False)
                    & ~Q(number="")
                    & ~Q(reference="")
                ),
                name="invoice_issued_has_number",
            ),
            models.CheckConstraint(
                condition=Q(kind="invoice", credit_for__isnull=True)
                | Q(kind="credit_note", credit_for__isnull=False),
                name="invoice_credit_note_refers",
            ),
            models.CheckConstraint(
                condition=_adds_up("gross_total", "net_total", "vat_total"),
                name="invoice_totals_add_up",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number or '–'}"

    def save(self, *args, **kwargs):
        # An issued document changes only in the books (its status, reminders); never its content.
        if self.pk is not None and self.status != self.Status.DRAFT:
            fields = kwargs.get("update_fields")
            stored = Invoice.objects.filter(pk=self.pk).values_list("status", flat=True).first()
            if stored not in (None, self.Status.DRAFT) and (
                fields is None or not set(fields) <= self.BOOKKEEPING_FIELDS
            ):
                raise InvoiceImmutable(f"Invoice {self.number} is issued: credit it instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise InvoiceImmutable("Invoices are never deleted: credit them.")

    @property
    def is_credit_note(self) -> bool:
        return self.kind == self.Kind.CREDIT_NOTE


class InvoiceLine(models.Model):
    class Kind(models.TextChoices):
        WORK = "work", _("work")
        TRAVEL = "travel", _("kilometres")
        EXPENSES = "expenses", _("receipted expenses")
        CANCELLATION = "cancellation", _("late cancellation")
        COMPANION = "companion", _("companion or support person")
        INTERPRETER = "interpreter", _("interpreter")

    class QuantityUnit(models.TextChoices):
        HOURS = "h", pgettext_lazy("unit", "h")
        PIECES = "pcs", pgettext_lazy("unit", "pcs")
        KM = "km", pgettext_lazy("unit", "km")

    invoice = models.ForeignKey(
        Invoice, on_delete=models.PROTECT, related_name="lines", verbose_name=_("invoice")
    )
    position = models.PositiveSmallIntegerField(_("position"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    gig = models.ForeignKey(
        Gig,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invoice_lines",
        verbose_name=_("gig"),
    )
    booking = models.ForeignKey(
        Booking, on_delete=models.PROTECT, related_name="invoice_lines", verbose_name=_("booking")
    )
    date = models.DateField(_("date"))
    description = models.CharField(_("description"), max_length=300)
    expert_name = models.CharField(_("expert"), max_length=200, blank=True)
    quantity = models.DecimalField(_("quantity"), max_digits=9, decimal_places=2)
    quantity_unit = models.CharField(
        _("unit"), max_length=5, choices=QuantityUnit.choices, default=QuantityUnit.PIECES
    )
    unit_price = models.DecimalField(_("unit price"), **MONEY)
    net = models.DecimalField(_("without VAT"), **MONEY)
    vat_rate = models.DecimalField(_("VAT rate (%)"), max_digits=5, decimal_places=2)
    vat = models.DecimalField(_("VAT"), **MONEY)
    gross = models.DecimalField(_("with VAT"), **MONEY)
    vat_exemption_text = models.CharField(_("VAT exemption"), max_length=300, blank=True)
    # True while this line bills its gig: on a live invoice, until credited.
    billing = models.BooleanField(_("bills its gig"), default=True)
    credits = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credited_by",
        verbose_name=_("credits line"),
    )

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")
        ordering = ["invoice", "position"]
        constraints = [
            # Exactly once: a gig's work, travel, expenses, cancellation amount, companion or
            # interpreter is billed by at most one line at a time.
            models.UniqueConstraint(
                fields=["gig", "kind"],
                condition=Q(billing=True, gig__isnull=False),
                name="invoiceline_gig_billed_once",
            ),
            models.UniqueConstraint(fields=["invoice", "position"], name="invoiceline_position"),
            models.CheckConstraint(
                condition=_adds_up("gross", "net", "vat"),
                name="invoiceline_gross_adds_up",
            ),
            models.CheckConstraint(
                condition=Q(credits__isnull=True) | Q(billing=False),
                name="invoiceline_credit_line_bills_nothing",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.invoice}: {self.description}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            fields = kwargs.get("update_fields")
            issued = self.invoice.status != Invoice.Status.DRAFT
            if issued and (fields is None or set(fields) != {"billing"}):
                raise InvoiceImmutable("The lines of an issued invoice never change.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise InvoiceImmutable("Invoice lines are never deleted: credit them.")

    @property
    def article_name(self) -> str:
        """What the line bills, as the PDF and the e-invoice print it (in the active language):
        a companion's or an interpreter's line says so before the booking's title."""
        if self.kind in (self.Kind.COMPANION, self.Kind.INTERPRETER):
            return f"{str(self.get_kind_display()).capitalize()}: {self.description}"
        return self.description


class InvoiceChange(History):
    """The history of an invoice: issued, paid, reminded, credited (``History`` convention)."""

    class Kind(models.TextChoices):
        STATUS = History.STATUS, _("status changed")
        PAYMENT = "payment", _("payment received")
        REMINDER = "reminder", _("reminder sent")
        CREDITED = "credited", _("credited")
        SENT = "sent", _("sent")

    invoice = models.ForeignKey(
        Invoice, on_delete=models.PROTECT, related_name="changes", verbose_name=_("invoice")
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, default=Kind.STATUS)

    class Meta(History.Meta):
        verbose_name = _("invoice history entry")
        verbose_name_plural = _("invoice history")
        indexes = [models.Index(fields=["invoice", "at"])]

    def __str__(self) -> str:
        return f"{self.invoice}: {self.kind}"

    @property
    def from_label(self) -> str:
        return self._label(self.from_status)

    @property
    def to_label(self) -> str:
        return self._label(self.to_status)

    @staticmethod
    def _label(value: str) -> str:
        if value in Invoice.Status.values:
            return str(Invoice.Status(value).label)
        return value
