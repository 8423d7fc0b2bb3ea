"""Retention: what personal data is kept, how long, why, and what happens after.

The rules are data in one place. The periods are settings (``RETENTION_*`` and
``ACCOUNTING_*_YEARS`` in ``expertbank/settings.py``); each app registers the rules of its own
data in ``AppConfig.ready`` (the core imports no domain app) with a ``sweep`` that removes what
has passed its period. The coordinators' policy page lists every rule as a table, and
``retention_run`` — the daily beat task and ``manage.py retention_run`` — calls every sweep.

A sweep is ``sweep(*, now, dry_run) -> int``: the number of rows it removes (or would remove,
with ``dry_run``, which changes nothing). Each runs in its own transaction, so one rule failing
never rolls back another's work.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import ngettext

logger = logging.getLogger(__name__)

Sweep = Callable[..., int]


@dataclass(frozen=True)
class RetentionRule:
    """One row of the policy: what data, how long, why (the legal basis), what happens."""

    key: str
    order: int
    data: str | Promise
    period: Callable[[], str]
    basis: str | Promise
    action: str | Promise
    sweep: Sweep | None = None


_rules: dict[str, RetentionRule] = {}


def register(rule: RetentionRule) -> None:
    """Add (or replace, by key) a rule; apps call this from ``AppConfig.ready``."""
    _rules[rule.key] = rule


def rules() -> list[RetentionRule]:
    return sorted(_rules.values(), key=lambda rule: (rule.order, rule.key))


def rule(key: str) -> RetentionRule:
    return _rules[key]


# --- Periods -----------------------------------------------------------------------------------


def months_before(moment: datetime, months: int) -> datetime:
    """The same day and time ``months`` calendar months earlier (the last day of a short month)."""
    month_index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    for day in (moment.day, 30, 29, 28):
        try:
            return moment.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    raise ValueError(moment)  # pragma: no cover - day 28 exists in every month


def accounting_kept_until(day: date, *, years: int) -> date:
    """The last day a record of ``day`` must be kept: the end of the financial year (the
    calendar year) it belongs to, plus ``years`` (Kirjanpitolaki 2:10)."""
    return date(day.year + years, 12, 31)


def voucher_kept_until(day: date) -> date:
    return accounting_kept_until(day, years=settings.ACCOUNTING_VOUCHER_YEARS)


def books_kept_until(day: date) -> date:
    return accounting_kept_until(day, years=settings.ACCOUNTING_BOOKS_YEARS)


def months_text(count: int) -> str:
    return ngettext("%(count)d month", "%(count)d months", count) % {"count": count}


def days_text(count: int) -> str:
    return ngettext("%(count)d day", "%(count)d days", count) % {"count": count}


def years_text(count: int) -> str:
    return ngettext("%(count)d year", "%(count)d years", count) % {"count": count}


# --- Running -----------------------------------------------------------------------------------


def retention_due(*, now: datetime | None = None) -> dict[str, int]:
    """How many rows each rule would remove now (nothing changes)."""
    return retention_run(now=now, dry_run=True)


def retention_run(
    *, now: datetime | None = None, dry_run: bool = False, keys: list[str] | None = None
) -> dict[str, int]:
    """Run the sweep of every rule (or of ``keys``): ``{key: rows removed}``."""
    now = now or timezone.now()
    unknown = set(keys or []) - set(_rules)
    if unknown:
        raise KeyError(", ".join(sorted(unknown)))
    counts: dict[str, int] = {}
    for item in rules():
        if item.sweep is None or (keys and item.key not in keys):
            continue
        if dry_run:
            counts[item.key] = item.sweep(now=now, dry_run=True)
            continue
        with transaction.atomic():
            counts[item.key] = item.sweep(now=now, dry_run=False)
        if counts[item.key]:
            logger.info("retention %s: %s removed", item.key, counts[item.key])
    return counts


# --- The core's own rule: messages sent -----------------------------------------------------


def messages_sweep(*, now: datetime, dry_run: bool) -> int:
    """Messages (e-mails and text messages with their text) older than the period."""
    from expertbank.models import Message

    old = Message.objects.filter(
        created_at__lt=months_before(now, settings.RETENTION_MESSAGE_MONTHS)
    )
    if dry_run:
        return old.count()
    count, _ = old.delete()
    return count


def phone_codes_sweep(*, now: datetime, dry_run: bool) -> int:
    """Phone verification codes (a keyed hash and the number) a day after they were sent: a
    code is valid ten minutes, and the rate limit counts the last hour."""
    from expertbank.models import PhoneVerification
    from expertbank.services.phone_verification import KEEP_FOR

    old = PhoneVerification.objects.filter(created_at__lt=now - KEEP_FOR)
    if dry_run:
        return old.count()
    count, _ = old.delete()
    return count


def _keep_phone_codes_days() -> int:
    from expertbank.services.phone_verification import KEEP_FOR

    return KEEP_FOR.days


def register_core_rules() -> None:
    from django.utils.translation import gettext_lazy as _

    register(
        RetentionRule(
            key="messages",
            order=60,
            data=_("E-mails and text messages sent by the site (address and text)"),
            period=lambda: months_text(settings.RETENTION_MESSAGE_MONTHS),
            basis=_(
                "Needed only to show that a notice was sent and to answer questions about it "
                "(GDPR art. 5(1)(e), storage limitation)."
            ),
            action=_("Deleted."),
            sweep=messages_sweep,
        )
    )
    register(
        RetentionRule(
            key="phone_codes",
            order=61,
            data=_("Codes sent to verify a phone number (the number and the code's hash)"),
            period=lambda: days_text(_keep_phone_codes_days()),
            basis=_(
                "Needed only while the code can be used and its sending is limited "
                "(GDPR art. 5(1)(e), storage limitation)."
            ),
            action=_("Deleted."),
            sweep=phone_codes_sweep,
        )
    )
