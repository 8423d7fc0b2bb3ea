"""The money notices: the expert's fee statement ready and fees paid, the unit's invoice issued;
each found by the sweep and sent once (issue 15)."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from django.urls import reverse
from django.utils import timezone

from expertbank.crypto import reset_keys
from expertbank.models import Message
from invoicing.services import fees as fee_services
from invoicing.services import invoices_issue
from invoicing.services.notices import money_notices_send
from invoicing.tasks import money_notices_task
from tests.bookings.factories import bookable_expert
from tests.factories import UserFactory
from tests.invoicing.factories import after, approved_gig, last_month, month_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def field_keys(settings):
    settings.FIELD_ENCRYPTION_KEYS = Fernet.generate_key().decode()
    settings.FIELD_HASH_KEY = "notices-test-hash-key"
    reset_keys()
    yield
    reset_keys()


@pytest.fixture
def gig(terms, coordinator):
    expert = bookable_expert(user=UserFactory(language="fi"))
    expert.iban, expert.identity_code = "FI4950009420028730", "131052-308T"
    expert.save()
    return approved_gig(coordinator=coordinator, expert=expert, ended_ago=last_month())


def test_the_fee_statement_ready_and_the_payment_are_told_once_each(gig, coordinator):
    user = gig.expert.user
    fee_services.fees_run(period=month_of(gig), by=coordinator)
    assert money_notices_send() == {"sent": 1, "skipped": 0}
    assert money_notices_send() == {"sent": 0, "skipped": 0}
    ready = Message.objects.get(kind="fee_statement_ready")
    statement = gig.expert.fee_statements.get()
    assert (ready.recipient, ready.language, ready.key) == (
        user,
        "fi",
        f"feestatement:{statement.pk}:ready",
    )
    assert reverse("invoicing_expert:statement", args=[statement.pk]) in ready.body
    paying = fee_services.fees_pay(
        period=month_of(gig), payment_date=timezone.localdate(), by=coordinator
    )
    assert money_notices_task() == {"sent": 0, "skipped": 0}  # in payment: not paid yet
    fee_services.batch_confirm(batch=paying.batch, by=coordinator)
    assert money_notices_task() == {"sent": 1, "skipped": 0}
    assert money_notices_task() == {"sent": 0, "skipped": 0}
    paid = Message.objects.get(kind="fee_paid")
    assert (paid.recipient, paid.key) == (user, f"feestatement:{statement.pk}:paid")


def test_an_issued_invoice_is_told_to_the_unit_once_in_its_language(gig, coordinator):
    period = month_of(gig)
    (invoice,) = invoices_issue(period=period, by=coordinator, issue_date=after(period)).invoices
    assert money_notices_send()["sent"] >= 1
    money_notices_send()
    told = Message.objects.get(kind="invoice_issued")
    assert told.key == f"invoice:{invoice.pk}:issued"
    assert told.language == invoice.language
    assert invoice.number in told.subject
    assert reverse("invoicing_unit:detail", args=[invoice.pk]) in told.body
