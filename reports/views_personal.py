"""The unit's report page and the expert's own record (earnings against the caps, the shared
impact answers and the certificate of work as a PDF)."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings.selectors.impact import expert_shared_impact
from expertbank.roles import Role, role_required
from expertbank.services.pdf import PDFUnavailable, render_pdf
from reports import expert as expert_numbers
from reports import unit as unit_numbers
from reports.charts import column_chart, euros
from reports.export import Table, export_response, file_response, wanted_format
from reports.filters import ReportFilter

logger = logging.getLogger(__name__)


class PeriodFilter(ReportFilter):
    """The period alone (``?from=&to=``), the last twelve months when none is given."""


PeriodFilter.base_filters = {name: ReportFilter.base_filters[name] for name in ("from", "to")}


def _download(request: HttpRequest, tables: list[Table], basename: str) -> HttpResponse | None:
    """The response for ``?format=csv|xlsx`` (one table with ``&table=``), else None."""
    file_format = wanted_format(request)
    if file_format is None:
        return None
    wanted = request.GET.get("table")
    if wanted:
        tables = [t for t in tables if t.slug == wanted]
        if not tables:
            raise Http404
    logger.info("%s downloaded %s as %s", request.user.email, basename, file_format)
    return export_response(tables=tables, file_format=file_format, basename=basename)


# --- The unit ------------------------------------------------------------------------------------


@role_required(Role.UNIT_MEMBER)
def unit_report(request: HttpRequest) -> HttpResponse:
    """The organisation's bookings, hours and costs by month, feedback given, impact answers
    and invoices over a period; every table as CSV or XLSX."""
    filterset = PeriodFilter(request.GET or None)
    period = filterset.scope().period
    query = request.GET.copy()
    for key in ("format", "table"):
        query.pop(key, None)
    user = request.user
    months = unit_numbers.unit_months(user, period)
    feedback = list(unit_numbers.unit_feedback(user, period))
    impact = list(unit_numbers.unit_impact(user, period))
    invoices = list(unit_numbers.unit_invoices(user, period))
    waiting = list(unit_numbers.unit_impact_waiting(user)[:5])
    month = _("Month")
    charts = {
        "hours": column_chart(
            title=_("Hours by month"),
            points=[(m.label, m.hours) for m in months],
            value_name=_("Hours"),
            category_name=month,
        ),
        "costs": column_chart(
            title=_("Costs by month (without VAT)"),
            points=[(m.label, m.costs) for m in months],
            value_name=_("Costs (€)"),
            category_name=month,
            fmt=euros,
        ),
    }
    months_table = Table(
        _("Bookings, hours and costs by month"),
        [
            month,
            _("Bookings"),
            _("Gigs"),
            _("Hours"),
            _("Costs (€, without VAT)"),
            _("Invoiced (€, without VAT)"),
        ],
        [[m.label, m.bookings, m.gigs, m.hours, m.costs, m.invoiced] for m in months],
        slug="months",
    )
    feedback_table = Table(
        _("Feedback given"),
        [_("Date"), _("Booking"), _("Rating (1–5)"), _("Feedback")],
        [[timezone.localdate(f.created_at), f.booking.title, f.rating, f.text] for f in feedback],
        slug="feedback",
    )
    impact_table = Table(
        _("What changed because of it"),
        [_("Date"), _("Booking"), _("Asked"), _("In short"), _("Answer"), _("Shared")],
        [
            [
                timezone.localdate(a.answered_at),
                a.booking.title,
                a.get_day_mark_display(),
                a.get_change_display() if a.change else "",
                a.text,
                _("yes") if a.share_with_experts else _("no"),
            ]
            for a in impact
        ],
        slug="impact",
    )
    invoices_table = Table(
        _("Invoices"),
        [
            _("Number"),
            _("Kind"),
            _("Date"),
            _("Unit"),
            _("Total without VAT (€)"),
            _("Total (€)"),
            _("Status"),
        ],
        [
            [
                i.number,
                i.get_kind_display(),
                i.issue_date,
                i.unit.name,
                i.net_total,
                i.gross_total,
                i.get_status_display(),
            ]
            for i in invoices
        ],
        slug="invoices",
    )
    tables = [months_table, feedback_table, impact_table, invoices_table]
    tables += [chart.table for chart in charts.values()]
    download = _download(request, tables, "unit-report")
    if download is not None:
        return download
    return render(
        request,
        "reports/unit_report.html",
        {
            "filters": filterset,
            "period": period,
            "query": query.urlencode(),
            "charts": charts,
            "months": months,
            "months_table": months_table,
            "feedback": feedback,
            "average": unit_numbers.feedback_average(feedback),
            "impact": impact,
            "waiting": waiting,
            "invoices": invoices,
            "totals": {
                "bookings": sum(m.bookings for m in months),
                "gigs": sum(m.gigs for m in months),
                "hours": sum(m.hours for m in months),
                "costs": sum(m.costs for m in months),
                "invoiced": sum(m.invoiced for m in months),
            },
        },
    )


# --- The expert ----------------------------------------------------------------------------------


def _expert_tables(year: expert_numbers.ExpertYear) -> list[Table]:
    return [
        Table(
            _("Gigs, hours and earnings by month"),
            [
                _("Month"),
                _("Gigs"),
                _("Hours"),
                _("Paid (€)"),
                _("Coming (€)"),
                _("Earnings (€)"),
                _("Monthly cap (€)"),
                _("Left under the cap (€)"),
            ],
            [
                [
                    m.label,
                    m.gigs,
                    m.hours,
                    m.earnings.paid,
                    m.earnings.coming,
                    m.earnings.total,
                    m.cap,
                    m.headroom,
                ]
                for m in year.months
            ],
            slug="earnings",
        )
    ]


@role_required(Role.EXPERT)
def expert_record(request: HttpRequest) -> HttpResponse:
    """This year's gigs, hours and earnings by month against the caps, the units' shared
    answers, and the certificate of work."""
    expert = request.user.expert
    year = expert_numbers.expert_year(expert)
    chart = column_chart(
        title=_("Earnings by month"),
        points=[(m.label, m.earnings.total) for m in year.months],
        value_name=_("Earnings (€)"),
        category_name=_("Month"),
        fmt=euros,
        description=_(
            "Earnings this year by month, counted by the day the fee is paid or will be paid."
        ),
    )
    work = expert_numbers.work_by_year_and_kind(expert)
    tables = _expert_tables(year)
    work_table = Table(
        _("Work by year"),
        [_("Year"), _("Kind of work"), _("Gigs"), _("Hours")],
        [[row.year, row.kind, row.gigs, row.hours] for row in work],
        slug="work",
    )
    download = _download(request, [*tables, work_table, chart.table], "my-work")
    if download is not None:
        return download
    return render(
        request,
        "reports/expert_record.html",
        {
            "year": year,
            "chart": chart,
            "table": tables[0],
            "monthly_cap": next((m.cap for m in year.months if m.cap is not None), None),
            "over_months": [
                m.label for m in year.months if m.headroom is not None and m.headroom < 0
            ],
            "impact": list(expert_shared_impact(expert)[:20]),
            "work": work,
            "work_table": work_table,
        },
    )


@role_required(Role.EXPERT)
def expert_certificate(request: HttpRequest) -> HttpResponse:
    """The certificate of work as a PDF in the expert's language: kinds of work and hours by
    year, trainings completed, work supervision attended; the experience areas only when the
    expert ticks them in (``?areas=1``)."""
    expert = request.user.expert
    with_areas = request.GET.get("areas") == "1"
    context = expert_numbers.certificate_context(expert, with_areas=with_areas)
    try:
        pdf = render_pdf(
            template_name="pdf/work_certificate.html",
            context=context,
            language=request.user.language,
        )
    except PDFUnavailable:
        messages.error(request, _("The PDF cannot be made on this server just now."))
        return redirect("reports_expert:record")
    return file_response(content=pdf, basename="certificate-of-work", file_format="pdf")
