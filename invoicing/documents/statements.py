"""An expert's fee documents as PDFs in the expert's own language: one statement with its lines
and sums, and a year's summary of payments (by payment date, as benefit offices and Kela count
income) to hand to a benefits office.

Identity code and IBAN are printed masked only.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Sum
from django.utils import translation
from django.utils.translation import gettext

from expertbank.amounts import ZERO
from expertbank.bank import bank
from expertbank.services.pdf import render_pdf
from experts.models import Expert
from invoicing.models import FeeLine, FeeStatement, IncomeType

STATEMENT_TEMPLATE = "invoicing/fees/statement_pdf.html"
SUMMARY_TEMPLATE = "invoicing/fees/summary_pdf.html"
# The columns of the yearly summary, in order: fees first, then the tax-free allowance.
FEE_TYPES = (IncomeType.LECTURE_FEE, IncomeType.MEETING_FEE, IncomeType.WORK_COMPENSATION)


def language_of(expert: Expert) -> str:
    return expert.user.language


@dataclass
class TypeSum:
    code: str
    label: str
    amount: Decimal


def gross_by_type(lines: list[FeeLine]) -> list[TypeSum]:
    """A statement's fees per income type (only the types it has), in the active language."""
    sums: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for line in lines:
        if line.income_type in FEE_TYPES:
            sums[line.income_type] += line.amount
    return [
        TypeSum(code, str(IncomeType(code).label), sums[code]) for code in FEE_TYPES if code in sums
    ]


def statement_context(statement: FeeStatement) -> dict[str, Any]:
    lines = list(statement.lines.order_by("date", "pk"))
    return {
        "statement": statement,
        "expert": statement.expert,
        "lines": lines,
        "by_type": gross_by_type(lines),
        "km": sum(line.km for line in lines),
        "payer": bank(),
        "title": gettext("Fee statement %(month)s") % {"month": f"{statement.period_start:%m/%Y}"},
    }


def statement_pdf(statement: FeeStatement) -> bytes:
    """One statement: its lines, gross per income type − withholding + reimbursements = payout."""
    language = language_of(statement.expert)
    with translation.override(language):
        context = statement_context(statement)
    return render_pdf(template_name=STATEMENT_TEMPLATE, context=context, language=language)


@dataclass
class SummaryRow:
    statement: FeeStatement
    by_type: dict[str, Decimal] = field(default_factory=dict)
    km: int = 0

    @property
    def fees(self) -> list[Decimal]:
        return [self.by_type.get(code, ZERO) for code in FEE_TYPES]


@dataclass
class YearSummary:
    expert: Expert
    year: int
    rows: list[SummaryRow]

    def _sum(self, name: str) -> Decimal:
        return sum((getattr(row.statement, name) for row in self.rows), ZERO)

    @property
    def fees(self) -> list[Decimal]:
        return [sum((row.by_type.get(code, ZERO) for row in self.rows), ZERO) for code in FEE_TYPES]

    @property
    def gross(self) -> Decimal:
        return self._sum("gross")

    @property
    def withholding(self) -> Decimal:
        return self._sum("withholding")

    @property
    def mileage(self) -> Decimal:
        return self._sum("mileage")

    @property
    def expenses(self) -> Decimal:
        return self._sum("expenses")

    @property
    def payout(self) -> Decimal:
        return self._sum("payout")

    @property
    def km(self) -> int:
        return sum(row.km for row in self.rows)

    @property
    def fee_labels(self) -> list[str]:
        return [str(IncomeType(code).label) for code in FEE_TYPES]


def yearly_summary(expert: Expert, year: int) -> YearSummary:
    """The statements paid to ``expert`` in ``year`` (by payment date), each with its fees per
    income type and kilometres: two queries."""
    statements = list(
        FeeStatement.objects.filter(
            expert=expert, status=FeeStatement.Status.PAID, paid_on__year=year
        ).order_by("paid_on", "period_start", "pk")
    )
    rows = {statement.pk: SummaryRow(statement) for statement in statements}
    sums = (
        FeeLine.objects.filter(statement__in=statements)
        .values("statement_id", "income_type")
        .annotate(total=Sum("amount"), km=Sum("km"))
        .order_by()
    )
    for found in sums:
        row = rows[found["statement_id"]]
        row.by_type[found["income_type"]] = found["total"]
        row.km += found["km"] or 0
    return YearSummary(expert=expert, year=year, rows=list(rows.values()))


def yearly_summary_pdf(expert: Expert, year: int) -> bytes:
    """The year's payments for a benefits office or Kela: by payment date, fees per income
    type, withholding, tax-free reimbursements and the amount paid out."""
    language = language_of(expert)
    with translation.override(language):
        context = {
            "summary": yearly_summary(expert, year),
            "expert": expert,
            "payer": bank(),
            "title": gettext("Payments in %(year)s") % {"year": year},
        }
    return render_pdf(template_name=SUMMARY_TEMPLATE, context=context, language=language)
