"""Erasure: an expert's personal and health data pseudonymised everywhere at once — nothing
planted survives in any table, file name or file — while the books still add up; refused while
money or work is open; only coordinators; and the purge when the law lets the books go."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from allauth.account.models import EmailAddress
from cryptography.fernet import Fernet
from django.contrib.sessions.models import Session
from django.utils import timezone

from bookings.models import Gig
from expertbank.crypto import reset_keys
from expertbank.models import AuditEntry, Message, User
from expertbank.retention import retention_run
from experts.erasure import ErasureRefused, erase_expert, erased_name, expert_erasure_refusals
from experts.models import Expert
from invoicing.models import FeeStatement, InvoiceLine
from tests.bookings.conftest import coordinator, terms
from tests.bookings.factories import bookable_expert, confirmed
from tests.bookings.reports_factories import private_media
from tests.experts.erasure_fixtures import (
    NOT_PERSONAL,
    books,
    database_hits,
    media_hits,
    owned_rows,
    used_expert,
)
from tests.factories import CoordinatorFactory, MembershipFactory, TrainerFactory
from tests.invoicing.factories import approved_gig, last_month, month_of
from tests.permissions import LOGIN, Page, assert_matrix

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

__all__ = ["coordinator", "terms"]


@pytest.fixture(autouse=True)
def field_keys(settings):
    settings.FIELD_ENCRYPTION_KEYS = Fernet.generate_key().decode()
    settings.FIELD_HASH_KEY = "erasure-test-hash-key"
    reset_keys()
    yield
    reset_keys()


@pytest.fixture
def media(settings, tmp_path):
    return private_media(settings, tmp_path)


@pytest.fixture
def used(terms, coordinator, client, media):
    return used_expert(coordinator=coordinator, client=client, media_root=media)


def test_nothing_planted_survives_in_any_table_or_file_and_the_books_add_up(
    used, coordinator, media, run_on_commit
):
    planted = used.planted
    needles = [planted.token, used.identity_code, used.iban]
    # The walk reached every part of the expert's data, and the plant is there to be found.
    labels = {label.split("#")[0] for label in planted.values}
    for expected in [
        "experts.Expert.notes",
        "experts.Expert.bio",
        "experts.ExpertDocument.note",
        "experts.Blackout.note",
        "training.Application.motivation",
        "training.EnrollmentStatusChange.note",
        "bookings.GigReport.notes",
        "bookings.Expense.description",
        "bookings.CheckIn.message",
        "bookings.BookingChange.note",
        "invoicing.InvoiceLine.expert_name",
        "invoicing.FeeLine.description",
        "invoicing.FeeStatement.withholding_note",
        "invoicing.IncomesRegisterReport.xml",
        "expertbank.Message.body",
        "expertbank.AuditEntry.changes",
        "expertbank.ReadEntry.object_repr",
    ]:
        assert expected in labels, expected
    assert len(planted.files) >= 2  # the receipt and the certificate
    assert database_hits(needles) and media_hits(media, needles)
    before = books()
    lines_before = InvoiceLine.objects.count()

    with run_on_commit():
        erase_expert(expert=used.expert, by=coordinator)

    assert database_hits(needles) == []
    assert media_hits(media, needles) == []
    assert books() == before
    assert InvoiceLine.objects.count() == lines_before
    assert set(
        InvoiceLine.objects.filter(gig__expert=used.expert).values_list("expert_name", flat=True)
    ) == {erased_name(used.expert)}
    used.statement.refresh_from_db()
    assert used.statement.status == FeeStatement.Status.PAID


def test_the_login_is_gone_for_good(used, coordinator, client, run_on_commit):
    user = used.user
    planted_name = user.full_name
    assert Session.objects.exists()
    with run_on_commit():
        erase_expert(expert=used.expert, by=coordinator)
    user.refresh_from_db()
    assert not user.is_active and not user.has_usable_password()
    assert user.email == f"erased-{user.pk}@erased.invalid"
    assert user.full_name == erased_name(used.expert)
    assert str(used.expert.pk) in user.full_name and planted_name not in user.full_name
    assert not EmailAddress.objects.filter(user=user).exists()
    assert not Session.objects.exists()  # the only session was the expert's
    assert client.get("/expert/").status_code == 302  # the old session no longer logs in
    assert Message.objects.filter(recipient=user).exclude(body="").count() == 0


def test_the_audit_log_says_who_erased_whom_but_not_what(used, coordinator, run_on_commit):
    with run_on_commit():
        erase_expert(expert=used.expert, by=coordinator)
    entry = AuditEntry.objects.get(action="erased")
    assert entry.actor == coordinator and entry.object_id == str(used.expert.pk)
    assert entry.changes == {}
    assert entry.object_repr == erased_name(used.expert)


def test_every_text_field_of_the_experts_rows_is_planted_or_named_not_personal(used):
    """A new text field on any of the expert's rows must be erased or listed with a reason."""
    owned = owned_rows(used.user, used.expert)
    planted = {label.split("#")[0] for label in used.planted.values}
    for model in owned:
        for field in model._meta.concrete_fields:
            label = f"{model._meta.label}.{field.name}"
            text = field.get_internal_type() in {"CharField", "TextField", "JSONField"}
            if text and not field.choices and not field.primary_key:
                assert (
                    label in planted
                    or label in NOT_PERSONAL
                    or label
                    in {
                        "expertbank.User.full_name",
                        "expertbank.User.email",
                        "expertbank.User.phone",
                        "experts.Expert.public_alias",
                        "experts.Expert.identity_code",
                        "experts.Expert.iban",
                        "account.EmailAddress.email",
                    }
                ), label


# --- Refused while money or work is open -----------------------------------------------------


def test_erasing_is_refused_while_a_fee_is_unpaid(terms, coordinator, media):
    gig = approved_gig(coordinator=coordinator, ended_ago=last_month())
    expert = gig.expert
    name = expert.name
    from invoicing.services import fees as fee_services

    fee_services.fees_run(period=month_of(gig), by=coordinator)
    reasons = expert_erasure_refusals(expert)
    assert any("fee statement of the expert is not paid yet" in r for r in reasons)
    with pytest.raises(ErasureRefused, match="not paid yet"):
        erase_expert(expert=expert, by=coordinator)
    expert.refresh_from_db()
    assert expert.erased_at is None and expert.name == name


def test_erasing_is_refused_with_a_confirmed_gig_ahead(terms, coordinator):
    expert = bookable_expert()
    confirmed(experts=[expert], coordinator=coordinator)
    assert Gig.objects.filter(expert=expert, start__gt=timezone.now()).exists()
    with pytest.raises(ErasureRefused, match="confirmed gig ahead"):
        erase_expert(expert=expert, by=coordinator)
    expert.refresh_from_db()
    assert expert.erased_at is None and expert.user.is_active


def test_erasing_is_refused_for_a_login_with_other_roles(db, coordinator):
    expert = bookable_expert()
    MembershipFactory(user=expert.user)
    with pytest.raises(ErasureRefused, match="Remove those roles first"):
        erase_expert(expert=expert, by=coordinator)


def test_erasing_twice_is_refused(db, coordinator, run_on_commit):
    expert = bookable_expert()
    with run_on_commit():
        erase_expert(expert=expert, by=coordinator)
    with pytest.raises(ErasureRefused, match="already erased"):
        erase_expert(expert=expert, by=coordinator)


# --- The page ---------------------------------------------------------------------------------


def test_only_coordinators_reach_the_erasure_page(client, db):
    expert = bookable_expert()
    superuser = User.objects.create_superuser(email="root@example.com", password="x-pass-2026")
    url = f"/coordinator/experts/{expert.pk}/erase/"
    others = {
        "anonymous": None,
        "expert": expert.user,
        "other expert": bookable_expert().user,
        "trainer": TrainerFactory(),
        "unit member": MembershipFactory().user,
    }
    coordinators = {"coordinator": CoordinatorFactory(), "superuser": superuser}
    assert_matrix(
        client,
        [
            Page(url, {"coordinator": 200, "superuser": 200}, anonymous=LOGIN),
            Page("/coordinator/experts/999999/erase/", {"coordinator": 404, "superuser": 404}),
            Page(
                "/coordinator/experts/999999/erase/",
                {"coordinator": 404, "superuser": 404},
                method="post",
                data={"confirm": "on"},
            ),
        ],
        users={**others, **coordinators},
    )
    assert_matrix(client, [Page(url, {}, method="post", data={"confirm": "on"})], users=others)
    expert.refresh_from_db()
    assert expert.erased_at is None


def test_the_page_warns_and_erases_only_when_confirmed(client, coordinator, run_on_commit):
    expert = bookable_expert()
    name = expert.name
    client.force_login(coordinator)
    url = f"/coordinator/experts/{expert.pk}/erase/"
    page = client.get(url).content.decode()
    assert "This cannot be undone." in page and "Erase for good" in page
    response = client.post(url, {})
    assert response.status_code == 200
    assert "Tick the box to confirm the erasure." in response.content.decode()
    expert.refresh_from_db()
    assert expert.erased_at is None and expert.name == name
    with run_on_commit():
        response = client.post(url, {"confirm": "on"})
    assert response.status_code == 302
    expert.refresh_from_db()
    assert expert.erased_at is not None and name not in expert.name
    page = client.get(response.url).content.decode()
    assert "personal data is erased" in page and name not in page


def test_the_page_shows_why_an_expert_cannot_be_erased(client, coordinator, terms):
    expert = bookable_expert()
    confirmed(experts=[expert], coordinator=coordinator)
    client.force_login(coordinator)
    url = f"/coordinator/experts/{expert.pk}/erase/"
    page = client.get(url).content.decode()
    assert "cannot be erased yet" in page and "confirmed gig ahead" in page
    assert "Erase for good" not in page
    response = client.post(url, {"confirm": "on"})
    assert response.status_code == 200 and "confirmed gig ahead" in response.content.decode()
    expert.refresh_from_db()
    assert expert.erased_at is None


# --- After the retention periods --------------------------------------------------------------


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time())) + timedelta(hours=12)


def test_the_books_are_purged_only_when_the_law_lets_them_go(used, coordinator, run_on_commit):
    expert, user = used.expert, used.user
    with run_on_commit():
        erase_expert(expert=expert, by=coordinator)
    paid = used.statement.paid_on
    voucher_end = date(paid.year + 6, 12, 31)
    issued = used.invoice.issue_date
    books_end = date(max(issued.year, timezone.localdate(used.gig.start).year) + 10, 12, 31)
    gross = used.invoice.gross_total
    lines = InvoiceLine.objects.filter(invoice=used.invoice).count()

    # On the last day of the voucher period nothing goes.
    assert retention_run(now=_at(voucher_end), keys=["erased_accounting"]) == {
        "erased_accounting": 0
    }
    assert FeeStatement.objects.filter(expert=expert).exists()

    # A dry run the day after counts the statement and changes nothing.
    assert (
        retention_run(now=_at(voucher_end + timedelta(days=1)), dry_run=True)["erased_accounting"]
        == 1
    )
    assert FeeStatement.objects.filter(expert=expert).exists()

    # The day after: the fee vouchers go; the gigs behind the invoices stay for the books.
    assert retention_run(now=_at(voucher_end + timedelta(days=1)), keys=["erased_accounting"])
    assert not FeeStatement.objects.filter(expert=expert).exists()
    assert Gig.objects.filter(expert=expert).exists()
    assert Expert.objects.filter(pk=expert.pk).exists()

    # After the books' period: the gigs, the pseudonymous expert and the login go; the invoice
    # and its lines stay whole.
    retention_run(now=_at(books_end + timedelta(days=1)), keys=["erased_accounting"])
    assert not Expert.objects.filter(pk=expert.pk).exists()
    assert not User.objects.filter(pk=user.pk).exists()
    assert not Gig.objects.filter(pk=used.gig.pk).exists()
    used.invoice.refresh_from_db()
    assert used.invoice.gross_total == gross
    assert InvoiceLine.objects.filter(invoice=used.invoice).count() == lines
    assert retention_run(now=_at(books_end + timedelta(days=1)), keys=["erased_accounting"]) == {
        "erased_accounting": 0
    }


def test_experts_not_erased_are_never_purged(terms, coordinator):
    gig = approved_gig(coordinator=coordinator, ended_ago=last_month())
    far = timezone.now() + timedelta(days=365 * 30)
    assert retention_run(now=far, keys=["erased_accounting"]) == {"erased_accounting": 0}
    assert Gig.objects.filter(pk=gig.pk).exists()
