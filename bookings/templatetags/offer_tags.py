"""What an offer that can no longer be answered says to its expert (the answer link's page and
the portal's offer page): ``{% offer_state assignment as state %}``."""

from __future__ import annotations

from django import template

from bookings.selectors import offer_state_text

register = template.Library()


@register.simple_tag
def offer_state(assignment) -> str:
    return offer_state_text(assignment)
