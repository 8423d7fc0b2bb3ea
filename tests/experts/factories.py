"""Factories for the expert pool (the shared ones are in tests/factories.py)."""

from __future__ import annotations

from datetime import date, time, timedelta

import factory
from django.utils import timezone

from experts.models import (
    AvailabilitySlot,
    Blackout,
    ConsentRecord,
    ExperienceArea,
    Expert,
    ExpertDocument,
    Language,
    PrivacyNotice,
)
from tests.factories import ExpertFactory

# Valid personal identity codes and IBANs (check characters right, people made up).
GOOD_CODES = ["131052-308T", "150385-246Y", "020202A123C"]
GOOD_IBANS = ["FI4950009420028730", "FI2112345600000785"]


def current_notice() -> PrivacyNotice:
    notice = PrivacyNotice.current()
    if notice is None:
        notice = PrivacyNotice.objects.create(version="test", published_on=date(2020, 1, 1))
    return notice


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExpertDocument

    expert = factory.SubFactory(ExpertFactory)
    kind = ExpertDocument.Kind.CRIMINAL_RECORD
    valid_until = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=300))
    dated = factory.LazyAttribute(
        lambda doc: min(
            timezone.localdate() - timedelta(days=30),
            (doc.valid_until or timezone.localdate()) - timedelta(days=365),
        )
    )


class SlotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AvailabilitySlot

    expert = factory.SubFactory(ExpertFactory)
    weekday = 0
    start = time(9)
    end = time(15)


class BlackoutFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Blackout

    expert = factory.SubFactory(ExpertFactory)
    start = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=1))
    end = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=5))


class ConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConsentRecord

    expert = factory.SubFactory(ExpertFactory)
    notice = factory.LazyFunction(current_notice)


def bookable_expert(**kwargs) -> Expert:
    """An active, certified expert with consent to the current privacy notice."""
    kwargs.setdefault("certified_on", timezone.localdate() - timedelta(days=100))
    expert = ExpertFactory(**kwargs)
    ConsentFactory(expert=expert)
    return expert


def area(slug: str = "substance-use") -> ExperienceArea:
    return ExperienceArea.objects.get(slug=slug)


def language(code: str = "fi") -> Language:
    return Language.objects.get(code=code)
