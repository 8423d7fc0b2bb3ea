"""Reads of the coordinator's register: organisations with their units, price lists with their
dated versions, funding sources with their use. Each list costs the same few queries for one row
or fifty."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Max, Q, QuerySet

from bookings.models import Booking, Organisation, PriceList, PriceRow


def organisation_list() -> QuerySet[Organisation]:
    return Organisation.objects.annotate(
        unit_count=Count("units", distinct=True),
        active_unit_count=Count("units", filter=Q(units__active=True), distinct=True),
        open_count=Count(
            "units__bookings", filter=Q(units__bookings__status__in=Booking.OPEN), distinct=True
        ),
    ).order_by("-active", "name", "pk")


def price_list_list() -> QuerySet[PriceList]:
    return (
        PriceList.objects.select_related("organisation")
        .annotate(
            version_count=Count("rows__valid_from", distinct=True),
            latest_version=Max("rows__valid_from"),
        )
        .order_by("-active", "organisation__name", "name", "pk")
    )


@dataclass
class PriceVersion:
    """The rows of a price list that start on one day."""

    valid_from: date
    rows: list[PriceRow] = field(default_factory=list)

    @property
    def used(self) -> int:
        return sum(row.used for row in self.rows)

    @property
    def valid_until(self) -> date | None:
        ends = {row.valid_until for row in self.rows}
        return None if None in ends else max(ends)


def price_list_versions(price_list: PriceList) -> list[PriceVersion]:
    """The list's versions, newest first; each row says how many bookings took its terms."""
    rows = (
        PriceRow.objects.filter(price_list=price_list)
        .select_related("work_kind")
        .annotate(used=Count("booking_terms"))
        .order_by("-valid_from", "work_kind__order", "work_kind_id")
    )
    versions: dict[date, PriceVersion] = {}
    for row in rows:
        versions.setdefault(row.valid_from, PriceVersion(row.valid_from)).rows.append(row)
    return list(versions.values())


def price_rows_latest(price_list: PriceList) -> dict[int, PriceRow]:
    """Per kind of work, the list's latest row that has not ended: what a new version starts
    from."""
    latest: dict[int, PriceRow] = {}
    for row in PriceRow.objects.filter(price_list=price_list, valid_until__isnull=True).order_by(
        "work_kind_id", "-valid_from"
    ):
        latest.setdefault(row.work_kind_id, row)
    return latest
