"""What comes back from an upload and what goes in through an offer's answer link: a receipt is
downloaded under the type sniffed from its content, never the uploader's name, and the answer
link's decline reason goes through the same form as the portal's."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from bookings import services
from bookings.models import Assignment, BookingChange
from bookings.services.reports import ExpenseInput
from tests.bookings.factories import offer, request_booking
from tests.bookings.reports_factories import PDF, PNG, private_media, reported_gig

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def media(settings, tmp_path):
    return private_media(settings, tmp_path)


def _receipt_of(gig):
    return gig.report.expenses.get()


@pytest.mark.parametrize(
    ("uploaded", "content", "suffix", "disposition"),
    [
        ("evil.pdf.html", PDF, "pdf", "attachment"),
        ("kuva.png.svg", PNG, "png", "inline"),
        ("<script>.png", PNG, "png", "inline"),
    ],
)
def test_a_receipt_is_downloaded_under_its_sniffed_type_never_the_uploaded_name(
    client, coordinator, terms, media, uploaded, content, suffix, disposition
):
    upload = SimpleUploadedFile(uploaded, content, content_type="text/html")
    gig = reported_gig(expenses=[ExpenseInput("Bussilippu", Decimal("3.20"), upload)])
    expense = _receipt_of(gig)
    client.force_login(coordinator)
    response = client.get(reverse("bookings_coordinator:receipt", args=[expense.pk]))
    assert response.status_code == 200
    header = response["Content-Disposition"]
    assert header == f'{disposition}; filename="receipt-{expense.pk}.{suffix}"', header
    assert response["Content-Type"] == expense.receipt_type
    assert response["X-Content-Type-Options"] == "nosniff"
    assert uploaded not in header and ".html" not in header and ".svg" not in header


def test_an_expert_downloads_their_own_receipt_under_the_same_safe_name(client, terms, media):
    upload = SimpleUploadedFile("kuitti.pdf.exe", PDF, content_type="application/x-msdownload")
    gig = reported_gig(expenses=[ExpenseInput("Taksi", Decimal("12.00"), upload)])
    expense = _receipt_of(gig)
    client.force_login(gig.expert.user)
    response = client.get(reverse("bookings_expert:receipt", args=[expense.pk]))
    assert response["Content-Disposition"] == f'attachment; filename="receipt-{expense.pk}.pdf"'
    assert response["Content-Type"] == "application/pdf"


@pytest.fixture
def offered(coordinator, anna):
    booking = request_booking(title="Puheenvuoro Tikkurilassa")
    (assignment,) = offer(booking, [anna], by=coordinator)
    return assignment


def _answer_path(assignment) -> str:
    url = services.answer_url(assignment, "")
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def test_a_nul_byte_in_the_answer_links_decline_reason_is_refused_and_changes_nothing(
    client, offered
):
    history = BookingChange.objects.count()
    response = client.post(
        _answer_path(offered),
        {"answer": "decline", "reason": "Lomalla\x00 <b>"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "Null characters are not allowed." in response.content.decode()
    offered.refresh_from_db()
    assert offered.status == Assignment.Status.OFFERED
    assert BookingChange.objects.count() == history


def test_the_answer_links_decline_reason_is_cleaned_and_kept_to_the_forms_length(client, offered):
    too_long = client.post(_answer_path(offered), {"answer": "decline", "reason": "x" * 2001})
    assert too_long.status_code == 400
    offered.refresh_from_db()
    assert offered.status == Assignment.Status.OFFERED
    response = client.post(
        _answer_path(offered), {"answer": "decline", "reason": "Lomalla\x07\x1b viikon"}
    )
    assert response.status_code == 200
    offered.refresh_from_db()
    assert offered.status == Assignment.Status.DECLINED
    note = BookingChange.objects.filter(assignment=offered).latest("pk").note
    assert note == "Lomalla viikon"


@pytest.mark.postgres
def test_a_nul_byte_in_the_answer_link_never_reaches_postgresql(client, offered):
    """PostgreSQL cannot store NUL in text: unvalidated, this was a server error."""
    response = client.post(_answer_path(offered), {"answer": "decline", "reason": "\x00"})
    assert response.status_code == 400
    offered.refresh_from_db()
    assert offered.status == Assignment.Status.OFFERED
