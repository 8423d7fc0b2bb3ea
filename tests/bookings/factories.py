"""Factories and builders for the booking tests. Bookings are made through the services, so
every test starts from a state the lifecycle can really reach."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from bookings import services
from bookings.models import Booking, FundingSource, PriceList, PriceRow, PriceUnit
from experts.models import (
    AreaDisclosure,
    AvailabilitySlot,
    BookerKind,
    ConsentRecord,
    ExperienceArea,
    Expert,
    Language,
    PrivacyNotice,
    WorkKind,
)
from tests.factories import ExpertFactory, MembershipFactory, UserFactory


def work_kind(code: str = "talk") -> WorkKind:
    return WorkKind.objects.get(code=code)


def at(days: int, hour: int = 10, minute: int = 0) -> datetime:
    """A local time ``days`` from today."""
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


class PriceListFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PriceList

    name = factory.Sequence(lambda n: f"Hinnasto {n}")


class PriceRowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PriceRow

    price_list = factory.SubFactory(PriceListFactory)
    work_kind = factory.LazyFunction(work_kind)
    valid_from = date(2020, 1, 1)
    client_price = Decimal("350.00")
    client_unit = PriceUnit.PER_GIG
    expert_fee = Decimal("200.00")
    fee_unit = PriceUnit.PER_GIG
    notice_days = 7
    client_cancellation_fee = Decimal("175.00")
    expert_cancellation_fee = Decimal("100.00")
    vat_rate = Decimal("25.50")


class FundingSourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FundingSource

    name = factory.Sequence(lambda n: f"Hanke {n}")
    budget = Decimal("10000.00")
    valid_from = date(2020, 1, 1)


def bookable_expert(*, areas=(), languages=("fi",), slots=True, disclose=True, **kwargs) -> Expert:
    """An expert who passes every hard filter: certified, active, consenting, free all week,
    showing their areas to every kind of booker (``disclose=False`` to set that up oneself)."""
    kwargs.setdefault("user", UserFactory(language="en"))
    expert = ExpertFactory(certified_on=date(2020, 1, 1), **kwargs)
    notice = PrivacyNotice.current() or PrivacyNotice.objects.create(
        version="test", published_on=date(2020, 1, 1)
    )
    ConsentRecord.objects.create(expert=expert, notice=notice)
    expert.languages.set(Language.objects.filter(code__in=languages))
    expert.areas.set(ExperienceArea.objects.filter(slug__in=areas))
    AreaDisclosure.objects.bulk_create(
        AreaDisclosure(expert=expert, area=area, booker_kind=kind)
        for area in expert.areas.all()
        for kind in BookerKind.values
        if disclose
    )
    if slots:
        AvailabilitySlot.objects.bulk_create(
            AvailabilitySlot(expert=expert, weekday=day, start=time(0), end=time(23, 59))
            for day in range(7)
        )
    return expert


def member(**kwargs):
    """A booking-unit member who reads the site in English."""
    kwargs.setdefault("user", UserFactory(language="en"))
    return MembershipFactory(**kwargs).user


def request_booking(*, by=None, times=None, experts: int = 1, **kwargs) -> Booking:
    by = by or member()
    unit = kwargs.pop("unit", None) or by.memberships.first().unit
    times = times or [(at(20, 10), at(20, 12))]
    kind = kwargs.pop("kind", Booking.Kind.ONE_OFF if len(times) == 1 else Booking.Kind.SERIES)
    return services.booking_request(
        unit=unit,
        by=by,
        title=kwargs.pop("title", "Puheenvuoro"),
        work_kind=kwargs.pop("work_kind", None) or work_kind(),
        times=times,
        kind=kind,
        place=kwargs.pop("place", "Kielotie 13, Vantaa"),
        experts_wanted=experts,
        language=kwargs.pop("language", Language.objects.get(code="fi")),
        **kwargs,
    )


def offer(booking: Booking, experts, *, by=None, answer_by=None):
    from tests.factories import CoordinatorFactory

    return services.booking_offer(
        booking=booking,
        experts=experts,
        answer_by=answer_by or timezone.now() + timedelta(days=2),
        by=by or CoordinatorFactory(),
    )


def staffed(booking: Booking, experts, *, by=None):
    """Offer the booking to ``experts`` and have each accept."""
    assignments = offer(booking, experts, by=by)
    for assignment in assignments:
        services.assignment_accept(assignment=assignment, by=assignment.expert.user)
    return assignments


def confirmed(*, experts=None, coordinator=None, **kwargs) -> Booking:
    from tests.factories import CoordinatorFactory

    coordinator = coordinator or CoordinatorFactory()
    experts = experts or [bookable_expert()]
    booking = request_booking(experts=len(experts), **kwargs)
    staffed(booking, experts, by=coordinator)
    return services.booking_confirm(booking=booking, by=coordinator)
