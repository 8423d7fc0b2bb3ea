"""When an expert can work: weekly times, unavailable days and limits.

The expert keeps these up to date; matching reads them. Times on one weekday may not overlap and
unavailable days may not overlap each other, so every list the expert sees stays readable.
"""

from __future__ import annotations

from datetime import date, time, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from expertbank.models import User
from experts.models import AvailabilitySlot, Blackout, Expert
from experts.services.pool import ExpertError, expert_update_impl

# Longest single stretch of unavailable days; longer breaks are a status change (paused).
BLACKOUT_MAX_DAYS = 366


def _lock(expert: Expert) -> Expert:
    return Expert.objects.select_for_update().get(pk=expert.pk)


def slot_check(*, expert: Expert, weekday: int, start: time, end: time) -> None:
    """A weekly time is on a weekday, ends after it starts and overlaps no other time of the
    expert on that day."""
    if weekday not in AvailabilitySlot.Weekday.values:
        raise ExpertError(_("Choose a weekday."))
    if end <= start:
        raise ExpertError(_("The time must end after it starts."))
    clash = expert.slots.filter(weekday=weekday, start__lt=end, end__gt=start).first()
    if clash is not None:
        raise ExpertError(
            _("This overlaps with a time you already have: %(slot)s. Remove that first.")
            % {"slot": clash}
        )


def slot_add_impl(
    *, expert: Expert, by: User | None, weekday: int, start: time, end: time
) -> AvailabilitySlot:
    """``slot_add`` inside the caller's transaction (the admin, demo data)."""
    expert = _lock(expert)
    slot_check(expert=expert, weekday=weekday, start=start, end=end)
    return AvailabilitySlot.objects.create(expert=expert, weekday=weekday, start=start, end=end)


@transaction.atomic(durable=True)
def slot_add(
    *, expert: Expert, by: User | None, weekday: int, start: time, end: time
) -> AvailabilitySlot:
    """Add a weekly time; it must end after it starts and not overlap another on that day."""
    return slot_add_impl(expert=expert, by=by, weekday=weekday, start=start, end=end)


def slot_remove_impl(*, slot: AvailabilitySlot, by: User | None) -> None:
    """``slot_remove`` inside the caller's transaction (the admin)."""
    _lock(slot.expert)
    AvailabilitySlot.objects.filter(pk=slot.pk).delete()


@transaction.atomic(durable=True)
def slot_remove(*, slot: AvailabilitySlot, by: User | None) -> None:
    """Remove a weekly time."""
    slot_remove_impl(slot=slot, by=by)


def blackout_check(*, expert: Expert, start: date, end: date) -> None:
    """Unavailable days are not in the past, last at most a year, and overlap no other
    unavailable days of the expert."""
    if end < start:
        raise ExpertError(_("The last day cannot be before the first day."))
    if end < timezone.localdate():
        raise ExpertError(_("These days are already in the past."))
    if (end - start) > timedelta(days=BLACKOUT_MAX_DAYS):
        raise ExpertError(
            _("At most a year at a time. For a longer break, ask your coordinator to pause you.")
        )
    clash = expert.blackouts.filter(start__lte=end, end__gte=start).first()
    if clash is not None:
        raise ExpertError(
            _("You already have unavailable days %(start)s–%(end)s. Remove them first.")
            % {
                "start": date_format(clash.start, "SHORT_DATE_FORMAT"),
                "end": date_format(clash.end, "SHORT_DATE_FORMAT"),
            }
        )


def blackout_add_impl(
    *, expert: Expert, by: User | None, start: date, end: date, note: str = ""
) -> Blackout:
    """``blackout_add`` inside the caller's transaction (the admin, demo data)."""
    expert = _lock(expert)
    blackout_check(expert=expert, start=start, end=end)
    return Blackout.objects.create(expert=expert, start=start, end=end, note=note)


@transaction.atomic(durable=True)
def blackout_add(
    *, expert: Expert, by: User | None, start: date, end: date, note: str = ""
) -> Blackout:
    """Add days the expert cannot work. Not in the past, at most a year, no overlaps."""
    return blackout_add_impl(expert=expert, by=by, start=start, end=end, note=note)


def blackout_remove_impl(*, blackout: Blackout, by: User | None) -> None:
    """``blackout_remove`` inside the caller's transaction (the admin)."""
    _lock(blackout.expert)
    Blackout.objects.filter(pk=blackout.pk).delete()


@transaction.atomic(durable=True)
def blackout_remove(*, blackout: Blackout, by: User | None) -> None:
    """Remove unavailable days."""
    blackout_remove_impl(blackout=blackout, by=by)


@transaction.atomic(durable=True)
def availability_limits_set(
    *,
    expert: Expert,
    by: User | None,
    max_gigs_per_month: int | None,
    rest_days_after_heavy: int,
) -> Expert:
    """How many gigs a month at most (at least one, or no limit), and rest days after a gig on
    a heavy theme."""
    return expert_update_impl(
        expert=expert,
        by=by,
        max_gigs_per_month=max_gigs_per_month,
        rest_days_after_heavy=rest_days_after_heavy,
    )
