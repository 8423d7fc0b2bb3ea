"""The rules: why an expert is excluded, and the points of fit, rotation, cap and feedback.

Pure Python over ``Facts``; every phrase is made once per ranking (``Context.once``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, time
from decimal import Decimal

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from bookings.matching.facts import Context, Facts
from bookings.matching.results import Candidate, ExclusionReason, Reason
from bookings.models import Assignment, Booking
from bookings.selectors.earnings import CapCheck, cap_checks, earnings_of
from bookings.selectors.schedule import travel_buffer
from expertbank.amounts import cents
from expertbank.formatting import euros, plain_number
from experts.models import Expert

Why = ExclusionReason

# Points. Fit counts most; rotation is worth as much as one more matching area, so that work
# really spreads over the pool; cap headroom and feedback nudge.
AREA_POINTS = 30  # each wanted area the expert has and shows to this kind of booker
WORK_KIND_POINTS = 15  # the expert has chosen this kind of work…
WORK_KIND_MISSING = -10  # …or has chosen other kinds only (no kinds chosen: no points)
LANGUAGE_POINTS = 10
MUNICIPALITY_POINTS = 10
REMOTE_POINTS = 5
NOT_REMOTE_POINTS = -10  # a remote booking for an expert who prefers not to work remotely
RADIUS_KM_PER_POINT = 20  # a willingness to travel, when the place is in another municipality
RADIUS_MAX_POINTS = 5
ROTATION_POINTS = 30  # for no gigs in the last 90 days; less for each gig and hour
ROTATION_PER_GIG = 4
ROTATION_PER_HOUR = 1
CAP_MAX_PENALTY = 10  # the whole penalty when nothing would be left under the cap
FEEDBACK_POINTS_PER_STAR = 5  # around the middle rating, 3

EARLIER_ANSWERS = {
    Assignment.Status.DECLINED: "declined",
    Assignment.Status.EXPIRED: "expired",
    Assignment.Status.WITHDRAWN: "withdrawn",
}


def _day(day: date) -> str:
    return date_format(day, "SHORT_DATE_FORMAT")


def _names(ids, names: dict[int, str]) -> str:
    return ", ".join(sorted(names[i] for i in ids))


def _first_and_more(texts: Sequence[str]) -> str:
    if len(texts) == 1:
        return texts[0]
    more = ngettext("and %(n)s more time", "and %(n)s more times", len(texts) - 1)
    return f"{texts[0]} ({more % {'n': len(texts) - 1}})"


# --- Exclusions ----------------------------------------------------------------------------------


def basic_reasons(expert: Expert, facts: Facts, ctx: Context) -> list[Reason]:
    """Who the expert is: certified, active, consenting, not on the booking, language, areas."""
    once = ctx.once
    found: list[Reason] = []
    if expert.certified_on is None:
        found.append(
            once("not_certified", lambda: Reason(_("not certified yet"), code=Why.NOT_CERTIFIED))
        )
    if expert.status != Expert.Status.ACTIVE:
        found.append(
            once(
                ("not_active", expert.status),
                lambda: Reason(
                    _("not active (%(status)s)") % {"status": expert.get_status_display()},
                    code=Why.NOT_ACTIVE,
                ),
            )
        )
    if expert.pk not in facts.consenting:
        found.append(
            once(
                "no_consent",
                lambda: Reason(_("no consent to the current privacy notice"), code=Why.NO_CONSENT),
            )
        )
    live = [s for s in facts.on_booking.get(expert.pk, ()) if s in Assignment.LIVE]
    if live:
        found.append(
            once(
                ("on_booking", live[0]),
                lambda: Reason(
                    _("already on this booking (%(status)s)")
                    % {"status": Assignment.Status(live[0]).label},
                    code=Why.ON_BOOKING,
                ),
            )
        )
    booking = ctx.booking
    if booking.language_id and expert.pk not in facts.speaks:
        found.append(
            once(
                "language",
                lambda: Reason(
                    _("does not speak %(language)s") % {"language": booking.language.name},
                    code=Why.LANGUAGE,
                ),
            )
        )
    if ctx.areas:
        has = facts.areas.get(expert.pk)
        if not has:
            found.append(
                once(
                    "area",
                    lambda: Reason(
                        _("has none of the wanted areas: %(areas)s")
                        % {"areas": _names(ctx.areas, ctx.areas)},
                        code=Why.AREA,
                    ),
                )
            )
        elif not has & facts.disclosed.get(expert.pk, set()):
            found.append(
                once(
                    ("not_disclosed", frozenset(has)),
                    lambda: Reason(
                        _("does not show %(areas)s to a booker of this kind (%(kind)s)")
                        % {"areas": _names(has, ctx.areas), "kind": ctx.booker_kind_label},
                        code=Why.NOT_DISCLOSED,
                    ),
                )
            )
    return found


def calendar_reasons(expert: Expert, facts: Facts, ctx: Context) -> list[Reason]:
    """Whether the expert can take these times: extract, gigs, days off, weekly times, rest, the
    monthly limit. Each phrase is made once per ranking (many experts share it)."""
    once = ctx.once
    found: list[Reason] = []
    times = range(len(ctx.occurrences))
    if ctx.booking.audience == Booking.Audience.MINORS:
        records = facts.records.get(expert.pk, ())
        uncovered = [
            ctx.days[i]
            for i in times
            if not any(
                dated <= ctx.days[i] and (until is None or until >= ctx.days[i])
                for dated, until in records
            )
        ]
        if uncovered:
            day = uncovered[0]
            found.append(
                once(
                    ("criminal_record", day),
                    lambda: Reason(
                        _("no criminal-record extract valid on %(date)s (audience under 18)")
                        % {"date": _day(day)},
                        code=Why.CRIMINAL_RECORD,
                    ),
                )
            )
    gigs = facts.gigs.get(expert.pk, ())
    if gigs:
        buffer = travel_buffer()
        busy = tuple(
            ctx.whens[i]
            for i, o in enumerate(ctx.occurrences)
            if any(s < o.end + buffer and until > o.start for s, until, _heavy in gigs)
        )
        if busy:
            found.append(
                once(
                    ("busy", busy),
                    lambda: Reason(
                        _("busy at %(time)s (another gig)") % {"time": _first_and_more(busy)},
                        code=Why.BUSY,
                    ),
                )
            )
    blackouts = facts.blackouts.get(expert.pk)
    if blackouts:
        away = tuple(
            ctx.whens[i]
            for i in times
            if any(s <= day <= e for day in ctx.away_days[i] for s, e in blackouts)
        )
        if away:
            found.append(
                once(
                    ("away", away),
                    lambda: Reason(
                        _("unavailable days at %(time)s") % {"time": _first_and_more(away)},
                        code=Why.BLACKOUT,
                    ),
                )
            )
    slots = tuple(facts.slots.get(expert.pk, ()))
    # Many experts keep the same weekly times: each set of them is looked at once.
    unslotted = once(("slots", slots), lambda: _unslotted(slots, ctx))
    if unslotted:
        found.append(
            once(
                ("unslotted", unslotted),
                lambda: Reason(
                    _("no weekly available time at %(time)s")
                    % {"time": _first_and_more(unslotted)},
                    code=Why.NO_SLOT,
                ),
            )
        )
    support = facts.support.get(expert.pk)
    if support is not None:
        found += _support_reasons(support, ctx)
    if expert.rest_days_after_heavy and gigs:
        found += _rest_reasons(expert.rest_days_after_heavy, gigs, ctx)
    if expert.max_gigs_per_month is not None:
        found += _monthly_reasons(expert.max_gigs_per_month, facts.month_counts.get(expert.pk), ctx)
    return found


def _unslotted(slots: tuple[tuple[int, time, time], ...], ctx: Context) -> tuple[str, ...]:
    """The times (as people read them) that ``slots`` do not cover."""
    return tuple(
        ctx.whens[i]
        for i in range(len(ctx.occurrences))
        if not all(
            any(w == weekday and s <= start and e >= end for w, s, e in slots)
            for weekday, start, end in ctx.slot_needs[i]
        )
    )


def _support_reasons(support, ctx: Context) -> list[Reason]:
    """No evening gigs for an expert who said none; no time longer than their maximum."""
    found: list[Reason] = []
    times = range(len(ctx.occurrences))
    if support.no_evenings:
        late = [ctx.whens[i] for i in times if ctx.evening[i]]
        if late:
            text = _("no evenings, but this ends after 18.00: %(time)s") % {
                "time": _first_and_more(late)
            }
            found.append(Reason(text, code=Why.EVENING))
    if support.max_minutes:
        long = [ctx.whens[i] for i in times if ctx.minutes[i] > support.max_minutes]
        if long:
            text = _("at most %(minutes)s minutes, but this is longer: %(time)s") % {
                "minutes": support.max_minutes,
                "time": _first_and_more(long),
            }
            found.append(Reason(text, code=Why.TOO_LONG))
    return found


def _rest_reasons(rest: int, gigs, ctx: Context) -> list[Reason]:
    """No gig on the day of a heavy gig or on the ``rest`` days after it, in either order."""
    for start, _busy_until, heavy in gigs:
        other = timezone.localdate(start)
        for day in ctx.days:
            if heavy and 0 <= (day - other).days <= rest:
                key = ("after_heavy", other)
            elif ctx.heavy and 0 <= (other - day).days <= rest:
                key = ("before_gig", other)
            else:
                continue
            return [ctx.once(key, lambda key=key: _rest_reason(*key))]
    return []


def _rest_reason(which: str, other: date) -> Reason:
    if which == "after_heavy":
        text = _("rest days after a heavy gig on %(date)s") % {"date": _day(other)}
    else:
        text = _("needs rest days after this heavy gig, but has a gig on %(date)s") % {
            "date": _day(other)
        }
    return Reason(text, code=Why.REST_DAYS)


def _monthly_reason(limit: int, count: int, adding: int, month) -> Reason:
    text = _(
        "at most %(limit)s gigs a month: %(count)s + %(adding)s of this booking in %(month)s"
    ) % {
        "limit": limit,
        "count": count,
        "adding": adding,
        "month": date_format(month.start, "YEAR_MONTH_FORMAT"),
    }
    return Reason(text, code=Why.MONTHLY_LIMIT)


def _monthly_reasons(limit: int, counts: list[int] | None, ctx: Context) -> list[Reason]:
    counts = counts or [0] * len(ctx.months)
    for month, count in zip(ctx.months, counts, strict=True):
        adding = sum(1 for day in ctx.days if day in month)
        if count + adding > limit:
            key = (limit, count, adding, month)
            return [ctx.once(("monthly", *key), lambda key=key: _monthly_reason(*key))]
    return []


def fees(expert: Expert, ctx: Context) -> list[tuple[date, Decimal]]:
    if expert.expenses_only:
        return [(day, cents(0)) for day, _fee in ctx.fees]
    return ctx.fees


def caps(expert: Expert, facts: Facts, ctx: Context) -> list[CapCheck]:
    if expert.earnings_cap_yearly is None and expert.earnings_cap_monthly is None:
        return []
    counted = earnings_of(facts.earnings, expert.pk, ctx.cap_periods)
    return cap_checks(
        expert,
        earnings=dict(zip(ctx.cap_periods, counted, strict=True)),
        fees=fees(expert, ctx),
    )


def cap_reasons(checks: list[CapCheck]) -> list[Reason]:
    over = [check for check in checks if check.exceeded]
    if not over:
        return []
    check = over[0]
    text = _("%(cap)s %(limit)s would be exceeded: %(earned)s + %(adding)s this booking") % {
        "cap": check.label,
        "limit": euros(check.cap),
        "earned": euros(check.earned),
        "adding": euros(check.adding),
    }
    return [Reason(text, code=Why.EARNINGS_CAP)]


# --- Points --------------------------------------------------------------------------------------


def _same_municipality(municipality: str, ctx: Context) -> bool:
    return bool(
        municipality and re.search(rf"\b{re.escape(municipality)}\b", ctx.place_text, re.IGNORECASE)
    )


def fit(expert: Expert, facts: Facts, ctx: Context) -> list[Reason]:
    """Areas shown to this booker, kind of work, language, place."""
    once = ctx.once
    booking = ctx.booking
    reasons = []
    shown = facts.areas.get(expert.pk, set()) & facts.disclosed.get(expert.pk, set())
    for area_id in sorted(shown, key=ctx.areas.__getitem__):
        reasons.append(
            once(
                ("area", area_id),
                lambda area_id=area_id: Reason(
                    _("experience area: %(area)s") % {"area": ctx.areas[area_id]},
                    AREA_POINTS,
                    "area",
                ),
            )
        )
    chose = facts.work_kinds.get(expert.pk)
    if chose is True:
        reasons.append(
            once(
                "kind",
                lambda: Reason(
                    _("kind of work: %(kind)s") % {"kind": booking.work_kind.name},
                    WORK_KIND_POINTS,
                    "work_kind",
                ),
            )
        )
    elif chose is False:
        reasons.append(
            once(
                "other_kinds",
                lambda: Reason(
                    _("not among their kinds of work: %(kind)s") % {"kind": booking.work_kind.name},
                    WORK_KIND_MISSING,
                    "work_kind",
                ),
            )
        )
    if booking.language_id:
        reasons.append(
            once(
                "speaks",
                lambda: Reason(
                    _("language: %(language)s") % {"language": booking.language.name},
                    LANGUAGE_POINTS,
                    "language",
                ),
            )
        )
    if ctx.remote_possible and expert.remote_ok:
        reasons.append(once("remote", lambda: Reason(_("works remotely"), REMOTE_POINTS, "remote")))
    elif ctx.remote_only:
        reasons.append(
            once(
                "not_remote",
                lambda: Reason(_("prefers not to work remotely"), NOT_REMOTE_POINTS, "remote"),
            )
        )
    if not ctx.remote_only:
        municipality = expert.municipality.strip()
        if once(("municipality", municipality), lambda: _same_municipality(municipality, ctx)):
            reasons.append(
                once(
                    "same_municipality",
                    lambda: Reason(_("same municipality"), MUNICIPALITY_POINTS, "municipality"),
                )
            )
        elif expert.travel_radius_km is not None:
            km = expert.travel_radius_km
            reasons.append(
                once(
                    ("radius", km),
                    lambda: Reason(
                        _("travels up to %(km)s km") % {"km": km},
                        min(km // RADIUS_KM_PER_POINT, RADIUS_MAX_POINTS),
                        "radius",
                    ),
                )
            )
    return reasons


def _rotation(gigs: int, hours: Decimal) -> Reason:
    points = max(0, ROTATION_POINTS - ROTATION_PER_GIG * gigs - int(hours * ROTATION_PER_HOUR))
    if not gigs:
        return Reason(_("rotation: no gigs in 90 days"), points, "rotation")
    text = ngettext(
        "rotation: %(gigs)s gig / %(hours)s h in 90 days",
        "rotation: %(gigs)s gigs / %(hours)s h in 90 days",
        gigs,
    ) % {"gigs": gigs, "hours": plain_number(hours.quantize(Decimal("0.1")))}
    return Reason(text, points, "rotation")


def _headroom(checks: list[CapCheck]) -> tuple[Decimal | None, Reason | None]:
    """Room under the tightest cap after the booking, and a penalty growing as it shrinks."""
    if not checks:
        return None, None
    tightest = min(checks, key=lambda c: (c.headroom / c.cap if c.cap else 0, c.headroom))
    share_left = tightest.headroom / tightest.cap if tightest.cap else Decimal(0)
    points = -round(CAP_MAX_PENALTY * (1 - max(Decimal(0), min(Decimal(1), share_left))))
    text = _("cap headroom %(amount)s (%(cap)s)") % {
        "amount": euros(tightest.headroom),
        "cap": tightest.label,
    }
    return tightest.headroom, Reason(text, int(points), "cap")


def _feedback(average: Decimal, count: int) -> Reason:
    text = ngettext(
        "feedback %(average)s/5 (%(count)s booking)",
        "feedback %(average)s/5 (%(count)s bookings)",
        count,
    ) % {"average": plain_number(average), "count": count}
    return Reason(text, round((average - 3) * FEEDBACK_POINTS_PER_STAR), "feedback")


def _earlier(status: str) -> Reason:
    texts = {
        "declined": _("declined an earlier offer of this booking"),
        "expired": _("did not answer an earlier offer of this booking"),
        "withdrawn": _("withdrew from this booking"),
    }
    return Reason(texts[EARLIER_ANSWERS[status]], None, "earlier")


def candidate(expert: Expert, facts: Facts, ctx: Context, checks: list[CapCheck]) -> Candidate:
    """An expert who passed every rule, with the points and the phrase for each."""
    once = ctx.once
    reasons = fit(expert, facts, ctx)
    gigs, hours = facts.rotation.get(expert.pk, (0, Decimal(0)))
    reasons.append(once(("rotation", gigs, hours), lambda: _rotation(gigs, hours)))
    headroom, cap_reason = _headroom(checks)
    if cap_reason is not None:
        reasons.append(cap_reason)
    average = None
    if expert.pk in facts.feedback:
        average, count = facts.feedback[expert.pk]
        reasons.append(once(("feedback", average, count), lambda: _feedback(average, count)))
    support = facts.support.get(expert.pk)
    if support is not None and support.texts():
        text = _("support: %(needs)s") % {"needs": "; ".join(support.texts())}
        reasons.append(Reason(text, None, "support"))
    for status in sorted(set(facts.on_booking.get(expert.pk, ()))):
        if status in EARLIER_ANSWERS:
            reasons.append(once(("earlier", status), lambda status=status: _earlier(status)))
    return Candidate(
        expert=expert,
        score=sum(r.points for r in reasons if r.points is not None),
        reasons=reasons,
        gigs_90=gigs,
        hours_90=hours,
        headroom=headroom,
        feedback=average,
        fee=cents(sum((fee for _day, fee in fees(expert, ctx)), Decimal(0))),
    )
