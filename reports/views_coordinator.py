"""The coordinator's dashboard, uptake table and funder report (pages, CSV, XLSX and PDF)."""

from __future__ import annotations

import logging
from decimal import Decimal

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from expertbank.roles import Role, role_required
from expertbank.services.pdf import PDFUnavailable, render_pdf
from reports import dashboard
from reports.charts import Chart, bar_chart, column_chart, euros, stacked_chart
from reports.export import Table, export_response, file_response, wanted_format
from reports.figures import Figures
from reports.filters import ReportFilter
from reports.funder import funder_report, funder_tables
from reports.period import Period, Scope

logger = logging.getLogger(__name__)


def _filters(request: HttpRequest) -> tuple[ReportFilter, Scope, str]:
    """The filter set, its scope, and the filters as a query string for download links."""
    data = request.GET.copy()
    if not data.get("from") and not data.get("to"):  # the form shows the period shown
        default = Period.last_twelve_months(timezone.localdate())
        data["from"], data["to"] = default.start.isoformat(), default.end.isoformat()
    filterset = ReportFilter(data)
    scope = filterset.scope()
    query = request.GET.copy()
    for key in ("format", "table"):
        query.pop(key, None)
    return filterset, scope, query.urlencode()


def _tally_chart(title: str, rows, category: str) -> Chart:
    chart = bar_chart(
        title=title,
        points=[(name, t.gigs) for name, t in rows],
        value_name=_("Gigs"),
        category_name=category,
    )
    chart.table = Table(
        title,
        [category, _("Gigs"), _("Hours")],
        [[name, t.gigs, t.hours] for name, t in rows],
        slug=chart.slug,
    )
    return chart


def dashboard_charts(
    scope: Scope, figures: Figures | None = None
) -> tuple[dict[str, Chart], dict[str, object]]:
    """The dashboard's charts by name, and the facts its text quotes."""
    figures = figures if figures is not None else Figures(scope)
    months = dashboard.by_month(scope, figures)
    month, gigs, hours = _("Month"), _("Gigs"), _("Hours")
    spread = dashboard.spread(scope, figures)
    offers = dashboard.offers(scope, figures)
    feedback = dashboard.feedback(scope, figures)
    funding = dashboard.funding(scope, figures)
    charts = {
        "gigs_by_month": column_chart(
            title=_("Gigs by month"),
            points=[(m, t.gigs) for m, t in months],
            value_name=gigs,
            category_name=month,
        ),
        "hours_by_month": column_chart(
            title=_("Hours by month"),
            points=[(m, t.hours) for m, t in months],
            value_name=hours,
            category_name=month,
        ),
        "by_work_kind": _tally_chart(
            _("Gigs by kind of work"), dashboard.by_work_kind(scope, figures), _("Kind of work")
        ),
        "by_area": _tally_chart(
            _("Gigs by experience area"), dashboard.by_area(scope, figures), _("Experience area")
        ),
        "by_organisation": _tally_chart(
            _("Gigs by organisation"), dashboard.by_organisation(scope, figures), _("Organisation")
        ),
        "by_municipality": _tally_chart(
            _("Gigs by the expert's municipality"),
            dashboard.by_municipality(scope, figures),
            _("Municipality"),
        ),
        "spread": column_chart(
            title=_("Certified experts by hours worked"),
            points=spread.buckets,
            value_name=_("Experts"),
            category_name=_("Hours in the period"),
        ),
        "offers": stacked_chart(
            title=_("Offers by month and answer"),
            categories=offers.months,
            series=offers.series,
            category_name=month,
        ),
        "feedback": column_chart(
            title=_("Feedback by rating"),
            points=[(str(r), n) for r, n in feedback.counts.items()],
            value_name=_("Feedback given"),
            category_name=_("Rating (1–5)"),
        ),
        "fees_paid": column_chart(
            title=_("Fees paid by month"),
            points=dashboard.fees_paid_by_month(scope, figures),
            value_name=_("Fees paid (€)"),
            category_name=month,
            fmt=euros,
        ),
        "invoiced": column_chart(
            title=_("Invoiced by month (without VAT)"),
            points=dashboard.invoiced_by_month(scope, figures),
            value_name=_("Invoiced (€)"),
            category_name=month,
            fmt=euros,
        ),
        "funding": stacked_chart(
            title=_("Budget used by funding source"),
            categories=[str(f.source) for f in funding],
            series=[
                (
                    _("Used before the period"),
                    [max(f.used - f.in_period, Decimal(0)) for f in funding],
                ),
                (_("Used in the period"), [f.in_period for f in funding]),
                (_("Remaining"), [max(f.remaining, Decimal(0)) for f in funding]),
            ],
            category_name=_("Funding source"),
            fmt=euros,
        ),
    }
    charts["impact"] = bar_chart(
        title=_("Impact answers: what changed"),
        points=dashboard.impact_changes(scope, figures),
        value_name=_("Answers"),
        category_name=_("What changed, in short"),
    )
    charts["funding"].table = Table(
        charts["funding"].title,
        [
            _("Funding source"),
            _("Funder"),
            _("Budget (€)"),
            _("Used in the period (€)"),
            _("Used in all (€)"),
            _("Remaining (€)"),
        ],
        [
            [str(f.source), f.source.funder, f.source.budget, f.in_period, f.used, f.remaining]
            for f in funding
        ],
        slug=charts["funding"].slug,
    )
    return charts, {"spread": spread, "offers": offers, "feedback": feedback, "funding": funding}


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


@role_required(Role.COORDINATOR)
def dashboard_view(request: HttpRequest) -> HttpResponse:
    filterset, scope, query = _filters(request)
    figures = Figures(scope, keep=True)
    charts, facts = dashboard_charts(scope, figures)
    download = _download(request, [c.table for c in charts.values()], "dashboard")
    if download is not None:
        figures.save()
        return download
    median_days, confirmed = dashboard.confirmation_days(scope, figures)
    uptake = dashboard.uptake(scope, figures)
    figures.save()
    return render(
        request,
        "reports/coordinator_dashboard.html",
        {
            "filters": filterset,
            "scope": scope,
            "query": query,
            "glance": dashboard.glance(timezone.localdate()),
            "charts": charts,
            "median_days": median_days,
            "confirmed": confirmed,
            "uptake": uptake,
            "counted_at": figures.as_of,
            **facts,
        },
    )


def _uptake_table(uptake: dashboard.Uptake) -> Table:
    return Table(
        _("Uptake by organisation"),
        [
            _("Unit") if uptake.of_units else _("Organisation"),
            _("Gigs in the period"),
            _("Gigs in the period before"),
            _("Change"),
        ],
        [[r.name, r.gigs, r.previous, r.trend] for r in uptake.rows],
        slug="uptake",
    )


@role_required(Role.COORDINATOR)
def uptake_view(request: HttpRequest) -> HttpResponse:
    filterset, scope, query = _filters(request)
    figures = Figures(scope, keep=True)
    uptake = dashboard.uptake(scope, figures)
    figures.save()
    table = _uptake_table(uptake)
    download = _download(request, [table], "uptake")
    if download is not None:
        return download
    return render(
        request,
        "reports/coordinator_uptake.html",
        {
            "filters": filterset,
            "scope": scope,
            "query": query,
            "uptake": uptake,
            "previous": scope.period.previous(),
            "counted_at": figures.as_of,
        },
    )


@role_required(Role.COORDINATOR)
def funder_view(request: HttpRequest) -> HttpResponse:
    filterset, scope, query = _filters(request)
    report = funder_report(scope, keep=True)
    months = column_chart(
        title=_("Gigs by month"),
        points=[(m, t.gigs) for m, t in report.months],
        value_name=_("Gigs"),
        category_name=_("Month"),
    )
    context = {
        "filters": filterset,
        "scope": scope,
        "query": query,
        "report": report,
        "counted_at": report.counted_at,
    }
    if request.GET.get("format") == "pdf":
        try:
            content = render_pdf(
                template_name="reports/funder_pdf.html",
                context={**context, "title": _("Funder report"), "months_chart": months},
                language=get_language() or "fi",
            )
        except PDFUnavailable:
            messages.error(request, _("The PDF cannot be made on this server just now."))
            return redirect(f"{request.path}?{query}")
        logger.info("%s downloaded the funder report as PDF", request.user.email)
        return file_response(content=content, basename="funder-report", file_format="pdf")
    download = _download(request, funder_tables(report), "funder-report")
    if download is not None:
        return download
    return render(request, "reports/coordinator_funder.html", {**context, "months_chart": months})
