from datetime import date

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from expertbank.demo import DEMO_DOMAIN
from expertbank.models import AuditEntry, Message, User
from experts.models import Expert
from tests.factories import ExpertFactory, UserFactory
from training.demo import FINISHED, OPEN, RUNNING, SUPERVISION_GROUPS
from training.models import (
    Application,
    Attendance,
    Certificate,
    Cohort,
    Enrollment,
    EnrollmentStatusChange,
    Session,
)
from training.selectors import supervision_overdue

pytestmark = pytest.mark.django_db

MODELS = (
    Cohort,
    Session,
    Enrollment,
    EnrollmentStatusChange,
    Attendance,
    Application,
    Certificate,
    Expert,
    User,
    Message,
    AuditEntry,
)


def _counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def test_the_demo_is_believable_and_a_second_run_changes_nothing(client, run_on_commit):
    with run_on_commit():
        call_command("seed_demo", verbosity=0)
    first = _counts()
    call_command("seed_demo", verbosity=0)
    assert _counts() == first

    finished = Cohort.objects.get(name=FINISHED)
    graduates = finished.enrollments.filter(status="completed").select_related("expert__user")
    emails = {e.expert.user.email for e in graduates}
    assert f"asiantuntija@{DEMO_DOMAIN}" in emails
    assert all(finished.ends_on <= e.expert.certified_on for e in graduates)
    assert Certificate.objects.filter(enrollment__in=graduates).count() == len(graduates)
    assert finished.enrollments.filter(status="dropped").exists()

    running = Cohort.objects.get(name=RUNNING)
    trainer = User.objects.get(email=f"kouluttaja@{DEMO_DOMAIN}")
    assert trainer in running.trainers.all()
    assert Attendance.objects.filter(session__cohort=running).exists()
    assert running.sessions.filter(starts_at__date=timezone.localdate()).exists()

    assert Application.objects.filter(cohort__name=OPEN, status__in=["received", "interview"])
    for name, _place in SUPERVISION_GROUPS:
        assert Cohort.objects.filter(name=name, programme__kind="supervision").exists()
    assert f"mikko.makinen@{DEMO_DOMAIN}" in {e.user.email for e in supervision_overdue()}

    client.force_login(trainer)
    home = client.get(reverse("training:home")).content.decode()
    assert running.sessions.get(starts_at__date=timezone.localdate()).topic in home


def test_the_demo_keeps_a_certification_and_status_set_before_it():
    user = UserFactory(email=f"sari.koskinen@{DEMO_DOMAIN}", full_name="Sari Koskinen")
    ExpertFactory(user=user, certified_on=date(2019, 5, 1), status=Expert.Status.PAUSED)
    call_command("seed_demo", verbosity=0)
    sari = Expert.objects.get(user=user)
    assert (sari.certified_on, sari.status) == (date(2019, 5, 1), Expert.Status.PAUSED)
    finished = Cohort.objects.get(name=FINISHED)
    assert finished.enrollments.get(expert=sari).status == Enrollment.Status.COMPLETED
    assert finished.ends_on == date(2019, 5, 1)  # nobody is certified before finishing
