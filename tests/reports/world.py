"""A small known world for the report tests: gigs written straight into the tables (past
dates, reported hours, fees paid), so each aggregate has a number to be checked against."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from bookings.models import Assignment, Booking, Gig, GigReport, Occurrence
from experts.models import ExperienceArea, WorkKind


def moment(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def add_gig(
    *,
    expert,
    unit,
    day: date,
    hours: int = 2,
    reported: Decimal | None = None,
    status: str = Gig.Status.APPROVED,
    fee: Decimal = Decimal("200.00"),
    paid_on: date | None = None,
    audience_size: int | None = None,
    areas: tuple[str, ...] = (),
    funding=None,
    work_kind: str = "talk",
    hour: int = 10,
    created: datetime | None = None,
) -> Gig:
    if paid_on is not None:
        status = Gig.Status.PAID  # the database allows a payment date only on a paid gig
    start = moment(day, hour)
    end = start + timedelta(hours=hours)
    booking = Booking.objects.create(
        title="Puheenvuoro",
        unit=unit,
        place="Kielotie 13, Vantaa",
        work_kind=WorkKind.objects.get(code=work_kind),
        status=Booking.Status.DELIVERED,
        audience_size=audience_size,
        funding_source=funding,
        first_start=start,
        last_end=end,
        created_at=created or start - timedelta(days=10),
    )
    if areas:
        booking.areas.set(ExperienceArea.objects.filter(slug__in=areas))
    occurrence = Occurrence.objects.create(booking=booking, start=start, end=end)
    assignment = Assignment.objects.create(
        booking=booking,
        expert=expert,
        status=Assignment.Status.ACCEPTED,
        answer_by=start - timedelta(days=5),
        offered_at=start - timedelta(days=9),
        answered_at=start - timedelta(days=8),
    )
    gig = Gig.objects.create(
        booking=booking,
        assignment=assignment,
        occurrence=occurrence,
        expert=expert,
        start=start,
        end=end,
        busy_until=end,
        status=status,
        fee_amount=fee,
        paid_on=paid_on,
    )
    if reported is not None:
        GigReport.objects.create(gig=gig, hours=reported)
    return gig
