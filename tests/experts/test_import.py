"""Bulk import: a dry run with per-row errors, all rows or none, invitations for everyone."""

import io
from datetime import timedelta

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from expertbank.models import Invitation, Message, User
from experts.models import Expert, ExpertImport
from experts.resources import IMPORT_COLUMN_NAMES
from experts.services import expert_update
from experts.services.importing import (
    ImportFileError,
    dataset_read,
    expert_import_confirm,
    expert_import_preview,
    expert_import_stage,
    expert_imports_purge,
)
from tests.experts.factories import GOOD_CODES, GOOD_IBANS
from tests.factories import CoordinatorFactory, ExpertFactory, UserFactory
from tests.permissions import Page, assert_access, assert_matrix

pytestmark = pytest.mark.django_db

UPLOAD = reverse("experts_coordinator:import")
HEADER = "email,full_name,identity_code,iban,areas,languages,work_kinds,status,certified_on"
GOOD_ROWS = [
    "liisa.aalto@example.com,Liisa Aalto,131052-308T,FI49 5000 9420 0287 30,"
    '"Päihteet, mental-health",fi;sv,talk,active,15.5.2024',
    "pekka.berg@example.com,Pekka Berg,150385-246Y,,Rahapelaaminen,en,Asiakasraati,,",
]


def _csv(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode("utf-8")


def _upload(client, content: bytes, name: str = "experts.csv"):
    return client.post(UPLOAD, {"file": SimpleUploadedFile(name, content)})


@pytest.fixture
def logged_in(client, coordinator_en):
    client.force_login(coordinator_en)
    return client


def _counts() -> tuple[int, int, int, int]:
    return (
        User.objects.count(),
        Expert.objects.count(),
        Invitation.objects.count(),
        Message.objects.count(),
    )


def _preview(client, content: bytes, name: str = "experts.csv"):
    response = _upload(client, content, name)
    assert response.status_code == 302, response.content.decode()[:2000]
    return client.get(response.url), ExpertImport.objects.get()


# --- The dry run ---------------------------------------------------------------------------


def test_the_dry_run_lists_every_row_and_changes_nothing(logged_in):
    before = _counts()
    page, upload = _preview(logged_in, _csv(*GOOD_ROWS))
    outcome = page.context["outcome"]
    assert outcome.ok and outcome.valid_count == 2
    assert [row.line for row in outcome.rows] == [2, 3]
    assert outcome.rows[0].summary["identity_code"] == "••••••-••8T"
    assert outcome.rows[0].summary["areas"] == "Substance use, Mental health"
    content = page.content.decode()
    assert "131052-308T" not in content and "9420 0287" not in content
    assert "Every line is in order" in content
    assert _counts() == before
    assert upload.status == ExpertImport.Status.PREVIEWED


def test_the_dry_run_shows_each_rows_errors(logged_in):
    expert_update(
        expert=ExpertFactory(user__full_name="Olli Olemassa"), by=None, identity_code=GOOD_CODES[2]
    )
    UserFactory(email="varattu@example.com")
    rows = [
        "a@example.com,Bad Code,131052-308A,,,,,,",
        "b@example.com,Bad Iban,,FI49 5000 9420 0287 31,,,,,",
        "c@example.com,Unknown Area,,,Astrologia,,,,",
        "d@example.com,Unknown Language,,,,klingon,,,",
        "e@example.com,Unknown Kind,,,,,juggling,,",
        f"f@example.com,In Pool,{GOOD_CODES[2]},,,,,,",
        "g@example.com,Twice One,131052-308T,,,,,,",
        "h@example.com,Twice Two,131052-308t,,,,,,",
        "varattu@example.com,Taken Email,,,,,,,",
        "i@example.com,Email Twice,,,,,,,",
        "I@example.com,Email Twice Again,,,,,,,",
        ",No Email,,,,,,,",
        "j@example.com,Bad Status,,,,,,dead,",
        "k@example.com,Bad Date,,,,,,,31.2.2024",
        "not-an-email,Bad Email,,,,,,,",
        "l@example.com,All Good,,,,,,,",
    ]
    page, _upload_row = _preview(logged_in, _csv(*rows))
    outcome = page.context["outcome"]
    errors = {row.summary["name"]: row.errors for row in outcome.rows}
    assert not outcome.ok
    assert outcome.invalid_count == len(rows) - 3  # the first of each pair, and "All Good"

    def error(name: str, column: str) -> str:
        return " ".join(message for col, message in errors[name] if col == column)

    assert "personal identity code" in error("Bad Code", "identity_code")
    assert "valid IBAN" in error("Bad Iban", "iban")
    assert "Astrologia" in error("Unknown Area", "areas")
    assert "klingon" in error("Unknown Language", "languages")
    assert "juggling" in error("Unknown Kind", "work_kinds")
    assert "Olli Olemassa" in error("In Pool", "identity_code")
    assert errors["Twice One"] == []
    assert "line 8" in error("Twice Two", "identity_code")
    assert "already has an account" in error("Taken Email", "email")
    assert "line 11" in error("Email Twice Again", "email")
    assert "required" in error("No Email", "email")
    assert "dead" in error("Bad Status", "status")
    assert "24.11.2026" in error("Bad Date", "certified_on")
    assert "valid e-mail" in error("Bad Email", "email")
    assert "Nothing is imported until every line is in order" in page.content.decode()
    assert "import_confirm" not in page.content.decode()


def test_blank_lines_are_skipped_and_line_numbers_match_the_file(logged_in):
    page, _u = _preview(logged_in, _csv(GOOD_ROWS[0], ",,,,,,,,", "", "x@example.com,,,,,,,,"))
    rows = page.context["outcome"].rows
    assert [row.line for row in rows] == [2, 5]
    assert "required" in rows[1].errors[0][1]


# --- A file that cannot be used ------------------------------------------------------------


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("experts.pdf", b"%PDF-1.4", "Upload a CSV file"),
        ("experts.xls", b"\xd0\xcf\x11\xe0", "Old Excel files"),
        ("experts.xlsx", b"this is not a zip file", "cannot be read as an Excel workbook"),
        ("experts.csv", b"", "The submitted file is empty"),
        ("experts.csv", b"\n\n", "The file is empty"),
        ("experts.csv", b"name,phone\nLiisa,040\n", "Unknown columns: name"),
        ("experts.csv", b"email,phone\na@example.com,040\n", "Required columns are missing"),
        ("experts.csv", b"email,full_name,email\n", "appear twice"),
        ("experts.csv", HEADER.encode() + b"\n", "no rows of experts"),
        ("experts.csv", b"\x00\x01\x02\xff\xfe garbage \x00", "not a text file"),
        ("experts.csv", b"email,full_name\na@example.com,A,extra,cells\n", "more cells"),
    ],
)
def test_a_bad_file_gives_a_clear_error_and_changes_nothing(logged_in, name, content, message):
    before = _counts()
    response = _upload(logged_in, content, name)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert response.context["form"].has_error("file")
    assert _counts() == before
    assert not ExpertImport.objects.exists()


def test_no_file_at_all_is_a_form_error(logged_in):
    response = logged_in.post(UPLOAD, {})
    assert response.status_code == 400
    assert response.context["form"].has_error("file")


# --- Confirming ------------------------------------------------------------------------------


def test_a_valid_file_imports_every_row_and_sends_invitations(logged_in, run_on_commit):
    _page, upload = _preview(logged_in, _csv(*GOOD_ROWS))
    with run_on_commit():
        response = logged_in.post(reverse("experts_coordinator:import_confirm", args=[upload.pk]))
    assert response.status_code == 302
    liisa = Expert.objects.get(user__email="liisa.aalto@example.com")
    assert liisa.identity_code == "131052-308T"
    assert liisa.iban == "FI4950009420028730" and liisa.bic == "OKOYFIHH"
    assert liisa.status == Expert.Status.ACTIVE
    assert str(liisa.certified_on) == "2024-05-15"
    assert sorted(a.slug for a in liisa.areas.all()) == ["mental-health", "substance-use"]
    assert sorted(lang.code for lang in liisa.languages.all()) == ["fi", "sv"]
    pekka = Expert.objects.get(user__email="pekka.berg@example.com")
    assert pekka.status == Expert.Status.IN_TRAINING
    assert [k.code for k in pekka.work_kinds.all()] == ["customer-panel"]
    for expert in (liisa, pekka):
        assert Invitation.objects.filter(user=expert.user).count() == 1
        assert Message.objects.filter(recipient=expert.user, kind="invitation").count() == 1
    upload.refresh_from_db()
    assert upload.status == ExpertImport.Status.IMPORTED
    assert upload.content == "" and upload.imported_count == 2


def test_a_file_imported_once_cannot_be_confirmed_again(logged_in):
    _page, upload = _preview(logged_in, _csv(*GOOD_ROWS))
    logged_in.post(reverse("experts_coordinator:import_confirm", args=[upload.pk]))
    before = _counts()
    response = logged_in.post(
        reverse("experts_coordinator:import_confirm", args=[upload.pk]), follow=True
    )
    assert "already been handled" in response.content.decode()
    assert _counts() == before


def test_one_bad_row_at_confirmation_imports_nothing(logged_in, run_on_commit):
    coordinator = CoordinatorFactory()
    upload = expert_import_stage(file_name="experts.csv", content=_csv(*GOOD_ROWS), by=coordinator)
    assert expert_import_preview(upload=upload, by=coordinator).ok
    UserFactory(email="pekka.berg@example.com")  # taken between the preview and the confirm
    before = _counts()
    with run_on_commit():
        outcome = expert_import_confirm(upload=upload, by=coordinator)
    assert not outcome.imported
    assert outcome.rows[1].errors
    assert _counts() == before
    assert not Expert.objects.filter(user__email="liisa.aalto@example.com").exists()
    upload.refresh_from_db()
    assert upload.status == ExpertImport.Status.PREVIEWED


def test_an_xlsx_file_with_real_dates_and_numbers_imports(logged_in):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Email", "Full name", "certified_on", "travel_radius_km", "phone", "remote_ok"])
    sheet.append(
        [
            "xlsx@example.com",
            "Excel Ekspertti",
            timezone.localtime().replace(tzinfo=None) - timedelta(days=30),
            40,
            "040 555 1234",
            "ei",
        ]
    )
    buffer = io.BytesIO()
    book.save(buffer)
    _page, upload = _preview(logged_in, buffer.getvalue(), "experts.xlsx")
    logged_in.post(reverse("experts_coordinator:import_confirm", args=[upload.pk]))
    expert = Expert.objects.select_related("user").get(user__email="xlsx@example.com")
    assert expert.travel_radius_km == 40 and expert.remote_ok is False
    assert expert.user.phone == "+358405551234"
    assert expert.certified_on == timezone.localdate() - timedelta(days=30)


def test_a_finnish_excel_csv_with_semicolons_and_latin_1_is_read():
    content = "email;full_name;municipality\na@example.com;Äijä Öhman;Järvenpää\n"
    dataset = dataset_read(content=content.encode("cp1252"), file_format="csv")
    assert dataset.headers == ["email", "full_name", "municipality"]
    assert dataset[0] == ("a@example.com", "Äijä Öhman", "Järvenpää")


def test_dataset_read_refuses_too_many_rows(monkeypatch):
    monkeypatch.setattr("experts.services.importing.MAX_ROWS", 2)
    with pytest.raises(ImportFileError, match="At most 2 experts"):
        dataset_read(content=_csv(*GOOD_ROWS, GOOD_ROWS[0]), file_format="csv")


def test_another_coordinators_upload_answers_404(client, logged_in):
    _page, upload = _preview(logged_in, _csv(*GOOD_ROWS))
    other = {"another coordinator": CoordinatorFactory()}
    pages = [
        Page(reverse(f"experts_coordinator:{name}", args=[upload.pk]), default=404, method=method)
        for name, method in [
            ("import_preview", "get"),
            ("import_confirm", "post"),
            ("import_discard", "post"),
        ]
    ]
    assert_matrix(client, pages, other)
    assert not Expert.objects.filter(user__email="liisa.aalto@example.com").exists()
    assert ExpertImport.objects.get(pk=upload.pk).status == ExpertImport.Status.PREVIEWED


@pytest.mark.parametrize("who", ["unit member", "trainer"])
def test_outsiders_cannot_import(client, outsiders, who):
    data = {"file": SimpleUploadedFile("experts.csv", _csv(*GOOD_ROWS))}
    assert_access(client, UPLOAD, 403, user=outsiders[who], method="post", data=data)
    assert not ExpertImport.objects.exists()


def test_a_discarded_file_is_emptied(logged_in):
    _page, upload = _preview(logged_in, _csv(*GOOD_ROWS))
    logged_in.post(reverse("experts_coordinator:import_discard", args=[upload.pk]))
    upload.refresh_from_db()
    assert upload.status == ExpertImport.Status.DISCARDED and upload.content == ""
    response = logged_in.get(reverse("experts_coordinator:import_preview", args=[upload.pk]))
    assert response.status_code == 302


def test_files_left_waiting_are_purged_after_a_day():
    coordinator = CoordinatorFactory()
    upload = expert_import_stage(file_name="e.csv", content=_csv(*GOOD_ROWS), by=coordinator)
    assert expert_imports_purge() == 0
    assert expert_imports_purge(now=timezone.now() + timedelta(days=2)) == 1
    upload.refresh_from_db()
    assert upload.content == "" and upload.status == ExpertImport.Status.DISCARDED


def test_the_uploaded_file_is_stored_encrypted():
    from django.db import connection

    upload = expert_import_stage(
        file_name="e.csv", content=_csv(*GOOD_ROWS), by=CoordinatorFactory()
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT content FROM experts_expertimport")
        stored = cursor.fetchone()[0]
    assert "131052" not in stored and "liisa" not in stored
    assert upload.row_count == 2


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_the_template_has_every_column(logged_in, file_format):
    response = logged_in.get(reverse("experts_coordinator:import_template", args=[file_format]))
    assert response.status_code == 200
    if file_format == "csv":
        header = response.content.decode("utf-8-sig").strip().split(",")
    else:
        header = list(next(openpyxl.load_workbook(io.BytesIO(response.content)).active.values))
    assert header == IMPORT_COLUMN_NAMES
    assert_access(
        logged_in,
        reverse("experts_coordinator:import_template", args=["pdf"]),
        404,
        user=CoordinatorFactory(),
    )
    assert GOOD_IBANS  # the factories' values are the ones used above
