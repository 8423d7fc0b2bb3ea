"""What the matching rules read: the booking in a handy form (``Context``) and everything about
the pool (``Facts``), each kind of fact in one bulk query whatever the size of the pool."""

from __future__ import annotations

from collections import defaultdict, namedtuple
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import (
    Avg,
    BooleanField,
    Case,
    Count,
    DurationField,
    Exists,
    Expression,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.utils import timezone

from bookings.models import Assignment, Booking, Gig, Occurrence
from bookings.money import gig_fee
from bookings.selectors.earnings import Earnings, Period, cap_periods, earnings_bulk
from bookings.selectors.schedule import clash_q, slot_needs
from expertbank.formatting import time_range
from experts.models import (
    EVENING_STARTS,
    AreaDisclosure,
    AvailabilitySlot,
    Blackout,
    ConsentRecord,
    ExperienceArea,
    Expert,
    ExpertDocument,
    PrivacyNotice,
    SupportProfile,
)

ROTATION_DAYS = 90
FEEDBACK_DAYS = 365

# The expert columns the rules and the pages read. Nothing sensitive (and nothing encrypted, which
# would cost a decryption per row); fewer columns make thousands of rows quicker to load.
POOL_FIELDS = (
    "status",
    "certified_on",
    "public_alias",
    "shown_as",
    "municipality",
    "remote_ok",
    "travel_radius_km",
    "max_gigs_per_month",
    "rest_days_after_heavy",
    "paired_gigs_required",
    "earnings_cap_yearly",
    "earnings_cap_monthly",
    "expenses_only",
    "user__full_name",
    "user__email",
)


@dataclass
class Context:
    """The booking as the rules need it, and the phrases already made for this ranking."""

    booking: Booking
    occurrences: list[Occurrence]
    days: list[date]  # the local date of each time
    whens: list[str]  # each time as people read it
    minutes: list[int]  # how long each time is
    evening: list[bool]  # each time ends after EVENING_STARTS (or on a later day)
    slot_needs: list[set[tuple[int, time, time]]]  # what a weekly slot must cover, per time
    away_days: list[set[date]]  # the days a day off must not touch, per time
    wanted: list[ExperienceArea]
    areas: dict[int, str]  # wanted area id → name
    heavy: bool  # a wanted area is a heavy theme
    booker_kind: str
    booker_kind_label: str
    remote_only: bool
    remote_possible: bool
    place_text: str
    fees: list[tuple[date, Decimal]]  # per time, for an expert who takes fees
    cap_periods: list[Period]
    months: list[Period]
    now: datetime
    today: date
    memo: dict[Any, Any] = field(default_factory=dict)

    def once(self, key: Any, make: Callable[[], Any]) -> Any:
        """``make()`` the first time ``key`` is asked for, the same value after: translating
        and formatting the same phrase for thousands of experts would dominate the time."""
        try:
            return self.memo[key]
        except KeyError:
            value = self.memo[key] = make()
            return value


@dataclass
class Facts:
    """Everything about the pool that the rules read, by expert id."""

    consenting: set[int] = field(default_factory=set)
    speaks: set[int] = field(default_factory=set)
    areas: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    disclosed: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    work_kinds: dict[int, bool] = field(default_factory=dict)  # chose any → chose this one
    on_booking: dict[int, list[str]] = field(default_factory=lambda: defaultdict(list))
    records: dict[int, list[tuple[date, date | None]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    slots: dict[int, list[tuple[int, time, time]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    blackouts: dict[int, list[tuple[date, date]]] = field(default_factory=lambda: defaultdict(list))
    # (start, busy until, heavy theme) of the live gigs near the booking's times
    gigs: dict[int, list[tuple[datetime, datetime, bool]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    month_counts: dict[int, list[int]] = field(default_factory=dict)
    rotation: dict[int, tuple[int, Decimal]] = field(default_factory=dict)
    earnings: dict[int, list[Earnings]] = field(default_factory=dict)
    feedback: dict[int, tuple[Decimal, int]] = field(default_factory=dict)
    support: dict[int, SupportProfile] = field(default_factory=dict)  # experts with a profile


def midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _ends_in_the_evening(occurrence: Occurrence) -> bool:
    start = timezone.localtime(occurrence.start)
    end = timezone.localtime(occurrence.end)
    return end.date() > start.date() or end.time() > EVENING_STARTS


def build_context(booking: Booking, occurrences: list[Occurrence], now: datetime) -> Context:
    areas = list(booking.areas.all())
    organisation = booking.unit.organisation
    days = [timezone.localdate(o.start) for o in occurrences]
    places = [booking.place, booking.unit.visiting_address, *(o.place for o in occurrences)]
    takes_fees = Expert(expenses_only=False)  # an expert on expenses only gets no fee at all
    return Context(
        booking=booking,
        occurrences=occurrences,
        days=days,
        whens=[time_range(o.start, o.end) for o in occurrences],
        minutes=[int((o.end - o.start).total_seconds() // 60) for o in occurrences],
        evening=[_ends_in_the_evening(o) for o in occurrences],
        slot_needs=[slot_needs([o]) for o in occurrences],
        away_days=[
            {day, timezone.localdate(o.end)} for day, o in zip(days, occurrences, strict=True)
        ],
        wanted=areas,
        areas={area.pk: area.name for area in areas},
        heavy=any(area.heavy for area in areas),
        booker_kind=organisation.kind,
        booker_kind_label=str(organisation.get_kind_display()),
        remote_only=bool(booking.remote_link) and not booking.place,
        remote_possible=bool(booking.remote_link),
        place_text=" ".join(p for p in places if p),
        fees=[
            (day, gig_fee(booking.terms, start=o.start, end=o.end, expert=takes_fees))
            for day, o in zip(days, occurrences, strict=True)
        ],
        cap_periods=cap_periods(days),
        months=sorted({Period.month_of(day) for day in days}),
        now=now,
        today=timezone.localdate(now),
    )


_COLUMNS = tuple(name for name in POOL_FIELDS if not name.startswith("user__"))


class PoolExpert(namedtuple("PoolExpert", ("pk", "user_id", "full_name", "email", *_COLUMNS))):
    """One expert of the pool as the rules read them: the pool's columns as a plain row.

    Building thousands of model instances (and their users) took most of a ranking's time, and
    most of the pool is excluded at once; the ranking gives real ``Expert`` objects to its
    candidates only. An excluded expert stays a ``PoolExpert``: it has what the page and the
    rules read (``pk``, ``name``, ``shown_name``, the status, the limits) and equals the
    ``Expert`` with its id."""

    __slots__ = ()

    @property
    def id(self) -> int:
        return self.pk

    @property
    def name(self) -> str:
        return self.full_name or self.email  # as User.get_full_name

    @property
    def shown_name(self) -> str:
        if self.shown_as == Expert.ShownAs.ALIAS and self.public_alias:
            return self.public_alias
        return self.name

    @property
    def certified(self) -> bool:
        return self.certified_on is not None

    def get_status_display(self) -> str:
        return str(Expert.Status(self.status).label)

    def __str__(self) -> str:
        return self.name

    def __repr__(self) -> str:
        return f"<PoolExpert {self.pk}: {self.name}>"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, PoolExpert | Expert):
            return self.pk == other.pk
        return NotImplemented

    def __ne__(self, other: object) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    def __hash__(self) -> int:
        return hash(self.pk)


class _Among(Expression):
    """``column`` is one of ``ids``. On PostgreSQL the ids go as one array (``= ANY(%s)``):
    Django's ``__in`` writes a placeholder per id, and building the SQL for a thousand ids took
    longer than running it."""

    conditional = True
    output_field = BooleanField()

    def __init__(self, column: str, ids: Iterable[int]) -> None:
        super().__init__()
        self.column = F(column)
        self.ids = list(ids)

    def get_source_expressions(self) -> list:
        return [self.column]

    def set_source_expressions(self, expressions: list) -> None:
        (self.column,) = expressions

    def as_sql(self, compiler, connection) -> tuple[str, tuple]:
        column, params = compiler.compile(self.column)
        if not self.ids:
            return "1 = 0", ()
        if connection.vendor == "postgresql":
            return f"{column} = ANY(%s)", (*params, self.ids)
        return f"{column} IN ({', '.join(['%s'] * len(self.ids))})", (*params, *self.ids)


def pool() -> list[PoolExpert]:
    """Every expert but the retired ones, as plain rows (``PoolExpert``)."""
    rows = (
        Expert.objects.exclude(status=Expert.Status.RETIRED)
        .order_by("pk")
        .values_list("pk", "user_id", "user__full_name", "user__email", *_COLUMNS)
    )
    return list(map(PoolExpert._make, rows))


def these(expert_ids: list[int]) -> list[Expert]:
    """The named experts as the rules read them, fresh from the database (retired ones too)."""
    return list(
        Expert.objects.filter(_Among("pk", expert_ids))
        .select_related("user")
        .only(*POOL_FIELDS)
        .order_by("pk")
    )


def load_who(
    ctx: Context,
    experts: list[Expert],
    *,
    only_these: bool = False,
    ignore_assignment: int | None = None,
) -> Facts:
    """What the basic rules read (``rules.basic_reasons``), in two queries: who consents to the
    current privacy notice, who speaks the wanted language and who has which wanted area (and
    whether they show it to this kind of booker), all in one ``UNION ALL``; and who is on the
    booking already.

    ``only_these`` reads the facts of ``experts`` alone (an offer or an answer, not a ranking);
    ``ignore_assignment`` leaves that offer out of who is already on the booking (the expert
    answering it)."""
    facts = Facts()
    booking = ctx.booking
    ids_given = [expert.pk for expert in experts]
    current = PrivacyNotice.objects.filter(published_on__lte=timezone.localdate()).values("pk")[:1]
    # A plain column where there is no area: a constant would cost a conversion per row.
    no_area = "expert_id"
    parts = {
        "consents": ConsentRecord.objects.filter(
            notice=Subquery(current), withdrawn_at__isnull=True
        ).values_list(Value("consents"), "expert_id", no_area)
    }
    if booking.language_id:
        parts["speaks"] = Expert.languages.through.objects.filter(
            language_id=booking.language_id
        ).values_list(Value("speaks"), "expert_id", no_area)
    if ctx.areas:
        # Only whether an area the expert has is shown counts (rules.basic_reasons, rules.fit).
        shown = AreaDisclosure.objects.filter(
            expert_id=OuterRef("expert_id"),
            area_id=OuterRef("experiencearea_id"),
            booker_kind=ctx.booker_kind,
        )
        parts["has"] = (
            Expert.areas.through.objects.filter(experiencearea_id__in=ctx.areas)
            .annotate(kind=Case(When(Exists(shown), then=Value("shows")), default=Value("has")))
            .values_list("kind", "expert_id", "experiencearea_id")
        )
    first, *rest = (
        (part.filter(expert_id__in=ids_given) if only_these else part).order_by()
        for part in parts.values()
    )
    for kind, expert_id, area_id in first.union(*rest, all=True):
        if kind == "consents":
            facts.consenting.add(expert_id)
        elif kind == "speaks":
            facts.speaks.add(expert_id)
        else:
            facts.areas[expert_id].add(area_id)
            if kind == "shows":
                facts.disclosed[expert_id].add(area_id)
    on_booking = Assignment.objects.filter(booking=booking)
    if ignore_assignment is not None:
        on_booking = on_booking.exclude(pk=ignore_assignment)
    if only_these:
        on_booking = on_booking.filter(expert_id__in=ids_given)
    for expert_id, status in on_booking.order_by("pk").values_list("expert_id", "status"):
        facts.on_booking[expert_id].append(status)
    return facts


def load_the_rest(ctx: Context, facts: Facts, experts: list[Expert]) -> None:
    """The facts the calendar rules, the caps and the points read, for ``experts`` only: the
    experts who could still be candidates. Their ids go to each query as one parameter."""
    ids = [expert.pk for expert in experts]
    kinds = (
        Expert.work_kinds.through.objects.filter(_Among("expert_id", ids))
        .values("expert_id")
        .annotate(this=Count("pk", filter=Q(workkind_id=ctx.booking.work_kind_id)))
        .order_by()
    )
    facts.work_kinds = {row["expert_id"]: row["this"] > 0 for row in kinds}
    if ctx.occurrences:
        _load_calendar(ctx, facts, ids, experts)
    _load_gig_counts(ctx, facts, ids)
    _load_feedback(ctx, facts, ids)
    facts.support = {
        profile.expert_id: profile
        for profile in SupportProfile.objects.filter(_Among("expert_id", ids))
    }
    capped = [
        expert.pk
        for expert in experts
        if expert.earnings_cap_yearly is not None or expert.earnings_cap_monthly is not None
    ]
    facts.earnings = earnings_bulk(
        experts=Expert.objects.filter(_Among("pk", capped)),
        periods=ctx.cap_periods,
        today=ctx.today,
    )


def could_fit(expert: Expert, facts: Facts, ctx: Context) -> bool:
    """Certified, active, with the wanted language and a wanted area: the experts whose
    calendar, limits and history ``load_facts`` reads."""
    return (
        expert.status == Expert.Status.ACTIVE
        and expert.certified_on is not None
        and (not ctx.booking.language_id or expert.pk in facts.speaks)
        and (not ctx.areas or bool(facts.areas.get(expert.pk)))
    )


def load_facts(
    ctx: Context,
    experts: list[Expert],
    *,
    only_these: bool = False,
    ignore_assignment: int | None = None,
) -> Facts:
    """Every fact about ``experts``, the same number of queries whatever their number: who they
    are for all of them (``load_who``), the rest for those who ``could_fit``, also when another
    basic rule excludes them (``rules_broken`` asks the calendar of experts on the booking).
    The ranking and the offers read the rest only for the experts who pass the basic rules."""
    facts = load_who(ctx, experts, only_these=only_these, ignore_assignment=ignore_assignment)
    load_the_rest(ctx, facts, [expert for expert in experts if could_fit(expert, facts, ctx)])
    return facts


def _load_calendar(ctx: Context, facts: Facts, ids: list[int], experts: list[Expert]) -> None:
    """Documents, weekly times, days off, gigs near the booking's times."""
    first = min(ctx.days)
    last = max(day for days in ctx.away_days for day in days)
    if ctx.booking.audience == Booking.Audience.MINORS:
        records = (
            ExpertDocument.objects.filter(
                _Among("expert_id", ids), kind=ExpertDocument.Kind.CRIMINAL_RECORD, dated__lte=last
            )
            .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=first))
            .order_by()
            .values_list("expert_id", "dated", "valid_until")
        )
        for expert_id, dated, valid_until in records:
            facts.records[expert_id].append((dated, valid_until))
    weekdays = {weekday for needs in ctx.slot_needs for weekday, _start, _end in needs}
    for expert_id, weekday, start, end in (
        AvailabilitySlot.objects.filter(_Among("expert_id", ids), weekday__in=weekdays)
        .order_by()
        .values_list("expert_id", "weekday", "start", "end")
    ):
        facts.slots[expert_id].append((weekday, start, end))
    for expert_id, start, end in (
        Blackout.objects.filter(_Among("expert_id", ids), start__lte=last, end__gte=first)
        .order_by()
        .values_list("expert_id", "start", "end")
    ):
        facts.blackouts[expert_id].append((start, end))
    near = Q()
    for occurrence in ctx.occurrences:
        near |= clash_q(occurrence.start, occurrence.end)
    # The widest rest of these experts: each one's own rest days fall inside it.
    rest = max((e.rest_days_after_heavy for e in experts), default=0)
    if rest:
        near |= Q(
            start__gte=midnight(first - timedelta(days=rest)),
            start__lt=midnight(last + timedelta(days=rest + 1)),
        )
    heavy = Booking.areas.through.objects.filter(
        booking_id=OuterRef("booking_id"), experiencearea__heavy=True
    )
    # Every gig above ends after the first time's day less the rest days: a bound the
    # (expert, busy until) index reads, where the OR alone read all history (issue 19).
    ends_after = midnight(first - timedelta(days=rest))
    for expert_id, start, busy_until, is_heavy in (
        Gig.objects.filter(
            near, _Among("expert_id", ids), busy_until__gte=ends_after, status__in=Gig.LIVE
        )
        .annotate(heavy=Exists(heavy))
        .order_by()
        .values_list("expert_id", "start", "busy_until", "heavy")
    ):
        facts.gigs[expert_id].append((start, busy_until, is_heavy))


def _load_gig_counts(ctx: Context, facts: Facts, ids: list[int]) -> None:
    """Gigs and hours in the last 90 days (rotation) and live gigs in each month of the
    booking's times (the monthly limit), in one query."""
    since = ctx.now - timedelta(days=ROTATION_DAYS)
    recent = Q(start__gte=since, start__lt=ctx.now)
    wanted = recent
    counts = {
        "n": Count("pk", filter=recent),
        "length": Sum(
            ExpressionWrapper(F("end") - F("start"), output_field=DurationField()), filter=recent
        ),
    }
    # The span of all the windows as well, which the (expert, start) index can read: on the
    # windows' OR alone PostgreSQL read every gig of every expert (300,000 at national scale).
    lowest, highest = since, ctx.now
    months = ctx.months if ctx.occurrences else []
    for index, month in enumerate(months):
        begins, ends = midnight(month.start), midnight(month.end + timedelta(days=1))
        in_month = Q(start__gte=begins, start__lt=ends)
        wanted |= in_month
        counts[f"m{index}"] = Count("pk", filter=in_month)
        lowest, highest = min(lowest, begins), max(highest, ends)
    rows = (
        Gig.objects.filter(
            wanted,
            _Among("expert_id", ids),
            start__gte=lowest,
            start__lt=highest,
            status__in=Gig.LIVE,
        )
        .values("expert_id")
        .annotate(**counts)
        .order_by()
    )
    for row in rows:
        if row["n"]:
            facts.rotation[row["expert_id"]] = (
                row["n"],
                (Decimal(row["length"].total_seconds()) / 3600).quantize(Decimal("0.01")),
            )
        if months:
            facts.month_counts[row["expert_id"]] = [row[f"m{i}"] for i in range(len(months))]


def _load_feedback(ctx: Context, facts: Facts, ids: list[int]) -> None:
    """Released feedback in the last year: its average and how many."""
    # Filtering and averaging over one join: one row per released feedback on the booking.
    feedback = (
        Assignment.objects.filter(
            _Among("expert_id", ids),
            status=Assignment.Status.ACCEPTED,
            booking__feedback__released_at__isnull=False,
            booking__feedback__created_at__gte=ctx.now - timedelta(days=FEEDBACK_DAYS),
        )
        .values("expert_id")
        .annotate(average=Avg("booking__feedback__rating"), n=Count("booking__feedback"))
        .order_by()
    )
    facts.feedback = {
        row["expert_id"]: (Decimal(str(row["average"])).quantize(Decimal("0.1")), row["n"])
        for row in feedback
    }
