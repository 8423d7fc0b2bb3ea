"""Who is still in pairs (issue 17), for the coordinators' expert list.

The gigs an expert has done are the bookings app's to count (``bookings.selectors.pairs``), and
the experts app may not import it; the app that counts answers through its app config
(``experts_with_pair_progress``, ``experts_in_pairs``), as the work queue's panels do. Without
such an app nobody is in pairs.
"""

from __future__ import annotations

from django.apps import apps
from django.db.models import QuerySet

from experts.models import Expert


def _hook(name: str):
    for config in apps.get_app_configs():
        found = getattr(config, name, None)
        if found is not None:
            return found
    return None


def with_pair_progress(experts: QuerySet[Expert]) -> QuerySet[Expert]:
    """Adds ``pair_gigs_done`` to each expert (a subquery per row shown)."""
    hook = _hook("experts_with_pair_progress")
    return hook(experts) if hook is not None else experts


def filter_in_pairs(experts: QuerySet[Expert], *, value: bool) -> QuerySet[Expert]:
    """The experts still in pairs (``value``) or the others."""
    hook = _hook("experts_in_pairs")
    if hook is None:
        return experts.none() if value else experts
    return hook(experts, value=value)
