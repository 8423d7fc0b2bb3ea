"""The invoicing pages: what coordinators and units see, nobody else's invoices (404), forms
that refuse bad input clearly, and lists whose queries do not grow with their rows."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from invoicing import services
from invoicing.bankfiles import camt054
from invoicing.models import IncomingPayment, Invoice
from invoicing.services.issuing import issue
from tests.factories import ExpertFactory, MembershipFactory, UnitFactory, UserFactory
from tests.invoicing.factories import approved_gig, last_month, month_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def invoice(terms, coordinator):
    gig = approved_gig(coordinator=coordinator, km=12, ended_ago=last_month())
    (issued,) = services.invoices_issue(period=month_of(gig), by=coordinator).invoices
    return issued


@pytest.fixture
def desk(client, coordinator):
    client.force_login(coordinator)
    return client


def bare_invoice(unit) -> Invoice:
    """An issued invoice without lines, for list pages."""
    today = timezone.localdate()
    invoice = Invoice.objects.create(
        unit=unit,
        period_start=today.replace(day=1),
        period_end=today,
        payment_terms_days=14,
        issue_date=today,
        due_date=today,
        seller_name="Pankki",
        seller_business_id="2899876-5",
        seller_street="Asematie 6",
        seller_postcode="01300",
        seller_city="Vantaa",
        seller_iban="FI4950009420028730",
        seller_bic="OKOYFIHH",
        buyer_name=unit.organisation.name,
        buyer_unit=unit.name,
    )
    issue(invoice, by=None)
    return invoice


def test_the_coordinators_list_and_detail_show_the_invoice(desk, invoice):
    page = desk.get("/coordinator/invoicing/").content.decode()
    assert invoice.number in page and invoice.buyer_name in page
    detail = desk.get(f"/coordinator/invoicing/{invoice.pk}/").content.decode()
    for shown in (invoice.number, invoice.reference, "Kilometres", "Credit", "Issued"):
        assert shown in detail, shown


def test_the_list_filters_by_month_status_and_overdue(desk, invoice):
    month = f"{invoice.period_start:%Y-%m}"
    assert invoice.number in desk.get(f"/coordinator/invoicing/?month={month}").content.decode()
    assert invoice.number not in desk.get("/coordinator/invoicing/?month=2020-01").content.decode()
    assert invoice.number not in desk.get("/coordinator/invoicing/?status=paid").content.decode()
    assert desk.get("/coordinator/invoicing/?month=nonsense").status_code == 200
    assert desk.get("/coordinator/invoicing/?overdue=true").status_code == 200


def test_the_tabs_and_the_list_count_the_history_only_up_to_the_cap(desk, monkeypatch):
    """The paid history grows without end: each tab is counted up to the cap ("2+" beyond
    it, "10 000+" live), in one query, and the list pages through the first ones and says
    the filters find the rest."""
    monkeypatch.setattr("invoicing.views.invoices.CAP", 2)
    unit = UnitFactory()
    made = [bare_invoice(unit) for _n in range(3)]
    with CaptureQueriesContext(connection) as captured:
        page = desk.get("/coordinator/invoicing/").content.decode()
    assert 'href="?status=issued">Waiting for payment <span class="badge text-bg-light">2+' in page
    assert 'href="?status=paid">Paid <span class="badge text-bg-light">0</span>' in page
    assert "Only the first 2 invoices are listed; the filters find the others." in page
    assert sum(invoice.number in page for invoice in made) == 2
    counts = [q["sql"] for q in captured if "COUNT(" in q["sql"]]
    assert len(counts) == 2, counts  # the tabs' one query and the list's, both capped
    assert all("LIMIT 3" in sql for sql in counts), counts
    assert not any("GROUP BY" in sql for sql in counts)
    # The list's count reads the ids alone, not the balance's subqueries.
    assert "incomingpayment" not in counts[-1]
    one = desk.get(f"/coordinator/invoicing/?search={made[0].number}").content.decode()
    assert made[0].number in one and "Only the first" not in one


def test_the_run_page_shows_the_dry_run_and_issues_on_post(desk, terms, coordinator):
    gig = approved_gig(coordinator=coordinator, ended_ago=last_month())
    month = f"{month_of(gig).start:%Y-%m}"
    preview = desk.get(f"/coordinator/invoicing/run/?month={month}").content.decode()
    assert gig.booking.title in preview and "Issue 1 invoice" in preview
    assert not Invoice.objects.exists()
    response = desk.post("/coordinator/invoicing/run/", {"month": month})
    assert response.status_code == 302
    assert Invoice.objects.get().lines.get().gig == gig
    assert "1 invoice issued" in desk.get(response.url).content.decode()
    bad = desk.get("/coordinator/invoicing/run/?month=13-2026").content.decode()
    assert "Give the month as YYYY-MM" in bad


def test_the_credit_page_issues_a_credit_note_and_refuses_without_a_reason(desk, invoice):
    url = f"/coordinator/invoicing/{invoice.pk}/credit/"
    assert "Lines to credit" in desk.get(url).content.decode()
    assert desk.post(url, {"reason": ""}).status_code == 400
    assert not Invoice.objects.filter(kind="credit_note").exists()
    response = desk.post(url, {"reason": "Väärä hinta"})
    assert response.status_code == 302
    assert Invoice.objects.get(kind="credit_note").credit_for == invoice


def test_the_import_page_matches_and_shows_a_bad_file_clearly(desk, invoice):
    data = camt054.build(
        version="02",
        message_id="M1",
        account_iban="FI4950009420028730",
        entries=[
            {
                "ref": "W1",
                "booked": timezone.localdate(),
                "amount": invoice.gross_total,
                "reference": invoice.reference,
                "payer": "Vantaan kaupunki",
            }
        ],
    )
    response = desk.post(
        "/coordinator/invoicing/payments/import/",
        {"file": SimpleUploadedFile("camt.xml", data, content_type="text/xml")},
    )
    assert response.status_code == 200
    assert "1 new payments: 1 matched" in response.content.decode()
    bad = desk.post(
        "/coordinator/invoicing/payments/import/",
        {"file": SimpleUploadedFile("x.xml", b"<broken", content_type="text/xml")},
    )
    assert bad.status_code == 400 and "not valid XML" in bad.content.decode()
    assert IncomingPayment.objects.count() == 1


def test_a_payment_is_allocated_by_number_and_a_wrong_number_is_refused(desk, invoice):
    data = camt054.build(
        version="02",
        message_id="M1",
        account_iban="FI4950009420028730",
        entries=[{"ref": "N1", "booked": timezone.localdate(), "amount": Decimal("10.00")}],
    )
    services.payments_import(data=data, name="x.xml", by=None)
    payment = IncomingPayment.objects.get()
    assert "10.00" in desk.get("/coordinator/invoicing/payments/").content.decode()
    url = f"/coordinator/invoicing/payments/{payment.pk}/allocate/"
    refused = desk.post(url, {"number": "1999-00001"})
    assert refused.status_code == 400 and "No issued invoice has the number" in (
        refused.content.decode()
    )
    assert desk.post(url, {"number": invoice.number, "note": "Puhelu"}).status_code == 302
    payment.refresh_from_db()
    assert payment.invoice == invoice


def test_a_unit_sees_its_organisations_invoices_and_nobody_elses(client, invoice):
    colleague = MembershipFactory(
        unit=UnitFactory(organisation=invoice.unit.organisation), user=UserFactory(language="en")
    ).user
    client.force_login(colleague)
    assert invoice.number in client.get("/unit/invoices/").content.decode()
    detail = client.get(f"/unit/invoices/{invoice.pk}/").content.decode()
    assert invoice.reference in detail and "Download the PDF" in detail
    outsider = MembershipFactory().user
    client.force_login(outsider)
    assert invoice.number not in client.get("/unit/invoices/").content.decode()
    assert client.get(f"/unit/invoices/{invoice.pk}/").status_code == 404
    assert client.get(f"/unit/invoices/{invoice.pk}/pdf/").status_code == 404


def test_the_unit_downloads_its_invoice_as_a_pdf(client, invoice):
    member = invoice.unit.memberships.first().user
    client.force_login(member)
    response = client.get(f"/unit/invoices/{invoice.pk}/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert invoice.number in response["Content-Disposition"]


@pytest.mark.parametrize(
    "url", ["/coordinator/invoicing/", "/coordinator/invoicing/payments/", "/unit/invoices/"]
)
def test_experts_see_no_invoices(client, invoice, url):
    client.force_login(ExpertFactory().user)
    assert client.get(url).status_code in (403, 404)


@pytest.mark.parametrize("url", ["/coordinator/invoicing/", "/unit/invoices/"])
def test_list_pages_take_the_same_queries_for_1_and_50_invoices(client, coordinator, url):
    member = MembershipFactory()
    unit = member.unit
    client.force_login(coordinator if url.startswith("/coordinator") else member.user)
    bare_invoice(unit)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for _ in range(49):
        bare_invoice(unit)
    with CaptureQueriesContext(connection) as fifty:
        assert client.get(url).status_code == 200
    assert len(fifty) == len(one)


def test_the_work_queue_shows_overdue_invoices_and_payments_to_allocate(desk, invoice):
    Invoice.objects.filter(pk=invoice.pk).update(due_date=timezone.localdate() - timedelta(days=1))
    page = desk.get("/coordinator/").content.decode()
    assert "Overdue invoices" in page and "Payments to allocate" in page
