"""Cohorts are created and edited from the coordinator's training pages, and their sessions are
added from the cohort's page, not only in the admin."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import CoordinatorFactory, ExpertFactory, TrainerFactory
from tests.training.factories import CohortFactory, EnrollmentFactory, programme
from training.models import Cohort, Enrollment, Programme, Session

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(client, english_pages):
    client.force_login(CoordinatorFactory(language="en"))
    return client


def _cohort_data(**changes) -> dict:
    today = timezone.localdate()
    return {
        "programme": programme().pk,
        "name": "Peruskoulutus kevät",
        "name_sv": "Grundutbildning våren",
        "name_en": "Basic training, spring",
        "starts_on": (today + timedelta(days=30)).isoformat(),
        "ends_on": (today + timedelta(days=120)).isoformat(),
        "place": "Järjestötalo, Vantaa",
        "description": "Kymmenen kertaa keskiviikkoisin.",
        "capacity": "16",
        "open_for_applications": "on",
        "application_deadline": (today + timedelta(days=14)).isoformat(),
        **changes,
    }


def test_a_coordinator_creates_a_cohort_and_then_adds_its_first_session(desk):
    trainer = TrainerFactory()
    overview = desk.get(reverse("training_coordinator:overview")).content.decode()
    assert reverse("training_coordinator:cohort_create") in overview
    response = desk.post(
        reverse("training_coordinator:cohort_create"), _cohort_data(trainers=[trainer.pk])
    )
    cohort = Cohort.objects.get(name="Peruskoulutus kevät")
    assert response.url == reverse("training:cohort_detail", args=[cohort.pk])
    assert (cohort.capacity, cohort.name_en, list(cohort.trainers.all())) == (
        16,
        "Basic training, spring",
        [trainer],
    )
    page = desk.get(response.url).content.decode()
    assert reverse("training:session_create", args=[cohort.pk]) in page
    assert reverse("training_coordinator:cohort_edit", args=[cohort.pk]) in page
    starts = timezone.localtime() + timedelta(days=31)
    response = desk.post(
        reverse("training:session_create", args=[cohort.pk]),
        {
            "topic": "Oma tarina",
            "starts_at": starts.strftime("%Y-%m-%dT10:00"),
            "ends_at": starts.strftime("%Y-%m-%dT13:00"),
            "place": "Järjestötalo",
        },
    )
    assert response.status_code == 302
    assert Session.objects.get(cohort=cohort).topic == "Oma tarina"


def test_a_cohort_is_edited(desk):
    cohort = CohortFactory(name="Vanha", capacity=10)
    response = desk.post(
        reverse("training_coordinator:cohort_edit", args=[cohort.pk]),
        _cohort_data(name="Uusi", capacity="12"),
    )
    assert response.status_code == 302
    cohort.refresh_from_db()
    assert (cohort.name, cohort.capacity) == ("Uusi", 12)


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"ends_on": "2020-01-01"}, "The cohort cannot end before it starts."),
        ({"application_deadline": "2099-01-01"}, "The application deadline must be before"),
        ({"starts_on": "9999-01-01"}, "Enter a date between"),
        ({"programme": "99999999999999999999"}, "Select a valid choice"),
        ({"capacity": "0"}, "greater than or equal to 1"),
        ({"name": ""}, "This field is required."),
    ],
)
def test_a_bad_cohort_is_the_forms_error_and_changes_nothing(desk, changes, error):
    cohort = CohortFactory(name="Ennallaan")
    before = Cohort.objects.values().get(pk=cohort.pk)
    response = desk.post(
        reverse("training_coordinator:cohort_edit", args=[cohort.pk]), _cohort_data(**changes)
    )
    assert response.status_code == 200
    assert error in response.content.decode()
    assert Cohort.objects.values().get(pk=cohort.pk) == before


def test_the_capacity_never_drops_below_the_participants_and_the_programme_stays(desk):
    cohort = CohortFactory(capacity=5)
    for _ in range(3):
        EnrollmentFactory(
            cohort=cohort, expert=ExpertFactory(), status=Enrollment.Status.IN_PROGRESS
        )
    other = Programme.objects.exclude(pk=cohort.programme_id).first()
    url = reverse("training_coordinator:cohort_edit", args=[cohort.pk])
    response = desk.post(url, _cohort_data(capacity="2", programme=other.pk))
    assert "The capacity cannot be lower than that." in response.content.decode()
    desk.post(url, _cohort_data(capacity="4", programme=other.pk))
    cohort.refresh_from_db()
    assert cohort.capacity == 4
    assert cohort.programme_id != other.pk


@pytest.mark.parametrize("name", ["cohort_create", "cohort_edit"])
def test_trainers_experts_and_units_are_refused(client, name):
    from tests.bookings.factories import member

    cohort = CohortFactory()
    args = [cohort.pk] if name == "cohort_edit" else []
    url = reverse(f"training_coordinator:{name}", args=args)
    for user in (TrainerFactory(), ExpertFactory().user, member()):
        client.force_login(user)
        assert client.get(url).status_code == 403
        assert client.post(url, _cohort_data(name="Murto")).status_code == 403
    assert not Cohort.objects.filter(name="Murto").exists()
