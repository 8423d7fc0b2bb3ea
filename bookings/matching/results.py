"""What matching answers: ranked candidates with their reasons, and exclusions with theirs."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _

from bookings.models import Booking, Occurrence
from bookings.selectors.pairs import PairProgress
from experts.models import ExperienceArea, Expert


class ExclusionReason(TextChoices):
    NOT_CERTIFIED = "not_certified", _("not certified")
    NOT_ACTIVE = "not_active", _("not active")
    NO_CONSENT = "no_consent", _("no current consent")
    ON_BOOKING = "on_booking", _("already on the booking")
    LANGUAGE = "language", _("lacks the wanted language")
    AREA = "area", _("lacks every wanted experience area")
    NOT_DISCLOSED = "not_disclosed", _("area not shown to this kind of booker")
    CRIMINAL_RECORD = "criminal_record", _("no valid criminal-record extract")
    BUSY = "busy", _("busy at a time")
    BLACKOUT = "blackout", _("unavailable days")
    NO_SLOT = "no_slot", _("no weekly available time")
    REST_DAYS = "rest_days", _("rest days after a heavy gig")
    MONTHLY_LIMIT = "monthly_limit", _("monthly gig limit reached")
    EARNINGS_CAP = "earnings_cap", _("earnings cap would be exceeded")
    EVENING = "evening", _("no evenings (support profile)")
    TOO_LONG = "too_long", _("longer than their maximum (support profile)")


# Reasons that say the expert is no fit at all (rather than not free or over a limit this time).
BASIC_REASONS = frozenset(
    {
        ExclusionReason.NOT_CERTIFIED,
        ExclusionReason.NOT_ACTIVE,
        ExclusionReason.NO_CONSENT,
        ExclusionReason.LANGUAGE,
        ExclusionReason.AREA,
    }
)


@dataclass(frozen=True)
class Reason:
    """One short phrase of why: ``+30 experience area: Päihteet``; ``points`` None = a fact."""

    text: str
    points: int | None = None
    code: str = ""

    @property
    def tone(self) -> str:
        """plus, minus or fact: how a page marks it (the sign is in the text as well)."""
        if not self.points:
            return "fact"
        return "plus" if self.points > 0 else "minus"

    def __str__(self) -> str:
        if self.points is None:
            return self.text
        sign = "+" if self.points >= 0 else "−"
        return f"{sign}{abs(self.points)} {self.text}"


@dataclass
class Candidate:
    expert: Expert
    score: int
    reasons: list[Reason]
    gigs_90: int = 0
    hours_90: Decimal = Decimal(0)
    headroom: Decimal | None = None  # under the tightest cap after this booking; None: no cap
    feedback: Decimal | None = None  # released feedback average
    fee: Decimal = Decimal("0.00")  # this booking's fees for the expert
    rank: int = 0
    pair: PairProgress | None = None  # a new expert still in pairs (``matching.pairs``)
    proposed: Any = None  # the ``matching.pairs.Pair`` proposed for a new expert, if any


@dataclass(frozen=True)
class Exclusion:
    expert: Expert
    reasons: list[Reason]  # every reason found; the first is the main one

    @property
    def code(self) -> str:
        return self.reasons[0].code

    @property
    def text(self) -> str:
        return self.reasons[0].text

    @property
    def codes(self) -> list[str]:
        return [reason.code for reason in self.reasons]

    @property
    def basic(self) -> bool:
        return self.code in BASIC_REASONS


@dataclass
class MatchResult:
    booking: Booking
    occurrences: list[Occurrence]  # the times that count: those that have not begun
    ranked: list[Candidate]
    excluded: list[Exclusion]
    areas: list[ExperienceArea] = field(default_factory=list)  # wanted by the booking
    fee_per_gig: Decimal | None = None  # for an expert who takes fees

    def excluded_counts(self) -> list[tuple[str, str, int]]:
        """(code, label, how many) for each main reason, most common first."""
        counts = Counter(exclusion.code for exclusion in self.excluded)
        return sorted(
            ((code, str(ExclusionReason(code).label), n) for code, n in counts.items()),
            key=lambda item: (-item[2], item[0]),
        )
