"""The coordinator's fee payments: the monthly run with its dry run, the statements with their
holds and corrections, payment batches with the bank's file and the Incomes Register reports,
and the experts who cannot be paid until their details are fixed.

Every download of a bank or Incomes Register file is recorded twice: in the statement's or
batch's history and in the audit log.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib import messages
from django.db import transaction
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from bookings.services import BookingError
from expertbank.amounts import ZERO
from expertbank.formatting import at_most
from expertbank.models import ReadEntry
from expertbank.paging import CAP, Capped, page_of, query_without_page
from expertbank.roles import Role, role_required
from expertbank.services.audit import audit_record, read_logged
from experts.models import Expert
from invoicing import selectors
from invoicing.documents.statements import gross_by_type
from invoicing.fees import WAGE_TYPES, WORK_TYPES
from invoicing.forms import MonthForm
from invoicing.forms_fees import BatchForm, CorrectionForm, HoldForm, StatementFilterForm
from invoicing.models import (
    FeeChange,
    FeeStatement,
    IncomesRegisterReport,
    IncomeType,
    PaymentBatch,
)
from invoicing.services import fees as services
from invoicing.services.common import InvoicingError

Status = FeeStatement.Status
RECENTLY_SENT = 20


# --- The run -----------------------------------------------------------------------------------


@dataclass
class PlanRow:
    """One expert's part of a dry run: the lines the run would add, and their sums."""

    expert: Expert
    lines: list = field(default_factory=list)
    fees: Decimal = ZERO
    mileage: Decimal = ZERO
    expenses: Decimal = ZERO
    statement: FeeStatement | None = None  # the month's statement made already, if any

    @property
    def skipped(self) -> bool:
        return self.statement is not None and not self.statement.editable


def _plan_rows(plan: services.FeePlan) -> list[PlanRow]:
    existing = {
        statement.expert_id: statement
        for statement in FeeStatement.objects.filter(
            period_start=plan.period.start, expert_id__in=list(plan.experts)
        )
    }
    rows = []
    for expert_id, lines in plan.lines.items():
        row = PlanRow(plan.experts[expert_id], lines, statement=existing.get(expert_id))
        for line in lines:
            if line.income_type in (*WAGE_TYPES, *WORK_TYPES):
                row.fees += line.amount
            elif line.income_type == IncomeType.KILOMETRE_ALLOWANCE:
                row.mileage += line.amount
            else:
                row.expenses += line.amount
        rows.append(row)
    return sorted(rows, key=lambda row: (row.expert.name.lower(), row.expert.pk))


@role_required(Role.COORDINATOR)
def fee_run(request: HttpRequest) -> HttpResponse:
    """Choose a month, see per expert what the statements would carry, then make them."""
    form = MonthForm(request.POST or request.GET or None)
    rows, plan = None, None
    if form.is_bound and form.is_valid():
        if request.method == "POST":
            try:
                result = services.fees_run(period=form.period, by=request.user)
            except InvoicingError as exc:
                messages.error(request, str(exc))
            else:
                count = len(result.statements)
                messages.success(
                    request,
                    ngettext(
                        "%(count)s fee statement made or added to.",
                        "%(count)s fee statements made or added to.",
                        count,
                    )
                    % {"count": count},
                )
                if result.skipped:
                    messages.warning(
                        request,
                        _(
                            "The month's statement of %(names)s is already in payment: their "
                            "new lines go on a later month's statement."
                        )
                        % {"names": ", ".join(expert.name for expert in result.skipped)},
                    )
                url = reverse("invoicing_coordinator:fee_statements")
                return redirect(f"{url}?month={form.period.start:%Y-%m}")
        plan = services.fees_run(period=form.period, by=request.user, dry_run=True).plan
        rows = _plan_rows(plan)
    return render(
        request,
        "invoicing/fees/run.html",
        {"form": form, "plan": plan, "rows": rows},
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


# --- Statements --------------------------------------------------------------------------------


@role_required(Role.COORDINATOR)
def statement_list(request: HttpRequest) -> HttpResponse:
    form = StatementFilterForm(request.GET or None)
    statements = form.filter(
        FeeStatement.objects.select_related("expert__user", "batch")
        .defer(*PaymentBatch.file_fields("batch"))
        .order_by("-period_start", "expert__user__full_name", "pk")
    )
    # The tabs count the statements still to pay; the paid ones (all of history, 144,000 at
    # national scale: 50 ms of counting) are not counted.
    counts = dict(
        FeeStatement.objects.filter(status__in=FeeStatement.UNPAID)
        .values_list("status")
        .annotate(n=Count("pk"))
        .order_by("status")
    )
    rows = Capped(statements, cap=CAP)
    return render(
        request,
        "invoicing/fees/list.html",
        {
            "form": form,
            # Paged through the first CAP (``Capped``): not a COUNT of every statement ever
            # made at each visit (issue 19, sixth pass).
            "page": page_of(request, rows),
            "more": rows.more,
            "cap": at_most(CAP, CAP),
            "query": query_without_page(request),
            "counts": counts,
            "statuses": [
                (value, label, counts.get(value, 0) if value in FeeStatement.UNPAID else None)
                for value, label in Status.choices
            ],
        },
    )


def _statement(pk: int) -> FeeStatement:
    return get_object_or_404(
        FeeStatement.objects.select_related("expert__user", "batch", "tax_card").defer(
            *PaymentBatch.file_fields("batch")
        ),
        pk=pk,
    )


def _render_statement(
    request: HttpRequest,
    statement: FeeStatement,
    *,
    hold_form: HoldForm | None = None,
    correction_form: CorrectionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    report = IncomesRegisterReport.objects.filter(statement=statement).first()
    lines = list(statement.lines.select_related("gig").order_by("date", "pk"))
    subject = statement.expert.user_id
    read_logged(request, kind=ReadEntry.Kind.FEE_STATEMENT, obj=statement, subject_ids=[subject])
    if statement.tax_card is not None:
        read_logged(
            request, kind=ReadEntry.Kind.TAX_CARD, obj=statement.tax_card, subject_ids=[subject]
        )
    return render(
        request,
        "invoicing/fees/detail.html",
        {
            "statement": statement,
            "expert": statement.expert,
            "lines": lines,
            "by_type": gross_by_type(lines),
            "history": statement.changes.select_related("by").order_by("at", "pk"),
            "report": report,
            "missing": services.missing_details(statement.expert),
            "can_hold": statement.status == Status.APPROVED,
            "can_release": statement.status == Status.HELD,
            "can_correct": statement.editable,
            "hold_form": hold_form or HoldForm(),
            "correction_form": correction_form or CorrectionForm(),
        },
        status=status,
    )


@role_required(Role.COORDINATOR)
def statement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_statement(request, _statement(pk))


@require_POST
@role_required(Role.COORDINATOR)
def statement_hold(request: HttpRequest, pk: int) -> HttpResponse:
    statement = _statement(pk)
    form = HoldForm(request.POST)
    if form.is_valid():
        try:
            services.statement_hold(
                statement=statement, by=request.user, reason=form.cleaned_data["reason"]
            )
        except InvoicingError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The statement is held back from payment."))
            return redirect("invoicing_coordinator:fee_statement", statement.pk)
    return _render_statement(request, statement, hold_form=form, status=400)


@require_POST
@role_required(Role.COORDINATOR)
def statement_release(request: HttpRequest, pk: int) -> HttpResponse:
    statement = _statement(pk)
    try:
        services.statement_release(statement=statement, by=request.user)
    except InvoicingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The statement is released: the next batch pays it."))
    return redirect("invoicing_coordinator:fee_statement", statement.pk)


@require_POST
@role_required(Role.COORDINATOR)
def statement_correct(request: HttpRequest, pk: int) -> HttpResponse:
    statement = _statement(pk)
    form = CorrectionForm(request.POST)
    if form.is_valid():
        try:
            services.statement_correct(statement=statement, by=request.user, **form.cleaned_data)
        except InvoicingError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The correction is added and the statement counted again."))
            return redirect("invoicing_coordinator:fee_statement", statement.pk)
    return _render_statement(request, statement, correction_form=form, status=400)


# --- Batches -----------------------------------------------------------------------------------


@role_required(Role.COORDINATOR)
def batch_list(request: HttpRequest) -> HttpResponse:
    # Each batch's statements counted for its row alone (the index on the batch), not every
    # statement ever paid grouped to show a page of batches (144,000: 0.3 s, issue 19).
    counted = (
        FeeStatement.objects.filter(batch=OuterRef("pk"))
        .order_by()
        .values("batch")
        .annotate(n=Count("pk"))
        .values("n")
    )
    batches = (
        PaymentBatch.objects.annotate(statement_count=Coalesce(Subquery(counted), 0))
        .select_related("created_by")
        .defer(*PaymentBatch.file_fields())
    )
    page = page_of(request, batches.order_by("-payment_date", "-pk"))
    for batch in page:
        batch.can_confirm = services.batch_can_confirm(batch)
    return render(request, "invoicing/fees/batches.html", {"page": page})


def _left_out(missing: list[tuple[Expert, str]]) -> list[tuple[Expert, str]]:
    """Each expert once (an expert may have statements of several months waiting)."""
    seen, result = set(), []
    for expert, why in missing:
        if expert.pk not in seen:
            seen.add(expert.pk)
            result.append((expert, why))
    return result


def _ready(form: BatchForm) -> tuple[list[FeeStatement], list[tuple[Expert, str]]]:
    """What a batch made now would pay, and who it would leave out (the preview). The same
    selection as ``services.fees.pay_statements``, which offers no selector of its own."""
    statements = list(
        FeeStatement.objects.filter(
            status=Status.APPROVED, batch__isnull=True, period_start__lte=form.period.start
        )
        .select_related("expert__user")
        .order_by("expert__user__full_name", "period_start", "pk")
    )
    missing = _left_out(
        [(s.expert, why) for s in statements if (why := services.missing_details(s.expert))]
    )
    left_out = {expert.pk for expert, _why in missing}
    return [s for s in statements if s.expert_id not in left_out], missing


@role_required(Role.COORDINATOR)
def batch_create(request: HttpRequest) -> HttpResponse:
    """Choose the month and the payment date, see who is paid and who is left out, then make
    the batch with its bank file and Incomes Register reports."""
    form = BatchForm(request.POST or request.GET or None)
    paying, missing = None, None
    if form.is_bound and form.is_valid():
        if request.method == "POST":
            try:
                result = services.fees_pay(
                    period=form.period,
                    payment_date=form.cleaned_data["payment_date"],
                    by=request.user,
                )
            except InvoicingError as exc:
                form.add_error(None, str(exc))
            else:
                left_out = _left_out(result.missing)
                if left_out:
                    messages.warning(
                        request,
                        _(
                            "Left out, so not paid: %(experts)s. Fix their details and pay them "
                            "in a later batch."
                        )
                        % {"experts": "; ".join(f"{e.name} ({why})" for e, why in left_out)},
                    )
                if result.batch is not None:
                    messages.success(
                        request,
                        ngettext(
                            "The batch pays %(count)s statement. Download the bank's file.",
                            "The batch pays %(count)s statements. Download the bank's file.",
                            len(result.statements),
                        )
                        % {"count": len(result.statements)},
                    )
                    return redirect("invoicing_coordinator:fee_batch", result.batch.pk)
                messages.info(request, _("No statement is ready for payment: no batch was made."))
                return redirect("invoicing_coordinator:fee_batches")
        if not form.errors:
            paying, missing = _ready(form)
    return render(
        request,
        "invoicing/fees/batch_new.html",
        {
            "form": form,
            "paying": paying,
            "missing": missing,
            "total": sum((s.payout for s in paying or []), ZERO),
        },
        status=400 if request.method == "POST" or form.errors else 200,
    )


def _batch(pk: int) -> PaymentBatch:
    return get_object_or_404(
        PaymentBatch.objects.select_related("created_by", "confirmed_by"), pk=pk
    )


@role_required(Role.COORDINATOR)
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch(pk)
    statements = batch.statements.select_related("expert__user", "incomes_report").order_by(
        "expert__user__full_name", "pk"
    )
    return render(
        request,
        "invoicing/fees/batch_detail.html",
        {
            "batch": batch,
            "statements": statements,
            "can_confirm": services.batch_can_confirm(batch),
            "reports_due": batch.incomes_reports.filter(
                status=IncomesRegisterReport.Status.DUE
            ).count(),
            "history": batch.changes.select_related("by").order_by("at", "pk"),
            "today": timezone.localdate(),
        },
    )


@require_POST
@role_required(Role.COORDINATOR)
def batch_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch(pk)
    try:
        services.batch_confirm(batch=batch, by=request.user)
    except (InvoicingError, BookingError) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("The batch is confirmed paid on %(date)s: the statements and gigs are paid.")
            % {"date": batch.payment_date.strftime("%d.%m.%Y")},
        )
    return redirect("invoicing_coordinator:fee_batch", batch.pk)


@require_POST
@role_required(Role.COORDINATOR)
def batch_reports_sent(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch(pk)
    try:
        count = services.batch_reports_mark_sent(batch=batch, by=request.user)
    except InvoicingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            ngettext(
                "%(count)d Incomes Register report of the batch is marked sent.",
                "%(count)d Incomes Register reports of the batch are marked sent.",
                count,
            )
            % {"count": count},
        )
    return redirect("invoicing_coordinator:fee_batch", batch.pk)


def _download(
    request: HttpRequest,
    *,
    content: str,
    filename: str,
    obj: PaymentBatch | IncomesRegisterReport,
    batch: PaymentBatch,
    statement: FeeStatement | None = None,
    subjects: list[int] | None = None,
) -> HttpResponse:
    """The file, with its download in the history and in the audit log, and in the read log
    of every expert whose payment is in it (``subjects``, else the statement's expert, else
    the batch's)."""
    if subjects is None:
        subjects = (
            [statement.expert.user_id]
            if statement is not None
            else list(batch.statements.values_list("expert__user_id", flat=True).distinct())
        )
    with transaction.atomic():
        read_logged(request, kind=ReadEntry.Kind.BANK_FILE, obj=obj, subject_ids=subjects)
        services.record(
            by=request.user,
            statement=statement,
            batch=batch,
            kind=FeeChange.Kind.DOWNLOADED,
            note=filename,
        )
        audit_record(
            obj=obj, actor=request.user, action="file downloaded", changes={"file": ["", filename]}
        )
    response = HttpResponse(content.encode("utf-8"), content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@role_required(Role.COORDINATOR)
def batch_sepa(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch(pk)
    if not batch.sepa_xml:
        messages.error(request, _("This batch has no bank file."))
        return redirect("invoicing_coordinator:fee_batch", batch.pk)
    return _download(
        request, content=batch.sepa_xml, filename=f"{batch.message_id}.xml", obj=batch, batch=batch
    )


@role_required(Role.COORDINATOR)
def report_xml(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(
        IncomesRegisterReport.objects.select_related("batch", "statement__expert").defer(
            *PaymentBatch.file_fields("batch")
        ),
        pk=pk,
    )
    return _download(
        request,
        content=report.xml,
        filename=f"{report.report_id}.xml",
        obj=report,
        batch=report.batch,
        statement=report.statement,
    )


@role_required(Role.COORDINATOR)
def batch_reports_xml(request: HttpRequest, pk: int) -> HttpResponse:
    """The batch's reports still due as one file for the Incomes Register's upload service."""
    batch = _batch(pk)
    try:
        xml, reports = services.batch_reports_file(batch=batch)
    except InvoicingError as exc:
        messages.error(request, str(exc))
        return redirect("invoicing_coordinator:fee_batch", batch.pk)
    return _download(
        request,
        content=xml,
        filename=f"{batch.message_id}-incomes-register.xml",
        obj=batch,
        batch=batch,
        subjects=sorted({report.statement.expert.user_id for report in reports}),
    )


# --- Incomes Register reports ------------------------------------------------------------------


@role_required(Role.COORDINATOR)
def report_list(request: HttpRequest) -> HttpResponse:
    """The reports still to send, by deadline (late ones first), and the last ones sent."""
    reports = IncomesRegisterReport.objects.select_related(
        "statement__expert__user", "batch"
    ).defer("xml", *PaymentBatch.file_fields("batch"))
    return render(
        request,
        "invoicing/fees/reports.html",
        {
            "due": page_of(
                request,
                reports.filter(status=IncomesRegisterReport.Status.DUE).order_by("deadline", "pk"),
            ),
            # The batches with reports due, each to mark sent at once.
            "batches": PaymentBatch.objects.filter(
                incomes_reports__status=IncomesRegisterReport.Status.DUE
            )
            .defer(*PaymentBatch.file_fields())
            .annotate(due=Count("incomes_reports"))
            .order_by("payment_date", "pk"),
            "sent": reports.filter(status=IncomesRegisterReport.Status.SENT)
            .select_related("sent_by")
            .order_by("-sent_at", "-pk")[:RECENTLY_SENT],
            "today": timezone.localdate(),
        },
    )


@require_POST
@role_required(Role.COORDINATOR)
def report_sent(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(IncomesRegisterReport, pk=pk)
    try:
        services.report_mark_sent(report=report, by=request.user)
    except InvoicingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Report %(id)s is marked sent.") % {"id": report.report_id})
    return redirect("invoicing_coordinator:fee_reports")


# --- Experts who cannot be paid ----------------------------------------------------------------


@role_required(Role.COORDINATOR)
def missing_list(request: HttpRequest) -> HttpResponse:
    """Experts with money waiting (a statement not yet in payment, or an approved gig not yet on
    a statement) who have no valid IBAN or identity code: a batch would leave them out."""
    on_no_statement = selectors.gigs_on_no_statement()
    experts = (
        Expert.objects.filter(
            Q(fee_statements__status__in=[Status.APPROVED, Status.HELD])
            | Q(pk__in=on_no_statement.values("expert_id"))
        )
        .distinct()
        .select_related("user")
        .order_by("user__full_name", "pk")
    )
    waiting = Counter(
        FeeStatement.objects.filter(status__in=[Status.APPROVED, Status.HELD]).values_list(
            "expert_id", flat=True
        )
    )
    gigs = Counter(on_no_statement.values_list("expert_id", flat=True))
    rows = [
        (expert, why, waiting.get(expert.pk, 0), gigs.get(expert.pk, 0))
        for expert in experts
        if (why := services.missing_details(expert))
    ]
    return render(request, "invoicing/fees/missing.html", {"rows": rows})
