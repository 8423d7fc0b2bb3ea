"""Pairs (issue 17): a newly certified expert's first gigs are done beside an experienced one.

The one home of counting: an expert is *in pairs* while the gigs they have done are fewer than
``Expert.paired_gigs_required`` (copied from the basic programme when training certified them).
A gig is *done* once it has been reported (reported, approved or paid); a gig still planned is
*coming*. The next gig's number is done + coming + 1, so a booking offered now is "gig 2 of 3"
when one is done and none is coming. An *experienced partner* is an expert not in pairs who has
done at least ``PARTNER_MIN_GIGS`` gigs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from bookings.models import Assignment, Gig
from experts.models import Expert

DONE = (Gig.Status.REPORTED, Gig.Status.APPROVED, Gig.Status.PAID)
COMING = (Gig.Status.PLANNED,)
PARTNER_MIN_GIGS = 5  # gigs done before an expert partners a new one


@dataclass(frozen=True)
class PairProgress:
    required: int
    done: int
    coming: int = 0

    @property
    def in_pairs(self) -> bool:
        """Still doing the first gigs beside a partner (a badge, a filter, the ranking)."""
        return self.done < self.required

    @property
    def next_gig(self) -> int:
        return self.done + self.coming + 1

    @property
    def next_in_pair(self) -> bool:
        """A booking offered now would be one of the first gigs: propose a pair."""
        return self.in_pairs and self.next_gig <= self.required


def gigs_done(expert_ids: Iterable[int]) -> dict[int, tuple[int, int]]:
    """(done, coming) gigs per expert of ``expert_ids``, in one query; absent = none."""
    ids = list(expert_ids)
    if not ids:
        return {}
    rows = (
        Gig.objects.filter(expert_id__in=ids, status__in=DONE + COMING)
        .values("expert_id")
        .annotate(
            done=Count("pk", filter=Q(status__in=DONE)),
            coming=Count("pk", filter=Q(status__in=COMING)),
        )
        .values_list("expert_id", "done", "coming")
        .order_by()
    )
    return {expert_id: (done, coming) for expert_id, done, coming in rows}


def pair_progress(experts: Iterable[Expert]) -> dict[int, PairProgress]:
    """The progress of every expert of ``experts`` who has first gigs to do in a pair (one
    query; experts without pairs are absent)."""
    required = {e.pk: e.paired_gigs_required for e in experts if e.paired_gigs_required}
    counts = gigs_done(required)
    return {
        pk: PairProgress(n, *counts.get(pk, (0, 0)))
        for pk, n in required.items()
        if counts.get(pk, (0, 0))[0] < n
    }


def expert_pair_progress(expert: Expert) -> PairProgress | None:
    """One expert's progress, None when they are not in pairs (the expert's own pages)."""
    return pair_progress([expert]).get(expert.pk)


def _done_count() -> Coalesce:
    done = (
        Gig.objects.filter(expert=OuterRef("pk"), status__in=DONE)
        .order_by()
        .values("expert")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(done, output_field=IntegerField()), Value(0))


def with_pair_progress(experts: QuerySet[Expert]) -> QuerySet[Expert]:
    """Each expert's gigs done as ``pair_gigs_done`` (a subquery per row shown; the list's
    badge reads it with ``paired_gigs_required``)."""
    return experts.annotate(pair_gigs_done=_done_count())


def in_pairs(experts: QuerySet[Expert], *, value: bool = True) -> QuerySet[Expert]:
    """The experts still in pairs (``value=False``: the others)."""
    annotated = experts.annotate(_pair_done=_done_count())
    still = Q(paired_gigs_required__gt=F("_pair_done"))  # done ≥ 0: so required > 0
    return annotated.filter(still) if value else annotated.exclude(still)


def in_pairs_count() -> int:
    """How many active experts are still in pairs (the coordinator's work queue)."""
    return in_pairs(
        Expert.objects.filter(status=Expert.Status.ACTIVE, paired_gigs_required__gt=0)
    ).count()


def pair_of(assignment: Assignment) -> Assignment | None:
    """The other of a pair: the partner of a new expert (a live one first), or the new expert
    of a partner; None when the assignment is not in a pair. Reads ``partners`` (prefetch it
    for a list)."""
    if assignment.partner_of_id is not None:
        return assignment.partner_of
    partners = sorted(
        assignment.partners.all(), key=lambda a: (a.status not in Assignment.LIVE, a.pk)
    )
    return partners[0] if partners else None


def pair_head(assignment: Assignment) -> Assignment:
    """The new expert's assignment of a pair (or the assignment itself when not a partner):
    where the pair's shared debrief is kept."""
    return assignment.partner_of if assignment.partner_of_id is not None else assignment
