"""The fee payment pages: what the expert sees of their own payments (and nobody else does),
the coordinator's run, statements, holds and corrections, batches with their audited downloads,
Incomes Register reports and missing details; refusals that never answer 500, and lists whose
queries do not grow with their rows."""

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from cryptography.fernet import Fernet
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pypdf import PdfReader

from bookings.models import Gig
from bookings.selectors.earnings import Period
from expertbank.crypto import reset_keys
from expertbank.formatting import euros
from expertbank.models import AuditEntry
from invoicing.fee_queue import fee_queue_panels
from invoicing.models import (
    FeeChange,
    FeeLine,
    FeeStatement,
    IncomesRegisterReport,
    PaymentBatch,
)
from invoicing.services import fees as fee_services
from tests.bookings.factories import bookable_expert
from tests.experts.factories import GOOD_CODES, GOOD_IBANS
from tests.factories import CoordinatorFactory, ExpertFactory, MembershipFactory
from tests.invoicing.factories import approved_gig, last_month, month_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_pages")]

FEES = "/coordinator/invoicing/fees/"


@pytest.fixture(autouse=True)
def field_keys(settings):
    """Known keys for the encrypted IBANs and identity codes, none cached between tests."""
    settings.FIELD_ENCRYPTION_KEYS = Fernet.generate_key().decode()
    settings.FIELD_HASH_KEY = "fee-pages-test-hash-key"
    reset_keys()
    yield settings
    reset_keys()


@pytest.fixture
def payee(anna):
    """Anna, with the bank account and identity code a payment needs."""
    anna.iban, anna.identity_code = GOOD_IBANS[0], GOOD_CODES[0]
    anna.save()
    return anna


@pytest.fixture
def gig(terms, coordinator, payee):
    """Anna's gig of last month, approved with 24 km and a train ticket."""
    return approved_gig(
        coordinator=coordinator,
        expert=payee,
        km=24,
        expenses=(("Juna", "12.40"),),
        ended_ago=last_month(),
    )


@pytest.fixture
def statement(gig, coordinator) -> FeeStatement:
    (made,) = fee_services.fees_run(period=month_of(gig), by=coordinator).statements
    return made


@pytest.fixture
def desk(client, coordinator):
    client.force_login(coordinator)
    return client


def page(response) -> str:
    return response.content.decode()


def pdf_text(data: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())


def pay(statement, coordinator, *, payment_date=None) -> PaymentBatch:
    """The statement in a batch paid on ``payment_date`` (today unless given)."""
    result = fee_services.fees_pay(
        period=Period(statement.period_start, statement.period_end),
        payment_date=payment_date or timezone.localdate(),
        by=coordinator,
    )
    statement.refresh_from_db()
    return result.batch


def bare_statement(expert, month: date, **fields) -> FeeStatement:
    """A statement without lines, for list pages."""
    return FeeStatement.objects.create(
        expert=expert,
        period_start=month,
        period_end=month + timedelta(days=27),
        withholding_note="",
        payout=Decimal("100.00"),
        **fields,
    )


def months(count: int) -> list[date]:
    return [date(2020 + i // 12, i % 12 + 1, 1) for i in range(count)]


# --- The coordinator's run and statements -------------------------------------------------------


def test_the_run_page_shows_each_experts_lines_and_makes_statements_on_post(desk, gig):
    month = f"{month_of(gig).start:%Y-%m}"
    preview = page(desk.get(f"{FEES}run/?month={month}"))
    assert gig.expert.name in preview and gig.booking.title in preview
    assert "24 km" in preview and "Make 1 statement" in preview
    assert not FeeStatement.objects.exists()
    response = desk.post(f"{FEES}run/", {"month": month})
    assert response.status_code == 302
    statement = FeeStatement.objects.get()
    assert statement.expert == gig.expert and statement.lines.count() == 3
    listing = page(desk.get(response.url))
    assert "1 fee statement made or added to" in listing and gig.expert.name in listing


def test_the_run_page_explains_a_bad_month(desk):
    response = desk.get(f"{FEES}run/?month=13-2026")
    assert response.status_code == 400
    assert "Give the month as YYYY-MM" in page(response)


def test_the_list_filters_by_month_status_and_name(desk, statement):
    name = statement.expert.name
    month = f"{statement.period_start:%Y-%m}"
    assert name in page(desk.get(FEES))
    assert name in page(desk.get(f"{FEES}?month={month}&status=approved"))
    assert name in page(desk.get(f"{FEES}?name={name.split()[0].lower()}"))
    assert name not in page(desk.get(f"{FEES}?month=2020-01"))
    assert name not in page(desk.get(f"{FEES}?status=paid"))
    assert name not in page(desk.get(f"{FEES}?name=Nobody"))
    bad = desk.get(f"{FEES}?month=2026-13")
    assert bad.status_code == 200 and "Give the month as YYYY-MM" in page(bad)


def test_the_tabs_count_the_statements_still_to_pay_and_not_the_paid_history(desk, statement):
    """The paid statements are all of history (144,000 at national scale): their tab has no
    count; the tabs of statements still to pay count them."""
    tabs = page(desk.get(FEES)).split('<ul class="nav nav-pills mb-3 small">')[1].split("</ul>")[0]
    assert 'href="?status=approved">Approved <span class="badge text-bg-light">1</span>' in tabs
    assert 'href="?status=held">Held back <span class="badge text-bg-light">0</span>' in tabs
    assert 'href="?status=paid">Paid</a>' in tabs


def test_the_list_pages_through_the_first_statements_up_to_the_cap(desk, statement, monkeypatch):
    """The list is counted only up to the cap (10,000 live), not over every statement ever
    made; beyond it the page says the filters find the others."""
    monkeypatch.setattr("invoicing.views.fees.CAP", 1)
    with CaptureQueriesContext(connection) as captured:
        alone = page(desk.get(FEES))
    assert statement.expert.name in alone and "Only the first" not in alone
    counted = [q["sql"] for q in captured if "COUNT(" in q["sql"] and "LIMIT 2" in q["sql"]]
    assert len(counted) == 1, [q["sql"] for q in captured]
    other = FeeStatement.objects.get(pk=statement.pk)
    other.pk, other.period_start = None, statement.period_start.replace(year=2020)
    other.save()
    listed = page(desk.get(FEES))
    assert "Only the first 1 statements are listed; the filters find the others." in listed


def test_the_detail_shows_lines_totals_history_and_masked_details(desk, statement):
    detail = page(desk.get(f"{FEES}{statement.pk}/"))
    for shown in (
        statement.expert.name,
        "24 km",
        "Juna",
        "Tax withheld",
        "Approved",
        statement.expert.iban_masked,
        statement.expert.identity_code_masked,
        "Hold back",
        "Add a correction",
    ):
        assert shown in detail, shown
    assert GOOD_IBANS[0] not in detail and GOOD_CODES[0] not in detail


def test_holding_needs_a_reason_and_releasing_puts_the_statement_back(desk, statement):
    url = f"{FEES}{statement.pk}/"
    refused = desk.post(f"{url}hold/", {"reason": " "})
    assert refused.status_code == 400 and "This field is required" in page(refused)
    statement.refresh_from_db()
    assert statement.status == FeeStatement.Status.APPROVED
    assert desk.post(f"{url}hold/", {"reason": "Tarkistetaan"}).status_code == 302
    statement.refresh_from_db()
    assert statement.status == FeeStatement.Status.HELD
    again = desk.post(f"{url}hold/", {"reason": "Again"})
    assert again.status_code == 400
    assert "Only a statement waiting for payment can be held back" in page(again)
    assert "Tarkistetaan" in page(desk.get(url))
    released = desk.post(f"{url}release/", follow=True)
    assert "The statement is released" in page(released)
    statement.refresh_from_db()
    assert statement.status == FeeStatement.Status.APPROVED
    twice = desk.post(f"{url}release/", follow=True)
    assert twice.status_code == 200 and "Only a statement held back can be released" in page(twice)


def test_hold_and_correct_answer_only_post(desk, statement):
    for action in ("hold", "release", "correct"):
        assert desk.get(f"{FEES}{statement.pk}/{action}/").status_code == 405


def test_a_correction_is_added_and_bad_ones_are_refused_clearly(desk, statement):
    url = f"{FEES}{statement.pk}/correct/"
    payout = statement.payout
    good = {
        "description": "Unohtunut valmistelu",
        "amount": "50.00",
        "income_type": "214",
        "reason": "Sovittu puhelimessa",
    }
    no_reason = desk.post(url, {**good, "reason": ""})
    assert no_reason.status_code == 400 and "This field is required" in page(no_reason)
    zero = desk.post(url, {**good, "amount": "0"})
    assert zero.status_code == 400 and "an amount other than zero" in page(zero)
    below = desk.post(url, {**good, "amount": "-9999.00"})
    assert below.status_code == 400 and "below zero" in page(below)
    assert not statement.lines.filter(kind=FeeLine.Kind.CORRECTION).exists()
    assert desk.post(url, good).status_code == 302
    statement.refresh_from_db()
    assert statement.lines.get(kind=FeeLine.Kind.CORRECTION).amount == Decimal("50.00")
    assert statement.payout > payout
    assert "Sovittu puhelimessa" in page(desk.get(f"{FEES}{statement.pk}/"))


# --- Batches, downloads, reports ------------------------------------------------------------------


def test_a_batch_lists_who_is_left_out_and_pays_the_rest(desk, statement, terms, coordinator):
    nobank = bookable_expert()
    other = approved_gig(coordinator=coordinator, expert=nobank, day=21, ended_ago=last_month())
    fee_services.fees_run(period=month_of(other), by=coordinator)
    month = f"{statement.period_start:%Y-%m}"
    today = f"{timezone.localdate():%Y-%m-%d}"
    preview = page(desk.get(f"{FEES}batches/new/?month={month}&payment_date={today}"))
    assert "1 expert is left out" in preview and nobank.name in preview
    assert "no valid IBAN" in preview and statement.expert.name in preview
    assert not PaymentBatch.objects.exists()
    response = desk.post(f"{FEES}batches/new/", {"month": month, "payment_date": today})
    assert response.status_code == 302
    batch = PaymentBatch.objects.get()
    detail = page(desk.get(response.url))
    assert "Left out, so not paid" in detail and nobank.name in detail
    assert statement.expert.name in detail and "Download the bank&#x27;s file" in detail
    assert nobank.name in page(desk.get(f"{FEES}missing/"))
    statement.refresh_from_db()
    assert statement.batch == batch and statement.status == FeeStatement.Status.IN_PAYMENT


def test_a_batch_in_the_past_or_without_a_month_is_refused_clearly(desk, statement):
    month = f"{statement.period_start:%Y-%m}"
    yesterday = f"{timezone.localdate() - timedelta(days=1):%Y-%m-%d}"
    past = desk.post(f"{FEES}batches/new/", {"month": month, "payment_date": yesterday})
    assert past.status_code == 400 and "cannot be in the past" in page(past)
    empty = desk.post(f"{FEES}batches/new/", {"month": "", "payment_date": "x"})
    assert empty.status_code == 400
    assert not PaymentBatch.objects.exists()


def test_every_download_is_recorded_in_the_history_and_the_audit_log(desk, statement, coordinator):
    batch = pay(statement, coordinator)
    report = IncomesRegisterReport.objects.get(statement=statement)
    sepa = desk.get(f"{FEES}batches/{batch.pk}/sepa/")
    assert sepa.status_code == 200 and sepa["Content-Type"] == "application/xml"
    assert b"pain.001.001.09" in sepa.content
    assert batch.message_id in sepa["Content-Disposition"]
    xml = desk.get(f"{FEES}reports/{report.pk}/xml/")
    assert xml.status_code == 200 and report.report_id in xml["Content-Disposition"]
    downloads = FeeChange.objects.filter(kind=FeeChange.Kind.DOWNLOADED).order_by("pk")
    assert [(d.batch_id, d.statement_id, d.by) for d in downloads] == [
        (batch.pk, None, coordinator),
        (batch.pk, statement.pk, coordinator),
    ]
    audited = AuditEntry.objects.filter(action="file downloaded", actor=coordinator)
    assert sorted(e.object_id for e in audited) == sorted([str(batch.pk), str(report.pk)])


def test_downloads_are_for_coordinators_only(client, statement, coordinator):
    batch = pay(statement, coordinator)
    report = IncomesRegisterReport.objects.get(statement=statement)
    for user in (statement.expert.user, MembershipFactory().user):
        client.force_login(user)
        assert client.get(f"{FEES}batches/{batch.pk}/sepa/").status_code == 403
        assert client.get(f"{FEES}reports/{report.pk}/xml/").status_code == 403
    assert not FeeChange.objects.filter(kind=FeeChange.Kind.DOWNLOADED).exists()
    assert not AuditEntry.objects.filter(action="file downloaded").exists()


def test_a_batch_is_confirmed_paid_only_from_its_payment_date(desk, statement, coordinator):
    batch = pay(statement, coordinator, payment_date=timezone.localdate() + timedelta(days=3))
    url = f"{FEES}batches/{batch.pk}/"
    assert "Confirm paid" not in page(desk.get(url))
    early = desk.post(f"{url}confirm/", follow=True)
    assert early.status_code == 200 and "confirm it on that day or later" in page(early)
    PaymentBatch.objects.filter(pk=batch.pk).update(payment_date=timezone.localdate())
    FeeStatement.objects.filter(pk=statement.pk).update(payment_date=timezone.localdate())
    assert "Confirm paid" in page(desk.get(url))
    done = desk.post(f"{url}confirm/", follow=True)
    assert "The batch is confirmed paid" in page(done)
    statement.refresh_from_db()
    assert statement.status == FeeStatement.Status.PAID
    again = desk.post(f"{url}confirm/", follow=True)
    assert again.status_code == 200 and "already confirmed paid" in page(again)


def test_reports_due_are_listed_by_deadline_and_marked_sent(desk, statement, coordinator):
    pay(statement, coordinator)
    report = IncomesRegisterReport.objects.get()
    listing = page(desk.get(f"{FEES}reports/"))
    assert report.report_id in listing and statement.expert.name in listing
    assert "Mark sent" in listing
    assert desk.post(f"{FEES}reports/{report.pk}/sent/").status_code == 302
    report.refresh_from_db()
    assert report.status == IncomesRegisterReport.Status.SENT
    assert "Every report is sent" in page(desk.get(f"{FEES}reports/"))
    again = desk.post(f"{FEES}reports/{report.pk}/sent/", follow=True)
    assert again.status_code == 200 and "already marked sent" in page(again)


def test_a_batchs_reports_are_marked_sent_at_once(desk, statement, coordinator):
    """A national batch holds some 2,450 reports, sent to the Incomes Register together: the
    coordinator marks them sent at once, from the reports page or the batch's."""
    batch = pay(statement, coordinator)
    report = IncomesRegisterReport.objects.get()
    listing = page(desk.get(f"{FEES}reports/"))
    assert "1 report due" in listing and "Mark all sent" in listing
    detail = page(desk.get(f"{FEES}batches/{batch.pk}/"))
    assert "Mark the batch's 1 Incomes Register report sent" in detail
    done = desk.post(f"{FEES}batches/{batch.pk}/reports-sent/", follow=True)
    assert "1 Incomes Register report of the batch is marked sent." in page(done)
    report.refresh_from_db()
    assert (report.status, report.sent_by) == (IncomesRegisterReport.Status.SENT, coordinator)
    assert statement.changes.filter(note="Incomes Register report sent.", by=coordinator).exists()
    # An entry of its own kind: a status change would name its from and to.
    assert statement.changes.get(note="Incomes Register report sent.").kind == "report_sent"
    assert "Mark all sent" not in page(desk.get(f"{FEES}reports/"))
    assert "Incomes Register report sent</button>" not in page(
        desk.get(f"{FEES}batches/{batch.pk}/")
    )
    again = desk.post(f"{FEES}batches/{batch.pk}/reports-sent/", follow=True)
    assert "Every report of this batch is already marked sent." in page(again)
    assert statement.changes.filter(note="Incomes Register report sent.").count() == 1
    assert desk.get(f"{FEES}batches/{batch.pk}/reports-sent/").status_code == 405


def test_a_batchs_reports_due_download_as_one_file(desk, statement, gig, coordinator):
    """The upload service takes one payment's reports of many experts in one file: the batch's
    reports still due, each as it was made (its report ID kept), the download recorded and
    read-logged for those experts only; a report marked sent leaves the file."""
    from lxml import etree

    from expertbank.models import ReadEntry

    other = bookable_expert(iban=GOOD_IBANS[1], identity_code=GOOD_CODES[1])
    approved_gig(coordinator=coordinator, expert=other, ended_ago=last_month(), day=21)
    (second,) = fee_services.fees_run(period=month_of(gig), by=coordinator).statements
    batch = pay(statement, coordinator)
    first_report, second_report = IncomesRegisterReport.objects.order_by("pk")
    url = f"{FEES}batches/{batch.pk}/reports/xml/"
    assert url in page(desk.get(f"{FEES}batches/{batch.pk}/"))
    assert url in page(desk.get(f"{FEES}reports/"))
    whole = desk.get(url)
    assert whole.status_code == 200 and whole["Content-Type"] == "application/xml"
    assert f"{batch.message_id}-incomes-register.xml" in whole["Content-Disposition"]
    root = etree.fromstring(whole.content)
    assert root.findtext("DeliveryData/DeliveryId") == f"{batch.message_id}-IR2"
    assert [e.text for e in root.iterfind("DeliveryData/Reports/Report/ReportData/ReportId")] == [
        first_report.report_id,
        second_report.report_id,
    ]
    assert FeeChange.objects.filter(
        kind=FeeChange.Kind.DOWNLOADED, batch=batch, statement=None, by=coordinator
    ).exists()
    read = ReadEntry.objects.filter(viewer=coordinator, kind=ReadEntry.Kind.BANK_FILE)
    assert set(read.values_list("subject", flat=True)) == {
        statement.expert.user_id,
        second.expert.user_id,
    }
    fee_services.report_mark_sent(report=first_report, by=coordinator)
    rest = etree.fromstring(desk.get(url).content)
    assert [e.text for e in rest.iterfind("DeliveryData/Reports/Report/ReportData/ReportId")] == [
        second_report.report_id
    ]
    assert rest.findtext("DeliveryData/DeliveryId") == f"{batch.message_id}-IR1"
    fee_services.batch_reports_mark_sent(batch=batch, by=coordinator)
    none_left = desk.get(url, follow=True)
    assert "Every report of this batch is already marked sent." in page(none_left)
    assert none_left.redirect_chain[-1][0] == f"{FEES}batches/{batch.pk}/"


def test_the_lists_never_read_a_batchs_bank_file(desk, statement, coordinator, client):
    """A national batch's SEPA file is some 0.8 MB: the statement, batch and report lists, the
    statement's pages and the work queue leave it in the database (fifty rows joined to their
    batch read 39 MB a page); only its download reads it."""
    batch = pay(statement, coordinator)
    report = IncomesRegisterReport.objects.get()
    pages = [
        FEES,
        f"{FEES}batches/",
        f"{FEES}reports/",
        f"{FEES}{statement.pk}/",
        f"{FEES}reports/{report.pk}/xml/",
        "/coordinator/",
    ]
    for url in pages:
        with CaptureQueriesContext(connection) as queries:
            assert desk.get(url).status_code == 200, url
        assert not [q for q in queries if "sepa_xml" in q["sql"]], url
    with CaptureQueriesContext(connection) as queries:
        assert desk.get(f"{FEES}batches/{batch.pk}/sepa/").status_code == 200
    assert [q for q in queries if "sepa_xml" in q["sql"]]  # the check sees it where it is read
    client.force_login(statement.expert.user)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/payments/{statement.pk}/").status_code == 200
    assert not [q for q in queries if "sepa_xml" in q["sql"]]


def test_the_work_queue_panels_show_reports_due_and_held_statements(rf, statement, coordinator):
    fee_services.statement_hold(statement=statement, by=coordinator, reason="Tarkistus")
    panels = {str(panel.title): panel for panel in fee_queue_panels(rf.get("/"))}
    held = panels["Fee statements held back"]
    assert held.count == 1 and statement.expert.name in held.rows[0].label
    assert panels["Incomes Register reports due"].count == 0
    assert panels["Fee batches to confirm paid"].count == 0


@pytest.mark.parametrize(
    "url", [FEES, f"{FEES}run/", f"{FEES}batches/", f"{FEES}reports/", f"{FEES}missing/"]
)
def test_experts_and_units_are_refused_the_coordinators_pages(client, url):
    for user in (ExpertFactory().user, MembershipFactory().user):
        client.force_login(user)
        assert client.get(url).status_code == 403


# --- The expert's own payments ------------------------------------------------------------------


def test_the_expert_sees_a_waiting_gig_then_its_statement(client, gig, coordinator):
    client.force_login(gig.expert.user)
    before = page(client.get("/payments/"))
    assert "Waiting for the next statement" in before and "Move this fee to next month" in before
    assert "No statements yet" in before
    fee_services.fees_run(period=month_of(gig), by=coordinator)
    after = page(client.get("/payments/"))
    assert "Nothing is waiting" in after
    assert "Approved: waiting for payment" in after
    assert "My earnings in" in after and "Summary for the benefits office or Kela" in after


def test_the_experts_statement_shows_lines_and_the_payout(client, statement):
    client.force_login(statement.expert.user)
    detail = page(client.get(f"/payments/{statement.pk}/"))
    for shown in ("24 km", "Juna", "Fees before tax", "Tax withheld", "Kilometre allowance"):
        assert shown in detail, shown
    assert statement.expert.iban_masked in detail and GOOD_IBANS[0] not in detail
    assert "Move this fee to next month" in detail


def test_the_expert_moves_a_fee_to_next_month_by_post_only(client, statement, gig):
    client.force_login(gig.expert.user)
    url = f"/payments/gigs/{gig.pk}/later/"
    assert client.get(url).status_code == 405
    moved = client.post(url, follow=True)
    assert "This fee moves to the statement of" in page(moved)
    gig.refresh_from_db()
    assert gig.pay_not_before is not None
    assert not statement.lines.exists()


def test_a_fee_in_payment_cannot_be_moved_and_says_why(client, statement, gig, coordinator):
    pay(statement, coordinator)
    client.force_login(gig.expert.user)
    assert "Move this fee" not in page(client.get(f"/payments/{statement.pk}/"))
    refused = client.post(f"/payments/gigs/{gig.pk}/later/", follow=True)
    assert refused.status_code == 200 and "can no longer be moved" in page(refused)
    assert not Gig.objects.filter(pay_not_before__isnull=False).exists()
    assert "In payment: in your account on" in page(client.get("/payments/"))


def test_nobody_else_sees_an_experts_statement(client, statement, gig, coordinator):
    """Another expert's statement is 404 (object-level scoping); a user who is no expert gets
    the 403 of a wrong role, as every other expert page answers them."""
    urls = [f"/payments/{statement.pk}/", f"/payments/{statement.pk}/pdf/"]
    for user, refused in (
        (ExpertFactory().user, 404),
        (MembershipFactory().user, 403),
        (coordinator, 403),
    ):
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == refused, (user, url)
        assert client.post(f"/payments/gigs/{gig.pk}/later/").status_code == refused
    assert not Gig.objects.filter(pay_not_before__isnull=False).exists()
    client.force_login(ExpertFactory().user)
    assert statement.expert.name not in page(client.get("/payments/"))


def test_the_statement_pdf_is_in_the_experts_language(client, statement):
    user = statement.expert.user
    user.language = "sv"
    user.save(update_fields=["language"])
    client.force_login(user)
    response = client.get(f"/payments/{statement.pk}/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "FO-nummer" in text and "Belopp" in text  # Swedish
    assert statement.expert.name in text and "24 km" in text
    assert GOOD_IBANS[0] not in text and GOOD_CODES[0] not in text


def test_the_yearly_summary_lists_the_years_payments(client, statement, coordinator):
    batch = pay(statement, coordinator)
    fee_services.batch_confirm(batch=batch, by=coordinator)
    statement.refresh_from_db()
    client.force_login(statement.expert.user)
    year = timezone.localdate().year
    response = client.get(f"/payments/summary/?year={year}")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    paid = statement.paid_on
    assert f"{paid.day}.{paid.month}.{paid.year}" in text
    assert " ".join(euros(statement.payout).split()) in text
    assert statement.expert.identity_code_masked in text and GOOD_CODES[0] not in text
    empty = pdf_text(client.get(f"/payments/summary/?year={year - 1}").content)
    assert "Nothing was paid in" in empty
    for bad in ("", "?year=abc", f"?year={year + 1}"):
        refused = client.get(f"/payments/summary/{bad}", follow=True)
        assert refused.status_code == 200 and "Choose a year" in page(refused)
    assert "Paid on" in page(client.get("/payments/"))


def test_the_expert_sees_earnings_by_month_against_the_monthly_cap(client, gig):
    expert = gig.expert
    expert.earnings_cap_monthly = Decimal("100.00")
    expert.save(update_fields=["earnings_cap_monthly"])
    client.force_login(expert.user)
    shown = page(client.get("/payments/"))
    assert f"over by {euros(Decimal('100.00'))}" in shown  # the 200 € fee counts this month
    assert "You have no earnings limit" not in shown


def test_the_expert_has_my_payments_in_the_navigation(client, payee):
    client.force_login(payee.user)
    assert 'href="/payments/"' in page(client.get("/payments/"))


# --- Queries that do not grow with the rows -----------------------------------------------------


def _same_queries(client, url, add_rows):
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    add_rows()
    with CaptureQueriesContext(connection) as fifty:
        response = client.get(url)
        assert response.status_code == 200
    assert len(fifty) == len(one), url
    return response


def test_the_statement_list_takes_the_same_queries_for_1_and_50(desk):
    experts = [ExpertFactory() for _ in range(50)]
    bare_statement(experts[0], date(2026, 1, 1))
    response = _same_queries(
        desk, FEES, lambda: [bare_statement(e, date(2026, 1, 1)) for e in experts[1:]]
    )
    assert experts[49].name in page(response)


def test_the_experts_payments_take_the_same_queries_for_1_and_50(client, payee):
    client.force_login(payee.user)
    first, *rest = months(50)
    bare_statement(payee, first)
    _same_queries(client, "/payments/", lambda: [bare_statement(payee, m) for m in rest])


@pytest.mark.parametrize("url", [f"{FEES}batches/", f"{FEES}reports/"])
def test_the_batch_and_report_lists_take_the_same_queries_for_1_and_50(client, payee, url):
    client.force_login(CoordinatorFactory())
    first, *rest = months(50)

    def batch_with_report(month: date):
        batch = PaymentBatch.objects.create(
            payment_date=date(2026, 1, 15), message_id=f"EB-{month:%Y%m}", total=Decimal(100)
        )
        statement = bare_statement(
            payee,
            month,
            status=FeeStatement.Status.IN_PAYMENT,
            batch=batch,
            payment_date=batch.payment_date,
        )
        IncomesRegisterReport.objects.create(
            statement=statement,
            batch=batch,
            payment_date=batch.payment_date,
            deadline=date(2026, 1, 20),
            report_id=f"EB-{month:%Y%m}-{statement.pk}",
            xml="<x/>",
        )

    batch_with_report(first)
    response = _same_queries(client, url, lambda: [batch_with_report(m) for m in rest])
    assert f"EB-{rest[-1]:%Y%m}" in page(response)
