"""Training's transaction convention: each top-level action is one durable transaction whose
side effects (e-mails, the certificate task) happen when it commits; accepting an application
creates the expert inside its own transaction, so a refusal leaves nothing behind."""

import pytest
from django.core import mail

import training.services as services
from expertbank.models import Invitation, User
from experts.models import Expert
from tests.factories import ExpertFactory
from tests.training.factories import ApplicationFactory, CohortFactory, EnrollmentFactory
from tests.transactions import impls, is_durable, public_actions
from training.models import Application, Certificate, Enrollment
from training.services import applications, enrollments

pytestmark = pytest.mark.django_db

READS = {
    "certificate_check",
    "certificate_context",
    "certificate_issue_later",  # queues on the caller's commit
    "cohort_capacity_check",
    "completion_check",
    "completion_evaluate",
}


@pytest.mark.parametrize(
    "action",
    public_actions(services, reads=READS).values(),
    ids=lambda action: action.__name__,
)
def test_every_top_level_action_of_training_is_durable(action):
    assert is_durable(action)


@pytest.mark.parametrize(
    ("module", "name"),
    [(module, name) for module in (applications, enrollments) for name in impls(module)],
    ids=lambda value: getattr(value, "__name__", value),
)
def test_every_impl_joins_its_callers_transaction_and_has_a_durable_action(module, name):
    assert not is_durable(getattr(module, name))
    assert is_durable(getattr(module, name.removesuffix("_impl")))


def test_accepting_into_a_full_cohort_creates_nobody_and_sends_nothing(coordinator, run_on_commit):
    cohort = CohortFactory(capacity=1)
    EnrollmentFactory(cohort=cohort)
    application = ApplicationFactory(cohort=cohort, email="uusi@example.com")
    counts = (User.objects.count(), Expert.objects.count(), Invitation.objects.count())
    with run_on_commit(), pytest.raises(services.TrainingError, match="full"):
        services.application_accept(application=application, by=coordinator)
    assert (User.objects.count(), Expert.objects.count(), Invitation.objects.count()) == counts
    assert Application.objects.get(pk=application.pk).status == Application.Status.RECEIVED
    assert mail.outbox == []


def test_enrolling_several_experts_is_all_or_nothing(coordinator):
    cohort = CohortFactory(capacity=2)
    experts = [ExpertFactory() for _ in range(3)]
    with pytest.raises(services.TrainingError, match="full"):
        services.cohort_enroll(cohort=cohort, experts=experts, by=coordinator)
    assert not Enrollment.objects.filter(cohort=cohort).exists()
    made = services.cohort_enroll(cohort=cohort, experts=experts[:2], by=coordinator)
    assert {e.expert for e in made} == set(experts[:2])


def test_a_certificate_is_remade_only_for_a_completed_training(
    coordinator, django_capture_on_commit_callbacks, monkeypatch
):
    queued = []
    monkeypatch.setattr("training.tasks.certificate_issue_task.delay", lambda pk: queued.append(pk))
    unfinished = EnrollmentFactory()
    with pytest.raises(services.TrainingError, match="only for a completed training"):
        services.certificate_remake(enrollment=unfinished)
    done = EnrollmentFactory(status=Enrollment.Status.COMPLETED, completed_on="2026-01-15")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.certificate_remake(enrollment=done)
    assert queued == []  # nothing before the commit
    for callback in callbacks:
        callback()
    assert queued == [done.pk]
    assert not Certificate.objects.exists()
