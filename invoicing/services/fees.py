"""The monthly fee payment: statements (``fees_run``), their holds and corrections, a gig's fee
moved to a later month (``fee_defer``), the payment batch with its bank and Incomes Register
files (``fees_pay``), and its confirmation (``batch_confirm``), which marks the gigs paid."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet, Sum
from django.utils import timezone, translation
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from bookings.models import Gig
from bookings.selectors.earnings import Period
from bookings.services.payments import (
    gig_can_move_payment,
    gig_payment_defer,
    gigs_mark_paid,
)
from expertbank.bank import bank_missing
from expertbank.finnish import (
    incomes_register_deadline,
    validate_bic,
    validate_iban,
    validate_personal_identity_code,
)
from expertbank.formatting import euros
from expertbank.locks import run_lock
from expertbank.models import User, actor
from experts.models import Expert
from invoicing import fees, selectors
from invoicing.models import (
    FeeChange,
    FeeLine,
    FeeStatement,
    IncomesRegisterReport,
    IncomeType,
    PaymentBatch,
)
from invoicing.selectors import OWN_LINES
from invoicing.services.common import InvoicingError

Status = FeeStatement.Status
Kind = FeeChange.Kind
# The fee run's lines of a gig, each once (``feeline_gig_once``).
PAID_ONCE = "feeline_gig_once"
# A correction changes a fee (its kilometres are corrected by returning the report).
CORRECTABLE = (IncomeType.MEETING_FEE, IncomeType.LECTURE_FEE, IncomeType.WORK_COMPENSATION)
MESSAGE_ID_CHARS = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def record(
    *,
    by: User | None,
    statement: FeeStatement | None = None,
    batch: PaymentBatch | None = None,
    kind: str = Kind.STATUS,
    from_status: str = "",
    to_status: str = "",
    note: str = "",
    changes: dict | None = None,
) -> FeeChange:
    return FeeChange.write(
        statement=statement,
        batch=batch,
        by=by,
        kind=kind,
        from_status=from_status,
        to_status=to_status,
        note=note,
        changes=changes,
    )


def _record_all(
    statements: list[FeeStatement], *, by: User | None, was: str, to: str, note: str
) -> None:
    """``record`` of the same status change of many statements, in one insert."""
    FeeChange.objects.bulk_create(
        (
            FeeChange.entry(by=by, statement=s, from_status=was, to_status=to, note=note)
            for s in statements
        ),
        batch_size=1000,
    )


def _set_status(statement: FeeStatement, to: str, *, by: User | None, note: str = "") -> None:
    before = statement.status
    statement.status = to
    statement.save(update_fields=["status"])
    record(by=by, statement=statement, from_status=before, to_status=to, note=note)


def expected_payment_date(period: Period) -> date:
    """Until a batch sets it: the 15th of the month after ``period`` (for the estimate)."""
    return (period.end + timedelta(days=15)).replace(day=15)


# --- The run -----------------------------------------------------------------------------------


@dataclass
class FeePlan:
    period: Period
    lines: dict[int, list[fees.Line]] = field(default_factory=dict)  # by expert id
    experts: dict[int, Expert] = field(default_factory=dict)
    deferred: list[Gig] = field(default_factory=list)


GIG_RELATED = (
    "expert__user",
    "booking__work_kind",
    "booking__terms",
    "report",
    "assignment__companion__user",
    "expert__support__companion_person__user",
)


def _companion_gigs(end: datetime) -> QuerySet[Gig]:
    """Approved or paid gigs up to ``end`` whose companion is not paid yet: the expert's own
    payment (deferred, or made before the companion was named) does not hold theirs up."""
    comes_with = Q(assignment__companion__isnull=False) | Q(
        expert__support__companion=True, expert__support__companion_person__isnull=False
    )
    return (
        Gig.objects.filter(
            comes_with,
            status__in=[Gig.Status.APPROVED, Gig.Status.PAID],
            written_off=False,
            start__lt=end,
        )
        .exclude(Exists(FeeLine.objects.filter(kind=FeeLine.Kind.COMPANION, gig=OuterRef("pk"))))
        .select_related(*GIG_RELATED)
        .prefetch_related("report__expenses")
        .order_by("start", "pk")
    )


def on_no_statement() -> QuerySet[Gig]:
    """``selectors.gigs_on_no_statement`` with what their lines read."""
    return (
        selectors.gigs_on_no_statement()
        .select_related(*GIG_RELATED)
        .prefetch_related("report__expenses")
    )


def fees_plan(period: Period) -> FeePlan:
    """Every gig up to the end of ``period`` that carries money for its expert and is on no
    statement yet, unless the expert moved its fee to a later month; and every companion fee of
    a gig up to then not paid yet, on the companion's own statement."""
    end = timezone.make_aware(datetime.combine(period.end + timedelta(days=1), time.min))
    gigs = on_no_statement().filter(start__lt=end).order_by("expert_id", "start", "pk")
    plan = FeePlan(period=period)
    rates: dict[date, Decimal] = {}  # the kilometre allowance, read once a day
    for gig in gigs:
        if gig.pay_not_before is not None and gig.pay_not_before > period.end:
            plan.deferred.append(gig)
            continue
        # The lines are read by the expert: written in their language.
        with translation.override(gig.expert.user.language or settings.LANGUAGE_CODE):
            lines = [line for line in fees.gig_lines(gig, rates=rates) if line.payee is None]
        plan.lines.setdefault(gig.expert_id, []).extend(lines)
        plan.experts[gig.expert_id] = gig.expert
    for gig in _companion_gigs(end):
        for line in fees.gig_lines(gig, rates=rates):
            if line.payee is not None:
                plan.lines.setdefault(line.payee.pk, []).append(line)
                plan.experts[line.payee.pk] = line.payee
    return plan


@dataclass
class RunResult:
    plan: FeePlan
    statements: list[FeeStatement]
    skipped: list[Expert]  # their statement of the month is already in payment
    dry_run: bool


def fees_run(*, period: Period, by: User | None, dry_run: bool = False) -> RunResult:
    """Make (or add to) each expert's statement of ``period``: every approved, unpaid gig up to
    its end, the late-cancellation fees, kilometres and expenses (see ``invoicing.fees``). A
    dry run changes nothing. Running it again, or at the same moment, adds nothing twice: the
    run holds its lock, and the database refuses a gig's line twice."""
    if dry_run:
        return RunResult(plan=fees_plan(period), statements=[], skipped=[], dry_run=True)
    try:
        return _fees_run(period=period, by=by)
    except IntegrityError as exc:
        if PAID_ONCE in str(exc) or "feestatement_one_per_month" in str(exc):
            raise InvoicingError(
                _("Another fee run added these gigs at the same moment. Nothing was added twice.")
            ) from exc
        raise


@transaction.atomic(durable=True)
def _fees_run(*, period: Period, by: User | None) -> RunResult:
    return run_statements(period=period, by=by)


def run_statements(*, period: Period, by: User | None) -> RunResult:
    """The run inside the caller's transaction (``fees_run`` and the demo data).

    A few queries for the whole run, not a dozen a statement: the month's statements that
    exist are read at once and the missing ones made in one insert (the database still refuses
    a second statement of a month, ``feestatement_one_per_month``), then every line in one
    insert, the totals with the experts' tax facts read once (``fees.apply_totals_all``), and
    the history in one insert."""
    run_lock("fees")
    plan = fees_plan(period)
    estimate = expected_payment_date(period)
    existing = {
        statement.expert_id: statement
        for statement in FeeStatement.objects.filter(
            expert_id__in=list(plan.lines), period_start=period.start
        )
    }
    made = FeeStatement.objects.bulk_create(
        FeeStatement(expert_id=expert_id, period_start=period.start, period_end=period.end)
        for expert_id in plan.lines
        if expert_id not in existing
    )
    created = {statement.expert_id for statement in made}
    by_expert = {**existing, **{statement.expert_id: statement for statement in made}}
    statements, skipped = [], []
    for expert_id in plan.lines:
        statement = by_expert[expert_id]
        statement.expert = plan.experts[expert_id]
        if statement.editable:
            statements.append(statement)
        else:
            skipped.append(plan.experts[expert_id])
    FeeLine.objects.bulk_create(
        (
            FeeLine(
                statement=statement,
                kind=line.kind,
                gig=line.gig,
                date=line.date,
                description=line.description,
                income_type=line.income_type,
                km=line.km,
                amount=line.amount,
            )
            for statement in statements
            for line in plan.lines[statement.expert_id]
        ),
        batch_size=1000,
    )
    fees.apply_totals_all(statements, payment_date=lambda s: s.payment_date or estimate)
    FeeChange.objects.bulk_create(
        (
            FeeChange.entry(by=by, statement=statement, to_status=statement.status)
            if statement.expert_id in created
            else FeeChange.entry(
                by=by,
                statement=statement,
                kind=Kind.CORRECTED,
                note=ngettext(
                    "%(count)s line added by the run.",
                    "%(count)s lines added by the run.",
                    len(plan.lines[statement.expert_id]),
                )
                % {"count": len(plan.lines[statement.expert_id])},
            )
            for statement in statements
        ),
        batch_size=1000,
    )
    return RunResult(plan=plan, statements=statements, skipped=skipped, dry_run=False)


# --- Holding, correcting, moving ----------------------------------------------------------------


def _locked(statement: FeeStatement) -> FeeStatement:
    return FeeStatement.objects.select_for_update().select_related("expert").get(pk=statement.pk)


@transaction.atomic(durable=True)
def statement_hold(*, statement: FeeStatement, by: User, reason: str) -> FeeStatement:
    """Keep a statement out of the next payment batch, saying why."""
    statement = _locked(statement)
    if statement.status != Status.APPROVED:
        raise InvoicingError(_("Only a statement waiting for payment can be held back."))
    if not reason.strip():
        raise InvoicingError(_("Say why the statement is held back: the history keeps it."))
    _set_status(statement, Status.HELD, by=by, note=reason.strip())
    return statement


@transaction.atomic(durable=True)
def statement_release(*, statement: FeeStatement, by: User) -> FeeStatement:
    statement = _locked(statement)
    if statement.status != Status.HELD:
        raise InvoicingError(_("Only a statement held back can be released."))
    _set_status(statement, Status.APPROVED, by=by)
    return statement


@transaction.atomic(durable=True)
def statement_correct(
    *,
    statement: FeeStatement,
    by: User,
    reason: str,
    amount: Decimal,
    income_type: str,
    description: str,
) -> FeeLine:
    """Add a correction line (plus or minus) to a statement not yet in payment, with a reason.
    The payout can never fall below zero."""
    statement = _locked(statement)
    if not statement.editable:
        raise InvoicingError(_("A statement in payment or paid can no longer be corrected."))
    reason, description = reason.strip(), description.strip()
    if not reason or not description:
        raise InvoicingError(_("Describe the correction and say why: the expert sees both."))
    if amount == 0:
        raise InvoicingError(_("A correction needs an amount other than zero."))
    if income_type not in CORRECTABLE:
        raise InvoicingError(_("Choose the income type of the correction."))
    line = FeeLine.objects.create(
        statement=statement,
        kind=FeeLine.Kind.CORRECTION,
        date=timezone.localdate(),
        description=description[:300],
        income_type=income_type,
        amount=amount,
        note=reason,
    )
    fees.apply_totals(
        statement,
        payment_date=statement.payment_date or expected_payment_date(_period(statement)),
    )
    by_type = statement.lines.filter(income_type=income_type).aggregate(total=Sum("amount"))
    if statement.payout < 0 or (by_type["total"] or 0) < 0:
        raise InvoicingError(_("The correction would take the statement below zero."))
    record(
        by=by,
        statement=statement,
        kind=Kind.CORRECTED,
        note=reason,
        changes={"correction": ["", f"{description}: {amount}"]},
    )
    return line


def fee_can_defer(gig: Gig) -> bool:
    """The expert may move a gig's fee to a later month until its statement is in payment."""
    if not gig_can_move_payment(gig):
        return False
    line = FeeLine.objects.filter(OWN_LINES, gig=gig).select_related("statement").first()
    return line is None or line.statement.editable


def next_payment_month(gig: Gig, *, today: date | None = None) -> date:
    """The first day of the month after the one the fee would be paid with: its statement's
    month, else the later of the gig's month and last month (the next run's)."""
    line = FeeLine.objects.filter(OWN_LINES, gig=gig).select_related("statement").first()
    if line is not None:
        month = line.statement.period_start
    else:
        last_month = ((today or timezone.localdate()).replace(day=1) - timedelta(days=1)).replace(
            day=1
        )
        month = max(timezone.localdate(gig.start).replace(day=1), last_month)
    return (month + timedelta(days=32)).replace(day=1)


@transaction.atomic(durable=True)
def fee_defer(*, gig: Gig, by: User) -> Gig:
    """Pay ``gig``'s fee (with its kilometres and expenses) a month later than it would be
    (``bookings.services.gig_payment_defer``: the earnings caps follow at once).

    A gig already on a statement that is not in payment comes off it (the statement is counted
    again); the history of both says so.
    """
    gig = Gig.objects.select_related("expert__user").get(pk=gig.pk)
    if gig.expert.user_id != getattr(by, "pk", None):
        raise InvoicingError(_("You can move only your own fees."))
    if not fee_can_defer(gig):
        raise InvoicingError(
            _("This fee is already in payment or paid, so it can no longer be moved.")
        )
    not_before = next_payment_month(gig)
    # The companion's fee stays where it is: the expert's wish moves only their own money.
    lines = list(FeeLine.objects.filter(OWN_LINES, gig=gig).select_related("statement"))
    gig = gig_payment_defer(gig=gig, not_before=not_before, by=by)
    if lines:
        statement = _locked(lines[0].statement)
        FeeLine.objects.filter(pk__in=[line.pk for line in lines]).delete()
        fees.apply_totals(
            statement,
            payment_date=statement.payment_date or expected_payment_date(_period(statement)),
        )
        record(
            by=by,
            statement=statement,
            kind=Kind.DEFERRED,
            note=_("%(gig)s moved to %(month)s.") % {"gig": gig, "month": f"{not_before:%m/%Y}"},
        )
    return gig


def _period(statement: FeeStatement) -> Period:
    return Period(statement.period_start, statement.period_end)


# --- Paying ------------------------------------------------------------------------------------


@dataclass
class PayResult:
    batch: PaymentBatch | None
    statements: list[FeeStatement]
    missing: list[tuple[Expert, str]]  # left out: no valid account or identity code


def missing_details(expert: Expert) -> str:
    """What keeps an expert from being paid: no valid IBAN or identity code (empty: nothing)."""
    problems = []
    for value, check, label in (
        (expert.iban, validate_iban, _("no valid IBAN")),
        (expert.identity_code, validate_personal_identity_code, _("no valid identity code")),
    ):
        try:
            if not value:
                raise ValidationError("missing")
            check(value)
        except ValidationError:
            problems.append(str(label))
    if expert.bic:
        try:
            validate_bic(expert.bic)
        except ValidationError:
            problems.append(str(_("an invalid BIC")))
    return ", ".join(problems)


def fees_pay(*, period: Period, payment_date: date, by: User | None) -> PayResult:
    """Put every statement waiting for payment up to ``period`` in one batch paid on
    ``payment_date``: the SEPA credit transfer file (pain.001.001.09) and an Incomes Register
    report per expert. Experts without a valid IBAN or identity code are listed and left out,
    never silently. A statement joins one batch only: it is taken with an update that succeeds
    only while it has none, so two batches at once never pay it twice."""
    missing = bank_missing(fees=True)
    if missing:
        raise InvoicingError(missing)
    if payment_date < timezone.localdate():
        raise InvoicingError(_("The payment date cannot be in the past."))
    return _fees_pay(period=period, payment_date=payment_date, by=by)


@transaction.atomic(durable=True)
def _fees_pay(*, period: Period, payment_date: date, by: User | None) -> PayResult:
    return pay_statements(period=period, payment_date=payment_date, by=by)


def pay_statements(*, period: Period, payment_date: date, by: User | None) -> PayResult:
    from invoicing.documents.incomes_register import earnings_report_xml, income_type_sums
    from invoicing.documents.sepa import credit_transfer_xml

    run_lock("fees")
    ready = list(
        FeeStatement.objects.filter(
            status=Status.APPROVED, batch__isnull=True, period_start__lte=period.start
        )
        .select_related("expert__user")
        .order_by("expert__user__full_name", "pk")
    )
    missing = [(s.expert, missing_details(s.expert)) for s in ready]
    missing = [(expert, why) for expert, why in missing if why]
    left_out = {expert.pk for expert, _why in missing}
    paying = [s for s in ready if s.expert_id not in left_out]
    if not paying:
        return PayResult(batch=None, statements=[], missing=missing)
    batch = PaymentBatch.objects.create(
        payment_date=payment_date,
        message_id=f"EB{payment_date:%Y%m%d}{get_random_string(8, MESSAGE_ID_CHARS)}",
        created_by=actor(by),
    )
    taken = FeeStatement.objects.filter(
        pk__in=[s.pk for s in paying], batch__isnull=True, status=Status.APPROVED
    ).update(batch=batch, status=Status.IN_PAYMENT, payment_date=payment_date)
    if taken != len(paying):
        raise InvoicingError(
            _("Another batch took some of these statements at the same moment. Try again.")
        )
    statements = list(
        FeeStatement.objects.filter(batch=batch).select_related("expert__user").order_by("pk")
    )
    fees.apply_totals_all(statements, payment_date=lambda _statement: payment_date)
    _record_all(statements, by=by, was=Status.APPROVED, to=Status.IN_PAYMENT, note=str(batch))
    batch.total = sum((s.payout for s in statements), Decimal(0))
    batch.sepa_xml = credit_transfer_xml(batch, statements)
    batch.save(update_fields=["total", "sepa_xml"])
    deadline = incomes_register_deadline(payment_date)
    reported = [statement for statement in statements if statement.gross or statement.mileage]
    sums = income_type_sums(reported)

    def report(statement: FeeStatement, report_id: str) -> IncomesRegisterReport:
        xml = earnings_report_xml(statement, report_id=report_id, sums=sums[statement.pk])
        return IncomesRegisterReport(
            statement=statement,
            batch=batch,
            payment_date=payment_date,
            deadline=deadline,
            report_id=report_id,
            xml=xml,
        )

    IncomesRegisterReport.objects.bulk_create(
        (report(s, f"{batch.message_id}-{s.pk}") for s in reported), batch_size=500
    )
    record(
        by=by,
        batch=batch,
        to_status=batch.status,
        note=ngettext(
            "%(count)s statement, %(total)s.", "%(count)s statements, %(total)s.", len(statements)
        )
        % {"count": len(statements), "total": euros(batch.total)},
    )
    return PayResult(batch=batch, statements=statements, missing=missing)


def batch_can_confirm(batch: PaymentBatch, *, today: date | None = None) -> bool:
    return batch.status == PaymentBatch.Status.CREATED and batch.payment_date <= (
        today or timezone.localdate()
    )


@transaction.atomic(durable=True)
def batch_confirm(*, batch: PaymentBatch, by: User | None) -> PaymentBatch:
    """The bank paid the batch: its statements and their gigs are paid on its payment date
    (``gigs_mark_paid``: earnings caps, closing and reports follow)."""
    return confirm_batch(batch=batch, by=by)


def confirm_batch(
    *, batch: PaymentBatch, by: User | None, today: date | None = None
) -> PaymentBatch:
    """``batch_confirm`` inside the caller's transaction (the demo data)."""
    batch = PaymentBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != PaymentBatch.Status.CREATED:
        raise InvoicingError(_("This batch is already confirmed paid."))
    if not batch_can_confirm(batch, today=today):
        raise InvoicingError(
            _("The batch is paid on %(date)s: confirm it on that day or later.")
            % {"date": batch.payment_date.strftime("%d.%m.%Y")}
        )
    statements = list(batch.statements.select_for_update().order_by("pk"))
    gig_ids = set(
        FeeLine.objects.filter(
            statement__in=statements,
            kind__in=[FeeLine.Kind.FEE, FeeLine.Kind.CANCELLATION],
            gig__isnull=False,
        ).values_list("gig_id", flat=True)
    )
    gigs = list(Gig.objects.filter(pk__in=gig_ids).filter(paid_on__isnull=True, written_off=False))
    if gigs:
        gigs_mark_paid(gigs=gigs, paid_on=batch.payment_date, by=by)
    FeeStatement.objects.filter(pk__in=[s.pk for s in statements]).update(
        paid_on=batch.payment_date, status=Status.PAID
    )
    for statement in statements:
        statement.paid_on, statement.status = batch.payment_date, Status.PAID
    paid_on = batch.payment_date.strftime("%d.%m.%Y")
    _record_all(statements, by=by, was=Status.IN_PAYMENT, to=Status.PAID, note=paid_on)
    batch.status = PaymentBatch.Status.PAID
    batch.confirmed_at = timezone.now()
    batch.confirmed_by = actor(by)
    batch.save(update_fields=["status", "confirmed_at", "confirmed_by"])
    record(by=by, batch=batch, from_status="created", to_status="paid")
    return batch


def _mark_sent(reports: list[IncomesRegisterReport], *, by: User | None) -> None:
    """Mark ``reports`` (locked, still due) sent now, each with its statement's history row."""
    now, who = timezone.now(), actor(by)
    for report in reports:
        report.status, report.sent_at, report.sent_by = IncomesRegisterReport.Status.SENT, now, who
    IncomesRegisterReport.objects.filter(pk__in=[report.pk for report in reports]).update(
        status=IncomesRegisterReport.Status.SENT, sent_at=now, sent_by=who
    )
    # Its own kind of entry, not a status change: a status change names its from and to.
    note = _("Incomes Register report sent.")
    FeeChange.objects.bulk_create(
        (
            FeeChange.entry(by=by, statement_id=r.statement_id, kind=Kind.REPORT_SENT, note=note)
            for r in reports
        ),
        batch_size=1000,
    )


@transaction.atomic(durable=True)
def report_mark_sent(*, report: IncomesRegisterReport, by: User) -> IncomesRegisterReport:
    report = IncomesRegisterReport.objects.select_for_update().get(pk=report.pk)
    if report.status == IncomesRegisterReport.Status.SENT:
        raise InvoicingError(_("This report is already marked sent."))
    _mark_sent([report], by=by)
    return report


@transaction.atomic(durable=True)
def batch_reports_mark_sent(*, batch: PaymentBatch, by: User | None) -> int:
    """Mark every report of ``batch`` still due sent, at once: a national bank's batch holds
    some 2,450 reports, sent to the Incomes Register together. Returns how many."""
    reports = list(
        IncomesRegisterReport.objects.select_for_update()
        .filter(batch=batch, status=IncomesRegisterReport.Status.DUE)
        .order_by("pk")
    )
    if not reports:
        raise InvoicingError(_("Every report of this batch is already marked sent."))
    _mark_sent(reports, by=by)
    return len(reports)


def batch_reports_file(*, batch: PaymentBatch) -> tuple[str, list[IncomesRegisterReport]]:
    """The reports of ``batch`` still due as one delivery to the Incomes Register (its upload
    service takes one payment's reports of many income earners in one file), and the reports
    in it. The due reports only: one already sent would be refused there as a duplicate. The
    delivery ID names the batch and how many reports are in it (the reports due only ever
    become fewer), so the same file uploaded twice is refused as a second delivery."""
    from invoicing.documents.incomes_register import one_delivery

    reports = list(
        IncomesRegisterReport.objects.filter(batch=batch, status=IncomesRegisterReport.Status.DUE)
        .select_related("statement__expert")
        .order_by("pk")
    )
    if not reports:
        raise InvoicingError(_("Every report of this batch is already marked sent."))
    xml = one_delivery(
        [report.xml for report in reports], delivery_id=f"{batch.message_id}-IR{len(reports)}"
    )
    return xml, reports


__all__ = ["InvoicingError"]
