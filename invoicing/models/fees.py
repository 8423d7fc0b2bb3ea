"""Fee payments to experts: a statement per expert and month of the gigs that carry money, paid
in a batch on a payment date chosen by a coordinator, with the bank's transfer file and the
Incomes Register's earnings payment reports.

A gig's fee, kilometres and expenses are each on at most one statement line ever
(``feeline_gig_once``): running the month twice, or twice at once, pays each gig once. A
statement is in at most one batch, taken with an update that only succeeds while it has none.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bookings.models import Gig
from expertbank.amounts import MONEY
from expertbank.models import History
from experts.models import Expert, TaxCard

RATE = {"max_digits": 5, "decimal_places": 2}


class IncomeType(models.TextChoices):
    """Incomes Register income types of the fees the bank pays (outside employment)."""

    MEETING_FEE = "210", _("210 meeting fee")
    LECTURE_FEE = "214", _("214 lecture fee")
    WORK_COMPENSATION = "336", _("336 compensation for work")
    KILOMETRE_ALLOWANCE = "311", _("311 kilometre allowance (tax-free)")

    @classmethod
    def wages(cls) -> tuple[str, ...]:
        """Wage-type fees: always withheld, a wage tax card applies."""
        return (cls.MEETING_FEE, cls.LECTURE_FEE)


# The Incomes Register's code of the withholding on a report.
WITHHOLDING_CODE = "402"


class NoCardRate(models.Model):
    """The withholding without a valid tax card (60 % by the Prepayment Act), from a day on."""

    valid_from = models.DateField(_("valid from"), unique=True)
    rate = models.DecimalField(
        _("withholding without a tax card (%)"),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
        **RATE,
    )

    class Meta:
        verbose_name = _("withholding without a tax card")
        verbose_name_plural = _("withholding without a tax card")
        ordering = ["-valid_from"]

    def __str__(self) -> str:
        return f"{self.rate} % ({self.valid_from:%d.%m.%Y})"


class PaymentBatch(models.Model):
    """The ready statements paid together on one payment date, with the bank's SEPA file."""

    class Status(models.TextChoices):
        CREATED = "created", pgettext_lazy("batch status", "waiting for the bank")
        PAID = "paid", pgettext_lazy("batch status", "paid")

    # The bank's file is some 0.8 MB for a national batch (2,450 transfers): a list of batches,
    # or of statements or reports joined to their batch, leaves it out (``file_fields``), or
    # fifty rows read 39 MB from the database (issue 19); its download alone reads it.
    FILE_FIELDS = ("sepa_xml",)

    payment_date = models.DateField(_("payment date"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.CREATED
    )
    message_id = models.CharField(_("message ID"), max_length=35, unique=True)
    sepa_xml = models.TextField(_("SEPA credit transfer file"), blank=True)
    total = models.DecimalField(_("total paid out"), default=Decimal(0), **MONEY)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    confirmed_at = models.DateTimeField(_("confirmed paid"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed by"),
    )

    class Meta:
        verbose_name = _("payment batch")
        verbose_name_plural = _("payment batches")
        ordering = ["-payment_date", "-pk"]

    def __str__(self) -> str:
        return f"{self.message_id} ({self.payment_date:%d.%m.%Y})"

    @classmethod
    def file_fields(cls, via: str = "") -> list[str]:
        """The file's fields to ``defer``: the batch's own, or through the relation ``via``."""
        return [f"{via}__{name}" if via else name for name in cls.FILE_FIELDS]


class FeeStatement(models.Model):
    """What one expert is paid for one month's gigs: gross per income type, the withholding,
    the tax-free reimbursements and the payout."""

    class Status(models.TextChoices):
        APPROVED = "approved", pgettext_lazy("statement status", "approved")
        HELD = "held", pgettext_lazy("statement status", "held back")
        IN_PAYMENT = "in_payment", pgettext_lazy("statement status", "in payment")
        PAID = "paid", pgettext_lazy("statement status", "paid")

    # Still to be paid: what the statements list counts in its tabs.
    UNPAID = (Status.APPROVED, Status.HELD, Status.IN_PAYMENT)

    expert = models.ForeignKey(
        Expert, on_delete=models.PROTECT, related_name="fee_statements", verbose_name=_("expert")
    )
    period_start = models.DateField(_("month from"))
    period_end = models.DateField(_("month until"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.APPROVED
    )
    batch = models.ForeignKey(
        PaymentBatch,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="statements",
        verbose_name=_("payment batch"),
    )
    payment_date = models.DateField(_("payment date"), null=True, blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    # The sums, counted again whenever a line or the payment date changes.
    wages = models.DecimalField(_("meeting and lecture fees"), default=Decimal(0), **MONEY)
    work_compensation = models.DecimalField(_("compensation for work"), default=Decimal(0), **MONEY)
    withholding = models.DecimalField(_("withholding"), default=Decimal(0), **MONEY)
    mileage = models.DecimalField(_("kilometre allowance"), default=Decimal(0), **MONEY)
    expenses = models.DecimalField(_("expenses"), default=Decimal(0), **MONEY)
    payout = models.DecimalField(_("paid out"), default=Decimal(0), **MONEY)
    # The tax card the withholding was counted under (empty: none valid, the no-card rate).
    tax_card = models.ForeignKey(
        TaxCard,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("tax card"),
    )
    withholding_note = models.CharField(_("how the withholding was counted"), max_length=500)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("fee statement")
        verbose_name_plural = _("fee statements")
        ordering = ["-period_start", "expert__user__full_name", "pk"]
        indexes = [
            models.Index(fields=["status", "period_start"]),
            models.Index(fields=["expert", "period_start"]),
            # The list's newest months first: the page's fifty rows from the newest month's
            # statements, sorted by name within it (280 -> 28 ms at national scale).
            models.Index(fields=["-period_start"], name="feestatement_period_desc"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["expert", "period_start"], name="feestatement_one_per_month"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["approved", "held"]) | Q(batch__isnull=False),
                name="feestatement_in_payment_has_batch",
            ),
            models.CheckConstraint(
                condition=~Q(status="paid") | Q(paid_on__isnull=False),
                name="feestatement_paid_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.expert} {self.period_start:%m/%Y}"

    @property
    def gross(self) -> Decimal:
        return self.wages + self.work_compensation

    @property
    def net(self) -> Decimal:
        return self.gross - self.withholding

    @property
    def reimbursements(self) -> Decimal:
        return self.mileage + self.expenses

    @property
    def editable(self) -> bool:
        return self.status in (self.Status.APPROVED, self.Status.HELD)


class FeeLine(models.Model):
    class Kind(models.TextChoices):
        FEE = "fee", _("fee")
        CANCELLATION = "cancellation", _("late cancellation fee")
        MILEAGE = "mileage", _("kilometres")
        EXPENSES = "expenses", _("expenses against receipts")
        CORRECTION = "correction", _("correction")
        # Paid to the gig's companion (a support person) on their own statement.
        COMPANION = "companion", _("companion fee")

    statement = models.ForeignKey(
        FeeStatement, on_delete=models.CASCADE, related_name="lines", verbose_name=_("statement")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    gig = models.ForeignKey(
        Gig,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="fee_lines",
        verbose_name=_("gig"),
    )
    date = models.DateField(_("date"))
    description = models.CharField(_("description"), max_length=300)
    # Empty for expenses against receipts: tax-free and not reported.
    income_type = models.CharField(
        _("income type"), max_length=3, choices=IncomeType.choices, blank=True
    )
    km = models.PositiveIntegerField(_("kilometres"), default=0)
    amount = models.DecimalField(_("amount"), **MONEY)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("fee line")
        verbose_name_plural = _("fee lines")
        ordering = ["statement", "date", "pk"]
        constraints = [
            # Exactly once: a gig's fee, kilometres, expenses and companion fee are each paid by
            # one line, ever.
            models.UniqueConstraint(
                fields=["gig", "kind"], condition=Q(gig__isnull=False), name="feeline_gig_once"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["expenses"]) | ~Q(income_type=""),
                name="feeline_reported_has_income_type",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.statement}: {self.description} {self.amount}"


class IncomesRegisterReport(models.Model):
    """The earnings payment report of one expert and payment date, due five days after it."""

    class Status(models.TextChoices):
        DUE = "due", pgettext_lazy("report status", "to be sent")
        SENT = "sent", pgettext_lazy("report status", "sent")

    statement = models.OneToOneField(
        FeeStatement,
        on_delete=models.PROTECT,
        related_name="incomes_report",
        verbose_name=_("statement"),
    )
    batch = models.ForeignKey(
        PaymentBatch,
        on_delete=models.PROTECT,
        related_name="incomes_reports",
        verbose_name=_("payment batch"),
    )
    payment_date = models.DateField(_("payment date"))
    deadline = models.DateField(_("due by"))
    report_id = models.CharField(_("report ID"), max_length=40, unique=True)
    xml = models.TextField(_("report (XML)"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DUE
    )
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("marked sent by"),
    )

    class Meta:
        verbose_name = _("Incomes Register report")
        verbose_name_plural = _("Incomes Register reports")
        ordering = ["deadline", "pk"]
        indexes = [
            models.Index(fields=["status", "deadline"]),
            # The work queue's five reports due, by deadline: read in order, not every due
            # report joined with its statement, expert and user and sorted (issue 19).
            models.Index(
                fields=["deadline", "id"], name="irreport_due_deadline", condition=Q(status="due")
            ),
            # The reports page's last ones sent, newest first: twenty read in order, not every
            # report ever sent joined and sorted (143,000 at national scale: 1 s; issue 19).
            models.Index(
                F("sent_at").desc(),
                F("id").desc(),
                name="irreport_sent_newest",
                condition=Q(status="sent"),
            ),
        ]

    def __str__(self) -> str:
        return self.report_id


class FeeChange(History):
    """The history of a statement: made, held, released, corrected, paid (``History``)."""

    class Kind(models.TextChoices):
        STATUS = History.STATUS, _("status changed")
        CORRECTED = "corrected", _("corrected")
        DEFERRED = "deferred", _("moved to a later month")
        DOWNLOADED = "downloaded", _("file downloaded")
        REPORT_SENT = "report_sent", _("Incomes Register report sent")

    statement = models.ForeignKey(
        FeeStatement,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="changes",
        verbose_name=_("statement"),
    )
    batch = models.ForeignKey(
        PaymentBatch,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="changes",
        verbose_name=_("payment batch"),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, default=Kind.STATUS)

    class Meta(History.Meta):
        verbose_name = _("fee history entry")
        verbose_name_plural = _("fee history")

    def __str__(self) -> str:
        return f"{self.statement or self.batch}: {self.kind}"

    @property
    def from_label(self) -> str:
        return self._label(self.from_status)

    @property
    def to_label(self) -> str:
        return self._label(self.to_status)

    def _label(self, value: str) -> str:
        statuses = PaymentBatch.Status if self.batch_id else FeeStatement.Status
        return str(statuses(value).label) if value in statuses.values else value
