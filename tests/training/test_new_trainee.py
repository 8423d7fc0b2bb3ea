"""A new trainee: the consent given on the application carries over (no second request for the
same privacy-notice version), and the start page shows the coming training and supervision."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from expertbank.models import Message
from experts.models import ConsentRecord, PrivacyNotice
from experts.services import consent_requests_send, current_consent
from tests.bookings.test_matching import count_queries
from tests.factories import ExpertFactory
from tests.training.factories import (
    ApplicationFactory,
    CohortFactory,
    EnrollmentFactory,
    OpenCohortFactory,
    SessionFactory,
    programme,
)
from training.services import application_accept

pytestmark = pytest.mark.django_db


def _accepted(coordinator, **application):
    application = ApplicationFactory(**application)
    enrollment = application_accept(application=application, by=coordinator)
    user = enrollment.expert.user
    user.set_password("uusi-salasana-2026")  # the invitation was used
    user.save()
    return application, enrollment.expert


def test_the_applications_consent_carries_over_and_nobody_asks_again(
    client, coordinator, run_on_commit
):
    consented_at = timezone.now() - timedelta(days=12)
    application, expert = _accepted(coordinator, consented_at=consented_at)
    record = current_consent(expert)
    assert record is not None
    assert (record.notice, record.given_at, record.on_paper) == (
        application.notice,
        consented_at,
        False,
    )
    with run_on_commit():
        assert consent_requests_send() == 0
    assert not Message.objects.filter(kind="consent_request").exists()
    client.force_login(expert.user)
    page = client.get(reverse("experts:portal_home")).content.decode()
    assert "Give your consent" not in page
    assert "Your consent is missing" not in page
    assert "You have given your consent." in page


def test_a_newer_notice_than_the_applications_is_still_asked_for(coordinator, run_on_commit):
    application, expert = _accepted(coordinator)
    assert ConsentRecord.objects.filter(expert=expert, notice=application.notice).exists()
    PrivacyNotice.objects.create(version="2026-12", published_on=timezone.localdate())
    assert current_consent(expert) is None
    with run_on_commit():
        assert consent_requests_send() == 1
    assert Message.objects.get(kind="consent_request").recipient == expert.user


def test_a_consent_withdrawn_after_the_application_stays_withdrawn(coordinator):
    expert = ExpertFactory()
    notice = PrivacyNotice.current()
    applied = timezone.now() - timedelta(days=3)
    ConsentRecord.objects.create(
        expert=expert, notice=notice, withdrawn_at=applied + timedelta(days=1)
    )
    application = ApplicationFactory(email=expert.user.email, consented_at=applied)
    application_accept(application=application, by=coordinator)
    assert current_consent(expert) is None


# --- The start page ------------------------------------------------------------------------------


def _soon(days: int, hour: int = 13):
    moment = timezone.localtime() + timedelta(days=days)
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0)


def test_the_start_page_shows_the_coming_training_sessions_and_supervision(client, coordinator):
    _application, expert = _accepted(coordinator, cohort=OpenCohortFactory(name="Syksyn ryhmä"))
    cohort = expert.training_enrollments.get().cohort
    SessionFactory(cohort=cohort, starts_at=_soon(5), topic="Oma tarina ja rajat")
    SessionFactory(cohort=cohort, starts_at=_soon(6), topic="Peruttu kerta", cancelled=True)
    SessionFactory(cohort=cohort, starts_at=_soon(-6), topic="Mennyt kerta")
    group = CohortFactory(programme=programme("supervision"), name="Työnohjausryhmä A")
    EnrollmentFactory(cohort=group, expert=expert)
    SessionFactory(cohort=group, starts_at=_soon(9), topic="Työnohjaus", place="Kirjasto")
    SessionFactory(cohort=CohortFactory(name="Muiden ryhmä"), starts_at=_soon(4), topic="Vieras")
    client.force_login(expert.user)
    page = client.get(reverse("experts:portal_home")).content.decode()
    assert "Training and supervision coming" in page
    for text in ("Oma tarina ja rajat", "Syksyn ryhmä", "Työnohjausryhmä A", "Kirjasto"):
        assert text in page
    assert "work supervision" in page
    assert page.index("Oma tarina ja rajat") < page.index("Työnohjausryhmä A")
    for text in ("Peruttu kerta", "Mennyt kerta", "Vieras", "Muiden ryhmä"):
        assert text not in page
    assert reverse("training:my_training") in page


def test_without_coming_sessions_there_is_no_training_panel(client):
    expert = ExpertFactory()
    client.force_login(expert.user)
    page = client.get(reverse("experts:portal_home")).content.decode()
    assert "Training and supervision coming" not in page


def test_the_training_panel_takes_the_same_queries_for_one_and_many_sessions(client):
    expert = ExpertFactory()
    cohort = CohortFactory()
    EnrollmentFactory(cohort=cohort, expert=expert)
    SessionFactory(cohort=cohort, starts_at=_soon(3))
    client.force_login(expert.user)
    client.get(reverse("experts:portal_home"))
    one, _response = count_queries(client.get, reverse("experts:portal_home"))
    for day in range(4, 10):
        group = CohortFactory(programme=programme("supervision"))
        EnrollmentFactory(cohort=group, expert=expert)
        SessionFactory(cohort=group, starts_at=_soon(day))
    many, response = count_queries(client.get, reverse("experts:portal_home"))
    assert many == one
    assert "All your sessions and trainings" in response.content.decode()
