"""Bad input on the report page gets a clear, translated error and changes nothing: no report,
no expense rows, no stored file, the gig still planned."""

from decimal import Decimal
from unittest import mock

import pytest
from django.urls import reverse

from bookings.models import BookingChange, CheckIn, Expense, Gig, GigReport
from bookings.services import BookingError
from bookings.services.receipts import MAX_RECEIPT_BYTES, sniff
from bookings.services.reports import ExpenseInput, report_submit
from expertbank.models import Message
from tests.bookings.reports_factories import (
    HEIC,
    JPEG,
    PDF,
    PNG,
    ended_gig,
    png,
    private_media,
    report_data,
    stored_files,
    upload,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    return private_media(settings, tmp_path)


@pytest.fixture
def gig(terms):
    return ended_gig()


@pytest.fixture
def page(client, gig):
    client.force_login(gig.expert.user)
    return reverse("bookings_expert:report", args=[gig.pk])


def _nothing_changed(gig, media):
    gig.refresh_from_db()
    assert gig.status == Gig.Status.PLANNED
    assert not GigReport.objects.exists()
    assert not Expense.objects.exists()
    assert not CheckIn.objects.exists()
    assert BookingChange.objects.filter(gig=gig).count() == 1  # only "planned"
    assert not Message.objects.filter(kind="checkin_debrief").exists()
    assert stored_files(media) == []


def _expense(description="Bussilippu", amount="3.20", receipt=None) -> dict:
    return {
        "expenses-0-description": description,
        "expenses-0-amount": amount,
        "expenses-0-receipt": receipt if receipt is not None else png(),
    }


BAD = [
    ({"hours": "-1"}, "Hours cannot be negative."),
    ({"hours": "25"}, "A gig can last at most 24 hours. Check the hours."),
    ({"hours": ""}, "Write the hours, e.g. 2,5."),
    ({"hours": "kaksi"}, "Write the hours as a number, e.g. 2,5."),
    ({"preparation_hours": "-0.5"}, "Hours cannot be negative."),
    ({"preparation_hours": "41"}, "Preparation can be at most 40 hours. Check the hours."),
    ({"km": "-3"}, "Kilometres cannot be negative."),
    ({"km": "2500", "km_from": "Rovaniemi"}, "That is more than 2000 km. Check the kilometres."),
    ({"km": "30"}, "Say where you drove from."),
    (_expense(amount="-5"), "The amount must be more than zero."),
    (_expense(amount="9000"), "An expense can be at most 5000 €. Check the amount."),
    (_expense(description=""), "Say what the expense was for."),
]


@pytest.mark.parametrize(("fields", "error"), BAD)
def test_bad_numbers_get_a_clear_error_and_change_nothing(client, gig, page, media, fields, error):
    data = report_data(**{"checkin-wants_debrief": "on", **fields})
    response = client.post(page, data)
    assert response.status_code == 400
    assert error in response.content.decode()
    _nothing_changed(gig, media)


def test_an_expense_without_a_receipt_is_refused(client, gig, page, media):
    data = report_data(**{"expenses-0-description": "Parkki", "expenses-0-amount": "4"})
    response = client.post(page, data)
    assert response.status_code == 400
    assert "Add the receipt (a photo or a PDF)." in response.content.decode()
    _nothing_changed(gig, media)


def test_an_oversized_receipt_is_refused(client, gig, page, media):
    big = upload("kuitti.jpg", JPEG + b"\x00" * MAX_RECEIPT_BYTES, "image/jpeg")
    response = client.post(page, report_data(**_expense(receipt=big)))
    assert response.status_code == 400
    assert "is too big" in response.content.decode()
    assert "A receipt can be at most 5.0\xa0MB." in response.content.decode()
    _nothing_changed(gig, media)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("kuitti.pdf", b"<html><script>alert(1)</script></html>"),  # a web page named .pdf
        ("kuitti.png", b"MZ\x90\x00\x03\x00\x00\x00"),  # a Windows program named .png
        ("kuitti.gif", b"GIF89a\x01\x00\x01\x00"),  # an image of a type we do not take
        ("kuitti.txt", b"Bussilippu 3,20 e"),
    ],
)
def test_a_receipt_of_the_wrong_type_is_refused_whatever_its_name(
    client, gig, page, media, name, content
):
    response = client.post(page, report_data(**_expense(receipt=upload(name, content))))
    assert response.status_code == 400
    assert "is not a PDF or a photo" in response.content.decode()
    _nothing_changed(gig, media)


def test_a_second_bad_expense_keeps_the_first_from_being_stored(client, gig, page, media):
    data = report_data(
        **_expense(),
        **{
            "expenses-1-description": "Taksi",
            "expenses-1-amount": "20",
            "expenses-1-receipt": upload("taksi.jpg", b"not a picture"),
        },
    )
    assert client.post(page, data).status_code == 400
    _nothing_changed(gig, media)


def test_the_errors_come_in_the_experts_language(client, gig, page, media):
    gig.expert.user.language = "fi"
    gig.expert.user.save()
    big = upload("kuitti.jpg", JPEG + b"\x00" * MAX_RECEIPT_BYTES, "image/jpeg")
    response = client.post(page, report_data(**_expense(receipt=big)))
    content = response.content.decode()
    assert response.status_code == 400
    assert '<html lang="fi">' in content
    assert "5,0\xa0MB" in content  # rendered with the Finnish number format
    _nothing_changed(gig, media)


@pytest.mark.parametrize(
    ("name", "content", "content_type", "suffix"),
    [
        ("kuitti.PDF", PDF, "application/pdf", ".pdf"),
        ("IMG_0001.HEIC", HEIC, "image/heic", ".heic"),
        ("kuva", JPEG, "image/jpeg", ".jpg"),  # no suffix at all: the content tells
        ("kuitti.png", PNG, "image/png", ".png"),
    ],
)
def test_pdf_jpeg_png_and_heic_receipts_are_taken_by_their_content(
    client, gig, page, media, name, content, content_type, suffix
):
    response = client.post(page, report_data(**_expense(receipt=upload(name, content))))
    assert response.status_code == 302
    expense = Expense.objects.get()
    assert expense.receipt_type == content_type
    assert expense.receipt.name.endswith(suffix)
    assert name.split(".")[0] not in expense.receipt.name


def test_sniffing_reads_the_first_bytes():
    assert sniff(PDF) == "application/pdf"
    assert sniff(HEIC) == "image/heic"
    assert sniff(b"\x00\x00\x00\x18ftypavif") is None
    assert sniff(b"") is None


def test_a_failure_after_a_receipt_was_stored_leaves_no_file_and_no_rows(gig, media):
    with (
        mock.patch("bookings.services.reports.change_status", side_effect=RuntimeError("boom")),
        pytest.raises(RuntimeError),
    ):
        report_submit(
            gig=gig,
            by=gig.expert.user,
            hours=Decimal("2"),
            expenses=[ExpenseInput("Bussilippu", Decimal("3.20"), png())],
        )
    _nothing_changed(gig, media)


def test_the_service_refuses_a_bad_receipt_too(gig, media):
    with pytest.raises(BookingError, match="not a PDF or a photo"):
        report_submit(
            gig=gig,
            by=gig.expert.user,
            hours=Decimal("2"),
            expenses=[ExpenseInput("Lippu", Decimal("3"), upload("x.pdf", b"<html>"))],
        )
    with pytest.raises(BookingError, match="at most 24 hours"):
        report_submit(gig=gig, by=gig.expert.user, hours=Decimal("24.5"))
    with pytest.raises(BookingError, match="more than we can pay"):
        report_submit(gig=gig, by=gig.expert.user, hours=Decimal("2"), km=5000, km_from="x")
    _nothing_changed(gig, media)


def test_at_most_ten_expenses(client, gig, page, media):
    data = report_data(**{"expenses-TOTAL_FORMS": "11"})
    for index in range(11):
        data[f"expenses-{index}-description"] = f"Lippu {index}"
        data[f"expenses-{index}-amount"] = "2"
        data[f"expenses-{index}-receipt"] = png()
    response = client.post(page, data)
    assert response.status_code == 400
    _nothing_changed(gig, media)


def test_a_broken_form_post_is_an_error_not_a_crash(client, gig, page, media):
    response = client.post(page, {"hours": "2"})  # no expense management form
    assert response.status_code == 400
    _nothing_changed(gig, media)
