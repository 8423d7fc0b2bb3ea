"""The period and the filters every dashboard and report is computed over."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.formats import date_format

from bookings.models import Booking, Organisation
from experts.models import ExperienceArea


@dataclass(frozen=True)
class Period:
    """Whole days from ``start`` to ``end``, both included, in the site's time zone."""

    start: date
    end: date

    @classmethod
    def month_of(cls, day: date) -> Period:
        first = day.replace(day=1)
        following = (first + timedelta(days=32)).replace(day=1)
        return cls(first, following - timedelta(days=1))

    @classmethod
    def last_twelve_months(cls, today: date) -> Period:
        """The current month and the eleven before it."""
        first = today.replace(day=1)
        year, month = (first.year - 1, first.month + 1) if first.month < 12 else (first.year, 1)
        return cls(date(year, month, 1), cls.month_of(today).end)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        """The period of the same length just before this one (for a trend)."""
        end = self.start - timedelta(days=1)
        return Period(end - timedelta(days=self.days - 1), end)

    def since(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.start, time.min))

    def until(self) -> datetime:
        """The first moment after the period."""
        return timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min))

    def moments(self, field: str) -> Q:
        """``field`` (a date-time) falls in the period."""
        return Q(**{f"{field}__gte": self.since(), f"{field}__lt": self.until()})

    def dates(self, field: str) -> Q:
        """``field`` (a date) falls in the period."""
        return Q(**{f"{field}__gte": self.start, f"{field}__lte": self.end})

    def months(self) -> list[tuple[int, int]]:
        """(year, month) of every month the period touches, in order."""
        months, year, month = [], self.start.year, self.start.month
        while (year, month) <= (self.end.year, self.end.month):
            months.append((year, month))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return months

    def __str__(self) -> str:
        start, end = (date_format(d, "SHORT_DATE_FORMAT") for d in (self.start, self.end))
        return f"{start}–{end}"


@dataclass(frozen=True)
class Scope:
    """The period and the optional filters: organisation, experience area, municipality.

    The organisation and area narrow the bookings; the municipality is the expert's (a gig's
    place is free text, an expert's municipality is a field).
    """

    period: Period
    organisation: Organisation | None = None
    area: ExperienceArea | None = None
    municipality: str = ""

    def bookings_q(self, prefix: str = "") -> Q:
        """The organisation and area filters on the booking at ``prefix`` (``booking__``)."""
        q = Q()
        if self.organisation is not None:
            q &= Q(**{f"{prefix}unit__organisation": self.organisation})
        if self.area is not None:
            booking_ref = f"{prefix}pk" if prefix else "pk"
            q &= Q(
                Exists(
                    Booking.areas.through.objects.filter(
                        booking_id=OuterRef(booking_ref), experiencearea_id=self.area.pk
                    )
                )
            )
        return q

    def experts_q(self, prefix: str = "") -> Q:
        """The municipality filter on the expert at ``prefix`` (``expert__``)."""
        if not self.municipality:
            return Q()
        return Q(**{f"{prefix}municipality__iexact": self.municipality})

    def with_period(self, period: Period) -> Scope:
        return Scope(period, self.organisation, self.area, self.municipality)

    @property
    def narrowed(self) -> bool:
        return bool(self.organisation or self.area or self.municipality)
