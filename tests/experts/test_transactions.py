"""The pool's transaction convention: each top-level action is one durable transaction whose
side effects happen when it commits; code already in a transaction calls the ``*_impl`` twin."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

import experts.services as services
from expertbank.models import AuditEntry, Invitation, Message, User
from experts.models import Expert
from experts.services import (
    availability,
    consent,
    documents,
    expert_create,
    expert_invite,
    expert_update,
    importing,
    pool,
)
from tests.factories import ExpertFactory
from tests.transactions import impls, is_durable, public_actions

pytestmark = pytest.mark.django_db

READS = {
    "current_consent",
    "document_check",
    "expert_is_bookable",
    "expert_values_check",
    "identity_code_duplicate",
    "tax_card_check",
    "tax_card_end_check",
}
IMPORT_ACTIONS = [
    importing.expert_import_stage,
    importing.expert_import_confirm,
    importing.expert_import_discard,
    importing.expert_imports_purge,
]


@pytest.mark.parametrize(
    "action",
    [*public_actions(services, reads=READS).values(), *IMPORT_ACTIONS],
    ids=lambda action: action.__name__,
)
def test_every_top_level_action_of_the_pool_is_durable(action):
    assert is_durable(action)


@pytest.mark.parametrize(
    ("module", "name"),
    [
        (module, name)
        for module in (pool, consent, documents, availability)
        for name in impls(module)
    ],
    ids=lambda value: getattr(value, "__name__", value),
)
def test_every_impl_joins_its_callers_transaction_and_has_a_durable_action(module, name):
    assert not is_durable(getattr(module, name))
    assert is_durable(getattr(module, name.removesuffix("_impl")))


def test_a_top_level_action_refuses_to_run_inside_another_transaction():
    expert = ExpertFactory()
    with pytest.raises(RuntimeError, match="durable"), transaction.atomic():
        expert_update(expert=expert, by=None, municipality="Kerava")
    assert Expert.objects.get(pk=expert.pk).municipality == "Vantaa"


def test_the_invitation_goes_only_when_the_action_commits(
    coordinator, django_capture_on_commit_callbacks
):
    expert = ExpertFactory()
    expert.user.set_unusable_password()  # has not set a password yet
    expert.user.save(update_fields=["password"])
    with django_capture_on_commit_callbacks() as callbacks:
        expert_invite(expert=expert, by=coordinator)
        assert Message.objects.filter(to=expert.user.email).exists()
    assert mail.outbox == []
    for callback in callbacks:
        callback()
    assert [message.to for message in mail.outbox] == [[expert.user.email]]


def test_a_refused_creation_stores_nothing_and_sends_nothing(coordinator, run_on_commit):
    """The address is taken by someone whose name differs only in case: the whole action rolls
    back, so there is no half-made account and no e-mail."""
    User.objects.create_user(email="anna@example.com", full_name="Anna", password="x")
    counts = User.objects.count(), Expert.objects.count(), Invitation.objects.count()
    with run_on_commit(), pytest.raises(services.ExpertError):
        expert_create(email="ANNA@example.com", full_name="Anna K.", by=coordinator)
    assert (User.objects.count(), Expert.objects.count(), Invitation.objects.count()) == counts
    assert mail.outbox == []


def test_a_refused_profile_change_changes_nothing_and_logs_nothing(coordinator):
    expert = ExpertFactory()
    before = Expert.objects.filter(pk=expert.pk).values().get()
    entries = AuditEntry.objects.count()
    with pytest.raises(services.ExpertError, match="At least one gig"):
        expert_update(
            expert=expert,
            by=coordinator,
            municipality="Kerava",
            max_gigs_per_month=0,
            status_since=timezone.localdate() - timedelta(days=3),
        )
    assert Expert.objects.filter(pk=expert.pk).values().get() == before
    assert AuditEntry.objects.count() == entries
