"""Template filters for amounts, numbers and times: thin names for ``expertbank.formatting``."""

from __future__ import annotations

from django import template

from expertbank import formatting

register = template.Library()

register.filter("euros", formatting.euros)
register.filter("plain_number", formatting.plain_number)
register.simple_tag(formatting.time_range, name="time_range")
