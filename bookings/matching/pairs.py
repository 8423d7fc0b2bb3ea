"""Pairs in the ranking (issue 17): new experts in pairs are marked and come first among equals,
and for the top candidates who are in pairs an experienced partner is proposed.

Counting (what is done, who is in pairs, who is experienced) is ``bookings.selectors.pairs``;
this module only reads it for the ranked candidates, in three queries whatever the pool's size:
the gigs of the new experts, those of the partners looked at, and the areas of both with their
names.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.utils.translation import gettext as _

from bookings.matching.results import Candidate, Reason
from bookings.selectors.pairs import PARTNER_MIN_GIGS, PairProgress, gigs_done, pair_progress
from experts.models import Expert

PARTNERS_LOOKED_AT = 200  # the best non-new candidates a partner is chosen from


@dataclass(frozen=True)
class Pair:
    """A new expert in pairs and the experienced partner proposed beside them."""

    new: Candidate
    partner: Candidate
    progress: PairProgress
    shared_areas: list[str]

    @property
    def value(self) -> str:
        """What the offer button posts: the two experts' ids."""
        return f"{self.new.expert.pk}-{self.partner.expert.pk}"


def pair_reason(progress: PairProgress) -> Reason:
    """ "new expert, gig 2 of 3 in a pair": a fact, no points (the tie-break puts them first)."""
    if progress.next_in_pair:
        text = _("new expert, gig %(n)s of %(of)s in a pair") % {
            "n": progress.next_gig,
            "of": progress.required,
        }
    else:
        text = _("new expert: the %(of)s gigs in a pair are already booked") % {
            "of": progress.required
        }
    return Reason(text, None, "pair")


def mark_new_experts(ranked: list[Candidate]) -> None:
    """Set ``candidate.pair`` for every ranked expert still in pairs and add the reason (one
    query, for the experts with first gigs to do in a pair only)."""
    progress = pair_progress(c.expert for c in ranked)
    for candidate in ranked:
        candidate.pair = progress.get(candidate.expert.pk)
        if candidate.pair is not None:
            candidate.reasons.append(pair_reason(candidate.pair))


def propose_partners(ranked: list[Candidate], *, top: int) -> dict[int, Pair]:
    """For each of the first ``top`` candidates whose next gig is one in a pair: the best-ranked
    experienced candidate (not in pairs, ``PARTNER_MIN_GIGS`` gigs done) who shares an
    experience area with them. Both are ranked candidates, so both fit the times. Keyed by the
    new expert's id; a new expert without a partner is absent."""
    new = [c for c in ranked[:top] if c.pair is not None and c.pair.next_in_pair]
    if not new:
        return {}
    others = [c for c in ranked if c.pair is None][:PARTNERS_LOOKED_AT]
    done = gigs_done(c.expert.pk for c in others)
    experienced = [c for c in others if done.get(c.expert.pk, (0, 0))[0] >= PARTNER_MIN_GIGS]
    if not experienced:
        return {}
    links = Expert.areas.through.objects.filter(
        expert_id__in=[c.expert.pk for c in new + experienced]
    ).select_related("experiencearea")
    names: dict[int, str] = {}
    areas: dict[int, set[int]] = defaultdict(set)
    for link in links:
        areas[link.expert_id].add(link.experiencearea_id)
        names[link.experiencearea_id] = link.experiencearea.name
    pairs: dict[int, Pair] = {}
    for candidate in new:
        mine = areas.get(candidate.expert.pk, set())
        for partner in experienced:
            shared = mine & areas.get(partner.expert.pk, set())
            if shared:
                pairs[candidate.expert.pk] = candidate.proposed = Pair(
                    new=candidate,
                    partner=partner,
                    progress=candidate.pair,
                    shared_areas=sorted(names[area_id] for area_id in shared),
                )
                partner.reasons.append(
                    Reason(
                        _("experienced partner for %(name)s") % {"name": candidate.expert.name},
                        None,
                        "partner",
                    )
                )
                break
    return pairs
