"""Factories for training models. Programmes come from the data migration (basic, follow-up,
supervision) so that tests use the rules a bank starts with."""

from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone

from experts.models import PrivacyNotice
from tests.factories import ExpertFactory
from training.models import Application, Attendance, Cohort, Enrollment, Programme, Session


def programme(code: str = "basic") -> Programme:
    return Programme.objects.get(code=code)


class CohortFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cohort
        skip_postgeneration_save = True

    programme = factory.LazyFunction(programme)
    name = factory.Sequence(lambda n: f"Peruskoulutus {n}")
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=30))
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=60))
    place = "Järjestötalo, Vantaa"
    capacity = 20

    @factory.post_generation
    def trainers(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.trainers.add(*extracted)


class OpenCohortFactory(CohortFactory):
    starts_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=40))
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=140))
    open_for_applications = True
    application_deadline = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=20))


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    cohort = factory.SubFactory(CohortFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=7))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=4))
    topic = factory.Sequence(lambda n: f"Aihe {n}")
    place = "Järjestötalo"


class EnrollmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrollment

    cohort = factory.SubFactory(CohortFactory)
    expert = factory.SubFactory(ExpertFactory)
    status = Enrollment.Status.IN_PROGRESS


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attendance

    session = factory.SubFactory(SessionFactory)
    enrollment = factory.SubFactory(EnrollmentFactory)
    status = Attendance.Status.PRESENT


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application
        skip_postgeneration_save = True

    cohort = factory.SubFactory(OpenCohortFactory)
    full_name = factory.Faker("name", locale="fi_FI")
    email = factory.Sequence(lambda n: f"hakija{n}@example.net")
    phone = "040 123 4567"
    municipality = "Vantaa"
    motivation = "Haluan auttaa muita."
    availability = Application.Availability.ALL
    language = "fi"
    notice = factory.LazyFunction(PrivacyNotice.current)
    consented_at = factory.LazyFunction(timezone.now)
