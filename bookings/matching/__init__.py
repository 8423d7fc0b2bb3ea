"""Matching: the experts for a booking in ranked order, with the reasons for each place, and the
experts who cannot be offered it, with the reason for each.

``rank_candidates(booking)`` looks at the whole pool (retired experts aside). An expert is
*excluded* for any of ``ExclusionReason``: not certified, not active, no current consent, already
on the booking, lacking the wanted language or every wanted area, no wanted area shown to this
kind of booker, no valid criminal-record extract for an audience under 18, busy (a clashing gig,
travel time included), unavailable days, no weekly available time, rest days after a heavy gig,
the monthly gig limit, or the earnings cap. The rest are *ranked* by fit (areas, kind of work,
language, place), then fair rotation (fewer gigs and hours in the last 90 days), cap headroom and
released feedback; ties go to fewer recent hours, then the name, then the id.

``refusals(booking, experts=…)`` asks the same rules for the named experts only: it is the one
eligibility check of offering and of accepting (an offer is checked again when it is answered, as
consent, limits and calendars change in between).

The facts come from a constant number of bulk queries (``facts``: about one per kind of fact,
whatever the size of the pool): who the experts are for the whole pool first, then the calendar,
limits and history only of those who pass the basic rules; the rules are plain Python
(``rules``). ``docs/matching.md`` explains the rules for people and ``docs/PERFORMANCE.md``
gives the timings.
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from bookings.matching import pairs, rules
from bookings.matching.facts import (
    Context,
    Facts,
    build_context,
    load_facts,
    load_the_rest,
    load_who,
    pool,
    these,
)
from bookings.matching.results import (
    BASIC_REASONS,
    Candidate,
    Exclusion,
    ExclusionReason,
    MatchResult,
    Reason,
)
from bookings.models import Assignment, Booking, Occurrence
from bookings.selectors.earnings import CapCheck
from experts.models import Expert

__all__ = [
    "BASIC_REASONS",
    "Candidate",
    "Exclusion",
    "ExclusionReason",
    "MatchResult",
    "Reason",
    "rank_candidates",
    "refusals",
    "rules_broken",
]


def _judge(
    ctx: Context,
    experts: list[Expert],
    *,
    only_these: bool = False,
    ignore_assignment: int | None = None,
) -> tuple[Facts, list[tuple[Expert, list[Reason], list[CapCheck]]]]:
    """Every rule of who may take a booking, for each of ``experts``: who they are first (the
    facts for that in two queries); their calendar, limits and caps only for the experts who pass
    that, whose facts alone are read then. Ranking, offering and accepting all ask this."""
    facts = load_who(ctx, experts, only_these=only_these, ignore_assignment=ignore_assignment)
    basic = [rules.basic_reasons(expert, facts, ctx) for expert in experts]
    load_the_rest(
        ctx, facts, [expert for expert, reasons in zip(experts, basic, strict=True) if not reasons]
    )
    judged = []
    for expert, reasons in zip(experts, basic, strict=True):
        checks: list[CapCheck] = []
        if not reasons:
            reasons = rules.calendar_reasons(expert, facts, ctx)
            checks = rules.caps(expert, facts, ctx)
            reasons += rules.cap_reasons(checks)
        judged.append((expert, reasons, checks))
    return facts, judged


def rank_candidates(
    booking: Booking,
    *,
    occurrences: list[Occurrence] | None = None,
    now: datetime | None = None,
    rows_only: bool = False,
) -> MatchResult:
    """The pool for ``booking``: the candidates best first with the reasons for each place, and
    the excluded experts with every reason found. Only the times that have not begun count, as
    for offers; the expert's calendar, limits and cap are looked at only for an expert who fits
    at all.

    The candidates' experts are ``Expert`` objects, as offers are made to them; ``rows_only``
    leaves them rows (``PoolExpert``, as the excluded are) for a page that only lists them."""
    now = now or timezone.now()
    if occurrences is None:
        occurrences = [o for o in booking.occurrences.order_by("start", "pk") if o.start > now]
    ctx = build_context(booking, occurrences, now)
    facts, judged = _judge(ctx, pool())
    ranked: list[Candidate] = []
    excluded: list[Exclusion] = []
    for expert, reasons, checks in judged:
        if reasons:
            excluded.append(Exclusion(expert, reasons))
        else:
            ranked.append(rules.candidate(expert, facts, ctx, checks))
    if not rows_only:
        # Only the candidates become model objects (offers are made to them).
        chosen = {expert.pk: expert for expert in these([c.expert.pk for c in ranked])}
        for candidate in ranked:
            candidate.expert = chosen[candidate.expert.pk]
    # Fair rotation counts new experts' first work first: among equal scores, in pairs first.
    pairs.mark_new_experts(ranked)
    ranked.sort(
        key=lambda c: (-c.score, c.pair is None, c.hours_90, c.expert.name.casefold(), c.expert.pk)
    )
    for rank, candidate in enumerate(ranked, start=1):
        candidate.rank = rank
    # The near misses (free this time? over a limit?) first, then those who do not fit at all.
    excluded.sort(key=lambda e: (e.basic, e.expert.name.casefold(), e.expert.pk))
    return MatchResult(
        booking=booking,
        occurrences=occurrences,
        ranked=ranked,
        excluded=excluded,
        areas=ctx.wanted,
        fee_per_gig=ctx.fees[0][1] if ctx.fees else None,
    )


def rules_broken(
    booking: Booking,
    *,
    experts: list[Expert],
    codes: frozenset[str],
    now: datetime | None = None,
) -> dict[int, list[Reason]]:
    """The reasons among ``codes`` that exclude ``experts`` (already on ``booking``) from it as it
    is now, with a changed audience or unit not yet saved: the same rules as the ranking, asked
    for the experts a change would keep on the booking. Only experts with a reason are in the
    answer."""
    now = now or timezone.now()
    occurrences = [o for o in booking.occurrences.order_by("start", "pk") if o.start > now]
    ctx = build_context(booking, occurrences, now)
    facts = load_facts(ctx, experts)
    broken: dict[int, list[Reason]] = {}
    for expert in experts:
        reasons = rules.basic_reasons(expert, facts, ctx)
        if occurrences:
            reasons += rules.calendar_reasons(expert, facts, ctx)
        found = [reason for reason in reasons if reason.code in codes]
        if found:
            broken[expert.pk] = found
    return broken


def refusals(
    booking: Booking,
    *,
    experts: list[Expert],
    occurrences: list[Occurrence] | None = None,
    answering: Assignment | None = None,
    now: datetime | None = None,
) -> dict[int, list[Reason]]:
    """Why each of ``experts`` may not take ``booking`` now: the one eligibility check that
    offering (``booking_offer``, ``assignment_replace``) and accepting (``assignment_accept``, with
    ``answering`` = the offer being answered, which then does not count as being on the booking
    already) ask, with the very rules of the ranking. The experts are read afresh (a retired one
    is refused as not active). Only experts with a reason are in the answer, every reason found,
    the main one first."""
    now = now or timezone.now()
    if occurrences is None:
        occurrences = [o for o in booking.occurrences.order_by("start", "pk") if o.start > now]
    ctx = build_context(booking, occurrences, now)
    _facts, judged = _judge(
        ctx,
        these([expert.pk for expert in experts]),
        only_these=True,
        ignore_assignment=answering.pk if answering is not None else None,
    )
    return {expert.pk: reasons for expert, reasons, _checks in judged if reasons}
