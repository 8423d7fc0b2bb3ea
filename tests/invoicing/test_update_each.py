"""``expertbank.bulk.update_each``: each row gets its own values, as ``bulk_update`` gives
them, in one statement a batch on PostgreSQL (issue 19: the fee run's totals)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from expertbank.bulk import update_each
from invoicing.models import FeeStatement
from tests.invoicing.factories import approved_gig, month_of

pytestmark = pytest.mark.django_db

FIELDS = ["wages", "withholding", "payout", "tax_card", "withholding_note", "payment_date"]


def statements(count: int, coordinator) -> list[FeeStatement]:
    made = []
    for n in range(count):
        gig = approved_gig(coordinator=coordinator, day=3 + n)
        period = month_of(gig)
        made.append(
            FeeStatement.objects.create(
                expert=gig.expert, period_start=period.start, period_end=period.end
            )
        )
    return made


def test_each_row_gets_its_own_values_nulls_included(terms, coordinator):
    rows = statements(3, coordinator)
    for n, statement in enumerate(rows):
        statement.wages = Decimal("100.50") * (n + 1)
        statement.withholding = Decimal("0.00") if n == 1 else Decimal("25.13")
        statement.payout = statement.wages - statement.withholding
        statement.tax_card = None
        statement.withholding_note = "" if n == 0 else f"Verokortti {n}"
        statement.payment_date = None if n == 2 else date(2026, 11, 15)
    with CaptureQueriesContext(connection) as queries:
        update_each(FeeStatement, rows, FIELDS, batch_size=2)
    if connection.vendor == "postgresql":
        assert len(queries) == 2  # 3 rows in batches of 2
    for statement in rows:
        stored = FeeStatement.objects.get(pk=statement.pk)
        assert [getattr(stored, f) for f in FIELDS] == [getattr(statement, f) for f in FIELDS]


def test_other_rows_and_fields_are_left_alone(terms, coordinator):
    changed, other = statements(2, coordinator)
    changed.wages, changed.payout = Decimal("10.00"), Decimal("99.00")
    update_each(FeeStatement, [changed], ["wages"])
    stored = FeeStatement.objects.get(pk=changed.pk)
    assert (stored.wages, stored.payout) == (Decimal("10.00"), Decimal("0.00"))
    assert FeeStatement.objects.get(pk=other.pk).wages == Decimal("0.00")
