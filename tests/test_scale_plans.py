"""The heaviest queries of the daily pages use indexes at scale (issue 19): a few thousand
bookings, assignments, gigs and messages, ``ANALYZE``, then ``EXPLAIN``; a sequential scan of
bookings, gigs, assignments or the message log fails (PostgreSQL only: SQLite has no planner
statistics worth the name)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from bookings import selectors
from bookings.models import Assignment, Booking, Gig, Occurrence
from bookings.selectors import after as selectors_after
from expertbank.admin_dates import period_probes
from expertbank.message_log import message_log, messages_failed
from expertbank.models import Message
from expertbank.paging import Capped
from experts.models import Language
from reports.dashboard import gigs_in
from reports.period import Period, Scope
from tests.bookings.factories import work_kind
from tests.factories import CoordinatorFactory, ExpertFactory, MembershipFactory, UnitFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

ROWS = 4000
COMING = 150  # of them ahead, open (H3)
WATCHED = ("bookings_booking", "bookings_gig", "bookings_assignment", "expertbank_message")


@pytest.fixture
def national():
    """Bookings over four years among 40 units, most settled, a few open; one expert and one
    gig per booking; a message per booking; then fresh statistics."""
    now = timezone.now()
    booker = MembershipFactory()
    units = [booker.unit, *(UnitFactory() for _n in range(39))]
    experts = [ExpertFactory() for _n in range(40)]
    kind, language = work_kind(), Language.objects.get(code="fi")
    S = Booking.Status
    bookings = []
    for n in range(ROWS):
        start = now - timedelta(days=4 * 365) + timedelta(hours=8 * n + 9)
        if n >= ROWS - COMING:  # the coming weeks: open bookings with planned gigs
            start = now + timedelta(hours=8 * (n - ROWS + COMING) + 9)
        status = (
            S.DELIVERED
            if start < now - timedelta(days=7)
            else [S.REQUESTED, S.STAFFING, S.CONFIRMED][n % 3]
        )
        if n % 31 == 0:
            status = S.CANCELLED
        bookings.append(
            Booking(
                title=f"Puheenvuoro {n}",
                unit=units[n % len(units)],
                requested_by=booker.user,
                work_kind=kind,
                language=language,
                place="Kielotie 13, Vantaa",
                experts_wanted=1,
                first_start=start,
                last_end=start + timedelta(hours=2),
                status=status,
            )
        )
    bookings = Booking.objects.bulk_create(bookings, batch_size=1000)
    occurrences = Occurrence.objects.bulk_create(
        [Occurrence(booking=b, start=b.first_start, end=b.last_end) for b in bookings],
        batch_size=1000,
    )
    coordinator = CoordinatorFactory()
    assignments = Assignment.objects.bulk_create(
        [
            Assignment(
                booking=b,
                expert=experts[n % len(experts)],
                status=Assignment.Status.ACCEPTED,
                answer_by=b.first_start,
                offered_by=coordinator,
            )
            for n, b in enumerate(bookings)
        ],
        batch_size=1000,
    )
    G = Gig.Status
    Gig.objects.bulk_create(
        [
            Gig(
                booking=a.booking,
                assignment=a,
                occurrence=o,
                expert=a.expert,
                start=o.start,
                end=o.end,
                busy_until=o.end + timedelta(minutes=30),
                status=G.APPROVED
                if a.booking.status == S.DELIVERED
                else (G.REPORTED if n % 97 == 0 else G.PLANNED),
            )
            for n, (a, o) in enumerate(zip(assignments, occurrences, strict=True))
        ],
        batch_size=1000,
    )
    Message.objects.bulk_create(
        [
            Message(
                key=f"plan:{n}",
                kind="gig_reminder",
                channel="email",
                recipient=experts[n % len(experts)].user,
                to="asiantuntija@example.com",
                language="fi",
                status=Message.Status.FAILED if n % 200 == 0 else Message.Status.SENT,
                created_at=now - timedelta(hours=n),
            )
            for n in range(ROWS * 2)
        ],
        batch_size=1000,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"unit": units[0], "expert": experts[0]}


def sequential_scans(plan: str) -> list[str]:
    return [table for table in WATCHED if re.search(rf"Seq Scan on {table}\b", plan)]


def test_the_heaviest_queries_of_the_daily_pages_use_indexes(national):
    now = timezone.now()
    request_queue = selectors.most_urgent_first(selectors.coordinator_booking_list())
    queries = {
        **{
            f"request queue, part {n}": part[:50]
            for n, part in enumerate(request_queue.parts, start=1)
        },
        "short of experts": selectors.short_of_experts()[:5],
        "reports waiting": selectors_after.reports_waiting()[:5],
        "report tabs": Gig.objects.filter(
            selectors_after.report_view_q("waiting", now=now)
            | selectors_after.report_view_q("missing", now=now)
        ),
        "admin changelist": Booking.objects.order_by("-first_start", "-pk")[:100],
        "unit's bookings": Booking.objects.filter(unit=national["unit"]).order_by("-first_start")[
            :50
        ],
        "expert's gigs": Gig.objects.filter(expert=national["expert"], start__gte=now).order_by(
            "start", "pk"
        )[:50],
        "message log": message_log()[:50],
        "failed messages": messages_failed()[:5],
        # H5 (issue 19): the work queue's other panels, the message log's capped count, this
        # month's gigs on the dashboard.
        "new requests": Booking.objects.filter(status=Booking.Status.REQUESTED).order_by(
            "created_at", "pk"
        )[:5],
        "offers waiting": selectors.offers_waiting()[:5],
        "gigs without consent": selectors.gigs_without_consent()[:5],
        # The cap is 10,000 of a million rows; here 500 of the fixture's 8,000.
        "message log, capped count": message_log()[: Capped(message_log(), cap=500).cap + 1],
        "message log, failed only": message_log().filter(status=Message.Status.FAILED)[:50],
        "this month's gigs": gigs_in(Scope(Period.month_of(now.date()))).values("expert"),
        # H3 (issue 19, fourth pass): ready to confirm, and the admin date hierarchy's probes.
        "ready to confirm": selectors.ready_to_confirm()[:5],
        **{
            f"admin years, probe {n}": probe
            for n, probe in enumerate(
                period_probes(Booking.objects.all(), "first_start", "year"), start=1
            )
        },
    }
    found = {}
    for name, queryset in queries.items():
        plan = queryset.explain()
        scans = sequential_scans(plan)
        if scans:
            found[name] = f"{scans}\n{plan}"
    assert not found, "\n\n".join(f"{name}: {plan}" for name, plan in found.items())


def test_the_check_catches_a_sequential_scan(national):
    """The test above could pass by reading nothing: an unindexed filter shows as a scan."""
    plan = Booking.objects.filter(title__endswith="7").explain()
    assert sequential_scans(plan) == ["bookings_booking"]


def test_the_open_bookings_and_the_planned_gigs_come_in_order_from_their_own_indexes(national):
    """The work queue's five soonest bookings short of experts, the request queue's open part
    and the coming gigs without consent read the partial indexes of open bookings and of
    planned gigs (at national scale the index on every booking's first time walked 45,000
    delivered bookings, 80 ms, to find five open ones)."""
    open_part = selectors.most_urgent_first(selectors.coordinator_booking_list()).parts[0]
    expected = {
        "short of experts": (selectors.short_of_experts()[:5], "booking_open_first_start"),
        "request queue, open part": (open_part[:50], "booking_open_first_start"),
        # The planned gigs' partial index, or the index on every gig's start (the reports'):
        # both walk the coming gigs in time order from now. Which one the planner takes for
        # this small table moves with its statistics (the test alone, or after the module's
        # first test): either reads no gig that has passed, which is what this holds.
        "gigs without consent": (
            selectors.gigs_without_consent()[:5],
            ("gig_planned_start", "reports_gig_start"),
        ),
        # The work queue's new requests, as its panel reads them (fifth pass: the index on
        # every booking's creation time was walked through the answered ones).
        "new requests": (
            selectors.new_requests().only("title", "first_start", "unit__organisation__name")[:5],
            "booking_requested_created",
        ),
    }
    missed = {}
    for name, (queryset, index) in expected.items():
        plan = queryset.explain()
        if not any(one in plan for one in (index if isinstance(index, tuple) else (index,))):
            missed[name] = plan
    assert not missed, "\n\n".join(f"{name}: {plan}" for name, plan in missed.items())


def test_the_overdue_invoices_and_reports_due_indexes_hold_the_panels_statuses():
    """The work queue's overdue invoices and Incomes Register reports due come in order from
    partial indexes (fifth pass: at scale 0.2 all 6,539 open invoices and 5,642 due reports were
    joined and sorted for five, 35-60 ms each); their conditions are written out in the models'
    Meta and must stay the statuses the panels ask for, or the planner cannot use them."""
    from django.db.models import Q

    from invoicing.models import IncomesRegisterReport, Invoice

    indexes = {i.name: i for i in (*Invoice._meta.indexes, *IncomesRegisterReport._meta.indexes)}
    assert indexes["invoice_open_due"].condition == Q(status__in=list(Invoice.OPEN))
    assert indexes["irreport_due_deadline"].condition == Q(status=IncomesRegisterReport.Status.DUE)
    # The reports page's last ones sent, newest first (sixth pass: 1 s at national scale).
    assert indexes["irreport_sent_newest"].condition == Q(status=IncomesRegisterReport.Status.SENT)


def test_the_gigs_on_no_statement_are_an_anti_join_not_a_subplan_per_gig(national):
    """The fee run and the expert's payments page find the gigs no fee line names with NOT
    EXISTS: as NOT IN (the lines' gigs), PostgreSQL checked every fee line for each gig once the
    lines outgrew work_mem (at national scale, 484,569 lines: the fee run took 164 s and the
    payments page 1.3 s; 6 s and 8 ms as an anti-join)."""
    from invoicing.selectors import waiting_gigs
    from invoicing.services.fees import _companion_gigs, on_no_statement

    end = timezone.now()
    plans = {
        "the fee run's gigs": on_no_statement().filter(start__lt=end),
        "companion fees": _companion_gigs(end),
        "the payments page's waiting gigs": waiting_gigs(national["expert"]),
    }
    for name, queryset in plans.items():
        plan = queryset.explain()
        assert "Anti Join" in plan and "SubPlan" not in plan, f"{name}: {plan}"
