"""``--month YYYY-MM`` for the invoicing and fee commands."""

from __future__ import annotations

import re

from django.core.management.base import CommandError

from bookings.selectors.earnings import Period
from invoicing.selectors import month

MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(value: str) -> Period:
    found = MONTH.match(value or "")
    if not found or not 1 <= int(found.group(2)) <= 12 or not 2000 <= int(found.group(1)) <= 2100:
        raise CommandError(f"--month must be a month such as 2026-11, not {value!r}.")
    return month(int(found.group(1)), int(found.group(2)))
