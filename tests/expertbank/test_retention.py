"""Retention: each kind of personal data is removed once it has outlived its period (older
removed, newer kept, a dry run changes nothing), the periods are settings in one place, the
nightly beat task and the command run every rule, and the policy page is for coordinators."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.conf import settings as django_settings
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from expertbank.models import AuditEntry, Message
from expertbank.retention import months_before, retention_run, rules
from expertbank.services.audit import audit_record
from experts.models import ExpertDocument, ExpertImport
from tests.experts.factories import DocumentFactory
from tests.factories import CoordinatorFactory, ExpertFactory, MembershipFactory, TrainerFactory
from tests.permissions import LOGIN, Page, assert_matrix
from tests.training.factories import ApplicationFactory
from training.models import Application

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

NOW = timezone.now()


def _message(created_at, n: int) -> Message:
    return Message.objects.create(
        key=f"retention-{n}",
        kind="note",
        channel="email",
        to=f"person{n}@example.com",
        language="fi",
        body="Your gig tomorrow",
        status=Message.Status.SENT,
        created_at=created_at,
    )


def test_old_messages_are_removed_and_newer_kept(settings):
    settings.RETENTION_MESSAGE_MONTHS = 24
    old = _message(months_before(NOW, 24) - timedelta(hours=1), 1)
    new = _message(months_before(NOW, 24) + timedelta(hours=1), 2)

    assert retention_run(now=NOW, dry_run=True)["messages"] == 1
    assert Message.objects.filter(pk=old.pk).exists()

    assert retention_run(now=NOW, keys=["messages"]) == {"messages": 1}
    assert not Message.objects.filter(pk=old.pk).exists()
    assert Message.objects.filter(pk=new.pk).exists()


def test_phone_codes_are_removed_a_day_after_they_were_sent():
    from expertbank.models import PhoneVerification

    user = ExpertFactory().user

    def code(sent_at):
        return PhoneVerification.objects.create(
            user=user,
            phone="+358401234567",
            code_hash="x" * 64,
            created_at=sent_at,
            expires_at=sent_at + timedelta(minutes=10),
        )

    old, new = code(NOW - timedelta(days=1, minutes=1)), code(NOW - timedelta(hours=23))
    assert retention_run(now=NOW, dry_run=True)["phone_codes"] == 1
    assert PhoneVerification.objects.filter(pk=old.pk).exists()
    assert retention_run(now=NOW, keys=["phone_codes"]) == {"phone_codes": 1}
    assert list(PhoneVerification.objects.all()) == [new]


def test_applications_not_accepted_are_removed_after_the_period(settings, coordinator):
    settings.RETENTION_APPLICATION_MONTHS = 12
    limit = months_before(NOW, 12)
    rejected_long_ago = ApplicationFactory(
        status=Application.Status.REJECTED,
        created_at=limit - timedelta(days=40),
        decided_at=limit - timedelta(days=1),
    )
    waiting_long_ago = ApplicationFactory(created_at=limit - timedelta(days=1))
    rejected_recently = ApplicationFactory(
        status=Application.Status.REJECTED,
        created_at=limit - timedelta(days=40),
        decided_at=limit + timedelta(days=1),
    )
    accepted_long_ago = ApplicationFactory(
        status=Application.Status.ACCEPTED,
        created_at=limit - timedelta(days=40),
        decided_at=limit - timedelta(days=30),
    )
    audit_record(
        obj=rejected_long_ago,
        actor=coordinator,
        action="application rejected",
        changes={"status": ["received", "rejected"]},
    )
    name = rejected_long_ago.full_name

    assert retention_run(now=NOW, dry_run=True)["applications"] == 2
    assert Application.objects.count() == 4

    assert retention_run(now=NOW, keys=["applications"]) == {"applications": 2}
    left = set(Application.objects.values_list("pk", flat=True))
    assert left == {rejected_recently.pk, accepted_long_ago.pk}
    assert waiting_long_ago.pk not in left
    # The audit log still says who decided and when, but not about whom.
    entry = AuditEntry.objects.get(
        content_type=ContentType.objects.get_for_model(Application),
        object_id=str(rejected_long_ago.pk),
    )
    assert entry.actor == coordinator and name not in entry.object_repr


def test_documents_are_removed_when_their_validity_and_the_grace_period_are_over(settings):
    settings.RETENTION_DOCUMENT_GRACE_DAYS = 90
    today = timezone.localdate(NOW)
    expired = DocumentFactory(
        dated=today - timedelta(days=500), valid_until=today - timedelta(days=91)
    )
    in_grace = DocumentFactory(
        dated=today - timedelta(days=500), valid_until=today - timedelta(days=90)
    )
    open_ended = DocumentFactory(dated=today - timedelta(days=900), valid_until=None)

    assert retention_run(now=NOW, dry_run=True)["expired_documents"] == 1
    assert ExpertDocument.objects.count() == 3

    assert retention_run(now=NOW, keys=["expired_documents"]) == {"expired_documents": 1}
    left = set(ExpertDocument.objects.values_list("pk", flat=True))
    assert left == {in_grace.pk, open_ended.pk} and expired.pk not in left


def test_import_files_are_removed_after_the_period(settings):
    settings.RETENTION_IMPORT_DAYS = 30
    old = ExpertImport.objects.create(
        file_name="old.csv", file_format="csv", uploaded_at=NOW - timedelta(days=30, hours=1)
    )
    new = ExpertImport.objects.create(
        file_name="new.csv",
        file_format="csv",
        content="name;email\n",
        uploaded_at=NOW - timedelta(days=29),
    )

    assert retention_run(now=NOW, dry_run=True)["expert_imports"] == 1
    assert ExpertImport.objects.count() == 2

    assert retention_run(now=NOW, keys=["expert_imports"]) == {"expert_imports": 1}
    assert list(ExpertImport.objects.values_list("pk", flat=True)) == [new.pk]
    assert not ExpertImport.objects.filter(pk=old.pk).exists()


def test_the_command_runs_every_rule_and_its_dry_run_changes_nothing(settings):
    old = _message(months_before(NOW, settings.RETENTION_MESSAGE_MONTHS) - timedelta(days=1), 1)
    out = StringIO()
    call_command("retention_run", "--dry-run", stdout=out)
    assert "messages: would remove 1" in out.getvalue()
    for rule in rules():
        if rule.sweep is not None:
            assert f"{rule.key}: would remove" in out.getvalue()
    assert Message.objects.filter(pk=old.pk).exists()

    out = StringIO()
    call_command("retention_run", "--only", "messages", stdout=out)
    assert out.getvalue().strip() == "messages: removed 1"
    assert not Message.objects.filter(pk=old.pk).exists()

    with pytest.raises(CommandError, match="No such retention rule: nope"):
        call_command("retention_run", "--only", "nope")


def test_the_nightly_beat_task_runs_the_rules(settings):
    schedule = django_settings.CELERY_BEAT_SCHEDULE["retention-run"]
    assert schedule["task"] == "expertbank.tasks.retention_run_task"
    old = _message(months_before(NOW, settings.RETENTION_MESSAGE_MONTHS) - timedelta(days=1), 1)
    from expertbank.tasks import retention_run_task

    counts = retention_run_task.delay().get()
    assert counts["messages"] == 1 and not Message.objects.filter(pk=old.pk).exists()


def test_every_removal_the_brief_names_is_a_rule_with_a_sweep():
    swept = {rule.key for rule in rules() if rule.sweep is not None}
    assert {
        "applications",
        "messages",
        "expired_documents",
        "expert_imports",
        "erased_accounting",
        "phone_codes",
    } <= swept


# --- The policy page -------------------------------------------------------------------------


def test_only_coordinators_see_the_retention_policy(client):
    superuser_like = CoordinatorFactory()
    assert_matrix(
        client,
        [Page("/coordinator/retention/", {"coordinator": 200}, anonymous=LOGIN)],
        users={
            "anonymous": None,
            "expert": ExpertFactory().user,
            "trainer": TrainerFactory(),
            "unit member": MembershipFactory().user,
            "coordinator": superuser_like,
        },
    )


def test_the_policy_reads_as_a_table_with_the_periods_from_the_settings(
    client, coordinator, settings, english_pages
):
    settings.RETENTION_MESSAGE_MONTHS = 7
    settings.RETENTION_IMPORT_DAYS = 11
    _message(NOW - timedelta(days=400), 1)
    client.force_login(coordinator)
    response = client.get("/coordinator/retention/")
    page = response.content.decode()
    for heading in ["What data", "How long", "Why (legal basis)", "What happens"]:
        assert f">{heading}</th>" in page
    assert page.count('<tr id="rule-') == len(rules())
    assert "7 months" in page and "11 days" in page
    assert "Kirjanpitolaki" in page and "6 years" in page and "10 years" in page
    row = page.split('id="rule-messages"')[1].split("</tr>")[0]
    assert '<td class="text-end">1</td>' in row  # one message is due now


def test_the_work_queue_links_the_policy(client, coordinator, english_pages):
    client.force_login(coordinator)
    assert 'href="/coordinator/retention/"' in client.get("/coordinator/").content.decode()


def test_a_bad_period_stops_start_up():
    from tests.expertbank.test_settings import _run

    code = ["-c", "import expertbank.settings"]
    result = _run(code, RETENTION_MESSAGE_MONTHS="many")
    assert result.returncode != 0 and "RETENTION_MESSAGE_MONTHS" in result.stderr
    result = _run(code, RETENTION_MESSAGE_MONTHS="0")
    assert result.returncode != 0
    assert "RETENTION_MESSAGE_MONTHS must be at least 1" in result.stderr
    result = _run(code, ACCOUNTING_VOUCHER_YEARS="5")
    assert result.returncode != 0 and "ACCOUNTING_VOUCHER_YEARS must be at least 6" in result.stderr
