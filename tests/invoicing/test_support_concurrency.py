"""Support costs under concurrency (issue 17): invoice runs and fee runs at the same moment bill
each gig's companion and interpreter once and pay its companion once — the database decides
(``invoiceline_gig_billed_once``, ``feeline_gig_once``). Each run has its own thread and
database connection, all released at once (PostgreSQL)."""

from decimal import Decimal

import pytest
from cryptography.fernet import Fernet

from expertbank.crypto import reset_keys
from experts.models import Expert
from experts.services import support_profile_set
from invoicing import services
from invoicing.models import FeeLine, InvoiceLine
from invoicing.services import fees as fee_services
from tests.bookings.factories import PriceRowFactory, bookable_expert
from tests.factories import CoordinatorFactory, ExpertFactory
from tests.invoicing.factories import approved_gig, last_month, month_of
from tests.invoicing.test_concurrency import _race

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_runs_at_the_same_moment_bill_and_pay_the_support_once(settings):
    settings.FIELD_ENCRYPTION_KEYS = Fernet.generate_key().decode()
    settings.FIELD_HASH_KEY = "support-race"
    reset_keys()
    PriceRowFactory(
        companion_price=Decimal("40.00"),
        companion_fee=Decimal("25.00"),
        interpreter_price=Decimal("80.00"),
    )
    coordinator = CoordinatorFactory()
    companion = ExpertFactory(role=Expert.Role.SUPPORT_PERSON)
    gigs = []
    for _ in range(2):
        expert = bookable_expert()
        support_profile_set(
            expert=expert, by=None, companion=True, companion_person=companion, interpreter="sign"
        )
        gigs.append(approved_gig(coordinator=coordinator, expert=expert, ended_ago=last_month()))
    period = month_of(gigs[0])

    def issue() -> str:
        return f"issued {len(services.invoices_issue(period=period, by=None).invoices)}"

    results = _race(issue, 4)
    assert not [r for r in results if r.startswith("CRASH")], results
    assert sorted(results) == ["issued 0", "issued 0", "issued 0", "issued 2"], results
    for gig in gigs:
        for kind in ("companion", "interpreter"):
            assert InvoiceLine.objects.filter(gig=gig, kind=kind, billing=True).count() == 1

    def fee_run() -> str:
        return f"made {len(fee_services.fees_run(period=period, by=None).statements)}"

    results = _race(fee_run, 3)
    assert not [r for r in results if r.startswith("CRASH")], results
    for gig in gigs:
        line = FeeLine.objects.get(gig=gig, kind="companion")
        assert line.statement.expert == companion and line.amount == Decimal("50.00")
    assert companion.fee_statements.count() == 1
    reset_keys()
