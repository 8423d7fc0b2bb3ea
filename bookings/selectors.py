"""Reads with rules in them: the terms in force, prices, lateness, who may be offered a booking,
who sees which bookings, and the coordinator's work queue. Candidate selection lives here so the
matching issue can grow it (ranking, reasons) without touching the services."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings.models import (
    Assignment,
    Booking,
    FundingSource,
    Gig,
    Membership,
    Occurrence,
    PriceRow,
    PriceUnit,
    Unit,
    money,
)
from expertbank.models import User
from expertbank.roles import GROUP_ROLES, Role
from experts.models import AvailabilitySlot, Blackout, Expert

# --- Time ---------------------------------------------------------------------------------------


def travel_buffer() -> timedelta:
    """The time an expert needs between two gigs (setting GIG_TRAVEL_BUFFER_MINUTES)."""
    return timedelta(minutes=settings.GIG_TRAVEL_BUFFER_MINUTES)


def clash_q(start: datetime, end: datetime, buffer: timedelta | None = None) -> Q:
    """Gigs whose busy range ``[start, busy_until)`` meets ``[start, end + buffer)``.

    Each live gig keeps the buffer after its end, so two gigs clash exactly when the gap between
    them is shorter than the buffer, whichever comes first.
    """
    buffer = travel_buffer() if buffer is None else buffer
    return Q(start__lt=end + buffer, busy_until__gt=start)


def clashing_gigs(
    *, expert_id: int, times: Iterable[tuple[datetime, datetime]], exclude_ids: Iterable[int] = ()
) -> QuerySet[Gig]:
    """The expert's live gigs that clash with any of ``times``."""
    condition = Q()
    for start, end in times:
        condition |= clash_q(start, end)
    if not condition:
        return Gig.objects.none()
    return (
        Gig.objects.filter(condition, expert_id=expert_id, status__in=Gig.LIVE)
        .exclude(pk__in=list(exclude_ids))
        .order_by("start")
    )


def times_clash(times: Sequence[tuple[datetime, datetime]]) -> bool:
    """True if two of ``times`` overlap or come closer than the travel buffer."""
    buffer = travel_buffer()
    latest_end: datetime | None = None
    for start, end in sorted(times):
        if latest_end is not None and start < latest_end + buffer:
            return True
        latest_end = end if latest_end is None else max(latest_end, end)
    return False


# --- Terms and money ------------------------------------------------------------------------------


def price_row_for(*, organisation_id: int, work_kind_id: int, day: date) -> PriceRow | None:
    """The price row in force on ``day``: the organisation's own list first, then the general."""
    return (
        PriceRow.objects.filter(
            Q(price_list__organisation_id=organisation_id)
            | Q(price_list__organisation__isnull=True),
            work_kind_id=work_kind_id,
            price_list__active=True,
            valid_from__lte=day,
        )
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day))
        .select_related("price_list", "work_kind")
        .order_by(F("price_list__organisation_id").desc(nulls_last=True), "-valid_from", "-pk")
        .first()
    )


def booking_terms(booking: Booking) -> PriceRow | None:
    """The terms of ``booking``: the row in force on its first date."""
    day = timezone.localdate(booking.first_start) if booking.first_start else timezone.localdate()
    return price_row_for(
        organisation_id=booking.unit.organisation_id, work_kind_id=booking.work_kind_id, day=day
    )


def terms_in_force(*, organisation_id: int, day: date) -> list[PriceRow]:
    """One row per kind of work in force on ``day`` for this organisation (for the request form)."""
    rows = (
        PriceRow.objects.filter(
            Q(price_list__organisation_id=organisation_id)
            | Q(price_list__organisation__isnull=True),
            price_list__active=True,
            valid_from__lte=day,
            work_kind__active=True,
        )
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day))
        .select_related("work_kind", "price_list")
        .order_by(
            "work_kind__order",
            "work_kind_id",
            F("price_list__organisation_id").desc(nulls_last=True),
            "-valid_from",
        )
    )
    chosen: dict[int, PriceRow] = {}
    for row in rows:
        chosen.setdefault(row.work_kind_id, row)
    return list(chosen.values())


def hours_between(start: datetime, end: datetime) -> Decimal:
    return Decimal((end - start).total_seconds()) / Decimal(3600)


def gig_fee(
    row: PriceRow | None,
    *,
    start: datetime,
    end: datetime,
    expert: Expert,
    hours: Decimal | None = None,
    preparation_hours: Decimal | None = None,
) -> Decimal:
    """The expert's fee for one gig under ``row``: per gig, or per hour with preparation hours.

    Per hour: rate × (max(hours, minimum hours) + paid preparation hours). When a gig is planned
    the hours are its scheduled length and the row's preparation hours are counted in full; when
    a report is approved ``hours`` are the reported hours and ``preparation_hours`` the reported
    preparation, paid up to the row's preparation hours. An expert who takes expenses only has a
    zero fee. Without terms the fee is zero and the coordinator sets it.
    """
    if row is None or expert.expenses_only:
        return money(0)
    if row.fee_unit == PriceUnit.PER_GIG:
        return money(row.expert_fee)
    worked = hours_between(start, end) if hours is None else hours
    paid_preparation = (
        row.preparation_hours
        if preparation_hours is None
        else min(preparation_hours, row.preparation_hours)
    )
    return money(row.expert_fee * (max(worked, row.minimum_hours) + paid_preparation))


def client_price_for(row: PriceRow, *, start: datetime, end: datetime) -> Decimal:
    """The client's price for one expert at one time (VAT 0 %)."""
    if row.client_unit == PriceUnit.PER_GIG:
        return money(row.client_price)
    hours = max(hours_between(start, end), row.minimum_hours)
    return money(row.client_price * hours)


@dataclass(frozen=True)
class Estimate:
    gigs: int
    net: Decimal
    vat: Decimal
    gross: Decimal
    row: PriceRow


def price_estimate(
    row: PriceRow | None, *, times: Sequence[tuple[datetime, datetime]], experts: int
) -> Estimate | None:
    """What the booking is expected to cost the client (travel costs come on top)."""
    if row is None:
        return None
    net = money(sum((client_price_for(row, start=s, end=e) for s, e in times), Decimal(0)))
    net = money(net * experts)
    vat = money(net * row.vat_rate / Decimal(100))
    return Estimate(gigs=len(times) * experts, net=net, vat=vat, gross=net + vat, row=row)


@dataclass(frozen=True)
class CancellationTerms:
    late: bool
    deadline: datetime | None  # cancelling after this is late
    client_fee: Decimal
    expert_fee: Decimal
    experts_paid: int  # experts with planned gigs who get their fee when late
    row: PriceRow | None


def next_start(booking: Booking, *, now: datetime | None = None) -> datetime | None:
    """The start of the first time that has not begun yet."""
    now = now or timezone.now()
    return (
        booking.occurrences.filter(start__gt=now).order_by("start").values_list("start", flat=True)
    ).first()


def cancellation_terms(booking: Booking, *, now: datetime | None = None) -> CancellationTerms:
    """What cancelling ``booking`` now would cost.

    Late is later than the notice period before the first time that has not begun. The client
    pays its fee when late and at least one expert already holds a planned gig; each such expert
    gets their fee.
    """
    now = now or timezone.now()
    row = booking_terms(booking)
    upcoming = next_start(booking, now=now)
    notice = timedelta(days=row.notice_days if row else 7)
    deadline = upcoming - notice if upcoming else None
    late = deadline is not None and now > deadline
    experts_paid = (
        Gig.objects.filter(booking=booking, status=Gig.Status.PLANNED, start__gt=now)
        .values("expert")
        .distinct()
        .count()
    )
    client_fee = expert_fee = money(0)
    if late and row is not None and experts_paid:
        client_fee = money(row.client_cancellation_fee)
        expert_fee = money(row.expert_cancellation_fee)
    return CancellationTerms(
        late=late,
        deadline=deadline,
        client_fee=client_fee,
        expert_fee=expert_fee,
        experts_paid=experts_paid if late else 0,
        row=row,
    )


def funding_used(source: FundingSource) -> Decimal:
    """Fees of the live and late-cancelled gigs of the bookings charged to ``source``."""
    total = (
        Gig.objects.filter(booking__funding_source=source)
        .filter(Q(status__in=Gig.LIVE) | Q(late_cancelled=True))
        .aggregate(total=Sum("fee_amount"))["total"]
    )
    return money(total or 0)


# --- Candidates ---------------------------------------------------------------------------------


def _local(moment: datetime) -> datetime:
    return timezone.localtime(moment)


def _slot_needs(occurrences: Iterable[Occurrence]) -> set[tuple[int, time, time]]:
    """(weekday, from, until) a weekly availability slot must cover for each time."""
    needs: set[tuple[int, time, time]] = set()
    for occurrence in occurrences:
        start, end = _local(occurrence.start), _local(occurrence.end)
        if start.date() == end.date():
            needs.add((start.weekday(), start.time(), end.time()))
        else:  # past midnight: the evening of one day and the small hours of the next
            needs.add((start.weekday(), start.time(), time(23, 59)))
            needs.add((end.weekday(), time(0, 0), end.time()))
    return needs


def candidates_for(
    booking: Booking, *, occurrences: Sequence[Occurrence] | None = None
) -> QuerySet[Expert]:
    """Experts who may be offered ``booking`` (the hard filters).

    Certified, active and with current consent (``Expert.objects.bookable()``); with one of the
    wanted experience areas and the wanted language; not already offered or on the booking; and
    free at every time that has not begun: no clashing gig (with the travel buffer), no blackout
    on the day, and a weekly availability slot that covers the time.
    """
    if occurrences is None:
        now = timezone.now()
        occurrences = [o for o in booking.occurrences.all() if o.start > now]
    experts = Expert.objects.bookable()
    area_ids = [area.pk for area in booking.areas.all()]
    if area_ids:
        experts = experts.filter(areas__in=area_ids)
    if booking.language_id:
        experts = experts.filter(languages=booking.language_id)
    on_booking = Assignment.objects.filter(
        booking=booking, expert=OuterRef("pk"), status__in=Assignment.LIVE
    )
    experts = experts.filter(~Exists(on_booking))
    if occurrences:
        clash = Q()
        days: set[date] = set()
        for occurrence in occurrences:
            clash |= clash_q(occurrence.start, occurrence.end)
            days.add(_local(occurrence.start).date())
            days.add(_local(occurrence.end).date())
        busy = Gig.objects.filter(clash, expert=OuterRef("pk"), status__in=Gig.LIVE)
        away = Q()
        for day in days:
            away |= Q(start__lte=day, end__gte=day)
        blackout = Blackout.objects.filter(away, expert=OuterRef("pk"))
        experts = experts.filter(~Exists(busy), ~Exists(blackout))
        for weekday, start, end in sorted(_slot_needs(occurrences)):
            slot = AvailabilitySlot.objects.filter(
                expert=OuterRef("pk"), weekday=weekday, start__lte=start, end__gte=end
            )
            experts = experts.filter(Exists(slot))
    return experts.select_related("user").distinct().order_by("user__full_name", "pk")


# --- Who sees what ---------------------------------------------------------------------------


def member_units(user: User) -> QuerySet[Unit]:
    return Unit.objects.filter(memberships__user=user).select_related("organisation").distinct()


def bookings_for_member(user: User) -> QuerySet[Booking]:
    """The bookings of every unit of the organisations the user is a member in."""
    organisations = Membership.objects.filter(user=user).values("unit__organisation_id")
    return Booking.objects.filter(unit__organisation_id__in=Subquery(organisations))


def with_accepted_experts(bookings: QuerySet[Booking]) -> QuerySet[Booking]:
    """Prefetch the accepted assignments with their experts into ``accepted_assignments``."""
    accepted = Assignment.objects.filter(status=Assignment.Status.ACCEPTED).select_related(
        "expert__user"
    )
    return bookings.prefetch_related(
        Prefetch("assignments", queryset=accepted, to_attr="accepted_assignments")
    )


def unit_booking_list(user: User) -> QuerySet[Booking]:
    """The organisation's bookings: the open ones first, soonest first; then the rest, newest."""
    is_open = Q(status__in=Booking.OPEN)
    bookings = bookings_for_member(user).annotate(
        closed=Case(When(is_open, then=Value(0)), default=Value(1)),
        upcoming=Case(When(is_open, then=F("first_start"))),
    )
    return with_accepted_experts(
        bookings.select_related("unit__organisation", "work_kind")
    ).order_by(
        "closed",
        F("upcoming").asc(nulls_last=True),
        F("first_start").desc(nulls_last=True),
        "-pk",
    )


def shown_names(booking: Booking) -> list[str]:
    """How the booking's accepted experts are named to the unit (alias or name, as consented)."""
    assignments = getattr(booking, "accepted_assignments", None)
    if assignments is None:
        assignments = booking.assignments.filter(status=Assignment.Status.ACCEPTED).select_related(
            "expert__user"
        )
    return [assignment.expert.shown_name for assignment in assignments]


def booking_next_step(booking: Booking) -> str:
    """The status in words with the next step, as the unit sees it."""
    status = Booking.Status
    if booking.status == status.REQUESTED:
        return _("Waiting for the coordinator to look for experts")
    if booking.status == status.STAFFING:
        found = len(shown_names(booking))
        return _("Waiting for experts: %(found)s of %(wanted)s found") % {
            "found": found,
            "wanted": booking.experts_wanted,
        }
    if booking.status == status.CONFIRMED:
        names = shown_names(booking)
        if len(names) < booking.experts_wanted:
            return _("Confirmed: %(names)s; a replacement is being looked for") % {
                "names": ", ".join(names) or "–"
            }
        return _("Confirmed: %(names)s") % {"names": ", ".join(names)}
    if booking.status == status.DELIVERED:
        return _("Done. Thank you!")
    if booking.status == status.CLOSED:
        return _("Done and settled")
    if booking.status == status.REJECTED:
        return _("Not possible: see the reason on the booking")
    return _("Cancelled")


# --- Coordinator ---------------------------------------------------------------------------------


def with_counts(bookings: QuerySet[Booking]) -> QuerySet[Booking]:
    return bookings.annotate(
        accepted_count=Count(
            "assignments", filter=Q(assignments__status=Assignment.Status.ACCEPTED), distinct=True
        ),
        offered_count=Count(
            "assignments", filter=Q(assignments__status=Assignment.Status.OFFERED), distinct=True
        ),
    )


def coordinator_booking_list() -> QuerySet[Booking]:
    return with_counts(
        Booking.objects.select_related("unit__organisation", "work_kind", "funding_source")
    )


def short_of_experts() -> QuerySet[Booking]:
    """Bookings being staffed or confirmed that have fewer accepted experts than wanted."""
    return (
        with_counts(
            Booking.objects.filter(status__in=[Booking.Status.STAFFING, Booking.Status.CONFIRMED])
        )
        .filter(accepted_count__lt=F("experts_wanted"))
        .select_related("unit__organisation")
        .order_by(F("first_start").asc(nulls_last=True), "pk")
    )


def ready_to_confirm() -> QuerySet[Booking]:
    return (
        with_counts(Booking.objects.filter(status=Booking.Status.STAFFING))
        .filter(accepted_count__gte=F("experts_wanted"))
        .select_related("unit__organisation")
        .order_by(F("first_start").asc(nulls_last=True), "pk")
    )


def offers_waiting() -> QuerySet[Assignment]:
    return (
        Assignment.objects.filter(
            status=Assignment.Status.OFFERED, booking__status__in=Booking.OPEN
        )
        .select_related("booking", "expert__user")
        .order_by("answer_by", "pk")
    )


def coordinators() -> QuerySet[User]:
    """Everyone who coordinates: the coordinators group and superusers."""
    return (
        User.objects.filter(
            Q(groups__name=GROUP_ROLES[Role.COORDINATOR]) | Q(is_superuser=True), is_active=True
        )
        .distinct()
        .order_by("pk")
    )


def funding_sources_with_use() -> QuerySet[FundingSource]:
    used = (
        Gig.objects.filter(booking__funding_source=OuterRef("pk"))
        .filter(Q(status__in=Gig.LIVE) | Q(late_cancelled=True))
        .values("booking__funding_source")
        .annotate(total=Sum("fee_amount"))
        .values("total")
    )
    return FundingSource.objects.annotate(used=Coalesce(Subquery(used), Decimal(0))).annotate(
        remaining=F("budget") - F("used")
    )


# --- Expert -----------------------------------------------------------------------------------


def expert_open_offers(expert: Expert) -> QuerySet[Assignment]:
    return (
        Assignment.objects.filter(
            expert=expert,
            status=Assignment.Status.OFFERED,
            answer_by__gt=timezone.now(),
            booking__status__in=[Booking.Status.STAFFING, Booking.Status.CONFIRMED],
        )
        .select_related("booking__unit__organisation", "booking__work_kind")
        .prefetch_related(
            Prefetch("booking__occurrences", queryset=Occurrence.objects.order_by("start"))
        )
        .order_by("answer_by", "pk")
    )


def expert_gigs(expert: Expert) -> QuerySet[Gig]:
    return Gig.objects.filter(expert=expert).select_related(
        "occurrence", "assignment__booking__unit__organisation", "assignment__booking__work_kind"
    )


def expert_upcoming_gigs(expert: Expert) -> QuerySet[Gig]:
    return expert_gigs(expert).filter(status=Gig.Status.PLANNED, end__gt=timezone.now())


def expert_past_gigs(expert: Expert) -> QuerySet[Gig]:
    return (
        expert_gigs(expert)
        .filter(end__lte=timezone.now())
        .exclude(status=Gig.Status.RESCHEDULED)
        .order_by("-start", "-pk")
    )


def calendar_gigs(expert: Expert) -> QuerySet[Gig]:
    """The planned gigs a calendar feed shows: from 90 days back on."""
    since = timezone.now() - timedelta(days=90)
    return expert_gigs(expert).filter(status=Gig.Status.PLANNED, end__gte=since).order_by("start")
