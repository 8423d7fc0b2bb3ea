"""The funder report: what the programme did in a period, as a government-funded project
reports each year. Built from the dashboard's aggregates (``reports.dashboard``) and the
training records; rendered as a page, a PDF and an XLSX workbook (``funder_tables``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from bookings.models import PanelChange
from expertbank.at_once import one_value, values_at_once
from reports import dashboard
from reports.dashboard import FeedbackSummary, FundingRow, Tally
from reports.export import Table
from reports.figures import Figures
from reports.period import Scope
from training.models import Cohort, Enrollment, Programme

SUPERVISION = Programme.Kind.SUPERVISION
IMPACT_SHOWN = 50  # the newest answers shown; the count covers them all


@dataclass
class Audience:
    reached: int  # participants recorded on the bookings, per time held
    times: int  # times held (occurrences with a live gig)
    times_recorded: int  # of them, those whose booking recorded the audience size


@dataclass
class CohortRow:
    name: str
    programme: str
    starts_on: Any
    ends_on: Any
    participants: int
    supervision: bool


@dataclass
class ImpactRow:
    answered_on: Any
    organisation: str
    after_days: int
    change: str
    text: str


@dataclass
class PanelChangeRow:
    day: Any
    organisation: str
    panel: str
    change: str


@dataclass
class FunderReport:
    scope: Scope
    tally: Tally
    audience: Audience
    organisations: list[tuple[str, Tally]]
    work_kinds: list[tuple[str, Tally]]
    months: list[tuple[str, Tally]]
    experts_active: int
    trained: int
    certified_in_period: int
    certified_pool: int
    in_supervision: int
    cohorts: list[CohortRow]
    feedback: FeedbackSummary
    impact_count: int
    impact_changes: list[tuple[str, int]]
    impact: list[ImpactRow] = field(default_factory=list)
    funding: list[FundingRow] = field(default_factory=list)
    panel_changes: list[PanelChangeRow] = field(default_factory=list)
    counted_at: Any = None  # when the ended months were counted (None: all counted now)

    @property
    def costs_in_period(self) -> Decimal:
        return sum((row.in_period for row in self.funding), Decimal(0))


def _audience(figures: Figures) -> Audience:
    reached, times, recorded = figures.rows("audience").get((1,), (None, 0, 0))
    return Audience(reached or 0, times or 0, recorded or 0)


def _cohorts(scope: Scope) -> list[CohortRow]:
    period = scope.period
    cohorts = (
        Cohort.objects.filter(starts_on__lte=period.end)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=period.start))
        .select_related("programme")
        .annotate(
            participants=Count(
                "enrollments",
                filter=Q(enrollments__status__in=Enrollment.TAKING_PART)
                & scope.experts_q("enrollments__expert__"),
            )
        )
        .order_by("starts_on", "name")
    )
    return [
        CohortRow(
            c.name,
            c.programme.name,
            c.starts_on,
            c.ends_on,
            c.participants,
            c.programme.kind == SUPERVISION,
        )
        for c in cohorts
    ]


def _impact_rows(answers) -> list[ImpactRow]:
    return [
        ImpactRow(
            a.answered_at,
            a.booking.unit.organisation.name,
            a.day_mark,
            a.get_change_display(),
            a.text,
        )
        for a in answers.select_related("booking__unit__organisation")
    ]


def _panel_changes(scope: Scope) -> list[PanelChangeRow]:
    """What organisers changed because of their customer panels, in the period."""
    changes = (
        PanelChange.objects.filter(scope.period.dates("day"), scope.bookings_q("panel__booking__"))
        .select_related("panel__unit__organisation")
        .order_by("day", "pk")
    )
    return [
        PanelChangeRow(c.day, c.panel.unit.organisation.name, c.panel.name, c.change)
        for c in changes
    ]


def funder_report(scope: Scope, *, keep: bool = False) -> FunderReport:
    """The report; with ``keep`` the ended months' figures come from the cache when their data
    has not changed (``reports.figures``)."""
    period = scope.period
    figures = Figures(scope, keep=keep)
    experts_q = scope.experts_q("expert__")
    trained = Enrollment.objects.filter(
        experts_q, period.dates("completed_on"), status=Enrollment.Status.COMPLETED
    ).exclude(cohort__programme__kind=SUPERVISION)
    in_supervision = Enrollment.objects.filter(
        experts_q,
        cohort__programme__kind=SUPERVISION,
        status__in=Enrollment.TAKING_PART,
        cohort__starts_on__lte=period.end,
    ).filter(Q(cohort__ends_on__isnull=True) | Q(cohort__ends_on__gte=period.start))
    pool = dashboard.certified_pool(scope)
    answers = dashboard.impact_answers(scope).order_by("-answered_at", "-pk")
    # Five counts in one query (issue 19).
    (
        trained_count,
        supervised_count,
        certified_in_period,
        certified_pool,
        impact_count,
    ) = values_at_once(
        [
            one_value(trained, Count("expert", distinct=True)),
            one_value(in_supervision, Count("expert", distinct=True)),
            one_value(pool.filter(period.dates("certified_on")), Count("pk")),
            one_value(pool, Count("pk")),
            one_value(answers, Count("pk")),
        ]
    )
    report = FunderReport(
        scope=scope,
        tally=dashboard.period_total(scope, figures),
        audience=_audience(figures),
        organisations=dashboard.by_organisation(scope, figures),
        work_kinds=dashboard.by_work_kind(scope, figures),
        months=dashboard.by_month(scope, figures),
        experts_active=dashboard.experts_working(scope, figures),
        trained=trained_count or 0,
        certified_in_period=certified_in_period or 0,
        certified_pool=certified_pool or 0,
        in_supervision=supervised_count or 0,
        cohorts=_cohorts(scope),
        feedback=dashboard.feedback(scope, figures),
        impact_count=impact_count or 0,
        impact_changes=dashboard.impact_changes(scope, figures),
        impact=_impact_rows(answers[:IMPACT_SHOWN]),
        funding=dashboard.funding(scope, figures),
        panel_changes=_panel_changes(scope),
        counted_at=figures.as_of,
    )
    figures.save()
    return report


def funder_tables(report: FunderReport) -> list[Table]:
    """The report as tables: the sheets of its XLSX file (the first is the CSV)."""
    t, a = report.tally, report.audience
    summary = Table(
        _("Summary"),
        [_("Figure"), _("Value")],
        [
            [_("Period"), str(report.scope.period)],
            [_("Gigs"), t.gigs],
            [_("Hours"), t.hours],
            [_("Audience reached"), a.reached],
            [_("Times held"), a.times],
            [_("Times with the audience size recorded"), a.times_recorded],
            [_("Organisations that used experts"), len(report.organisations)],
            [_("Experts active"), report.experts_active],
            [_("Experts trained"), report.trained],
            [_("Experts certified in the period"), report.certified_in_period],
            [_("Certified experts in the pool"), report.certified_pool],
            [_("Experts in work supervision"), report.in_supervision],
            [_("Cohorts"), len(report.cohorts)],
            [_("Feedback given"), report.feedback.total],
            [_("Average feedback (1–5)"), report.feedback.average or ""],
            [_("Impact answers"), report.impact_count],
            [_("Fee costs in the period (€)"), report.costs_in_period],
        ],
        slug="summary",
    )
    tally_headers = [_("Gigs"), _("Hours")]
    return [
        summary,
        Table(
            _("Gigs by month"),
            [_("Month"), *tally_headers],
            [[m, x.gigs, x.hours] for m, x in report.months],
        ),
        Table(
            _("Organisations"),
            [_("Organisation"), *tally_headers],
            [[n, x.gigs, x.hours] for n, x in report.organisations],
        ),
        Table(
            _("Kinds of work"),
            [_("Kind of work"), *tally_headers],
            [[n, x.gigs, x.hours] for n, x in report.work_kinds],
        ),
        Table(
            _("Cohorts"),
            [_("Cohort"), _("Programme"), _("Starts"), _("Ends"), _("Participants")],
            [[c.name, c.programme, c.starts_on, c.ends_on, c.participants] for c in report.cohorts],
        ),
        Table(
            _("Feedback"),
            [_("Rating"), _("Feedback given")],
            [[rating, n] for rating, n in sorted(report.feedback.counts.items(), reverse=True)],
        ),
        Table(
            _("Impact in short"),
            [_("What changed, in short"), _("Answers")],
            [list(row) for row in report.impact_changes],
        ),
        Table(
            _("Customer panel changes"),
            [_("Date"), _("Organisation"), _("Panel"), _("What changed")],
            [[c.day, c.organisation, c.panel, c.change] for c in report.panel_changes],
        ),
        Table(
            _("Impact answers"),
            [
                _("Answered"),
                _("Organisation"),
                _("Days after the gig"),
                _("In short"),
                _("What changed"),
            ],
            [
                [i.answered_on, i.organisation, i.after_days, i.change, i.text]
                for i in _impact_rows(
                    dashboard.impact_answers(report.scope).order_by("-answered_at", "-pk")
                )
            ],
        ),
        Table(
            _("Costs by funding source"),
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
                for f in report.funding
            ],
        ),
    ]
