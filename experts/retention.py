"""The pool's retention rules (``expertbank.retention``): expired documents, import files and
what the books kept of erased experts. Registered in ``ExpertsConfig.ready``."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from expertbank.retention import (
    RetentionRule,
    days_text,
    register,
    years_text,
)
from experts.erasure import experts_erased_purge
from experts.models import ExpertDocument, ExpertImport


def documents_expired_sweep(*, now: datetime, dry_run: bool) -> int:
    """Documents whose validity ended longer ago than the grace period."""
    cutoff = timezone.localdate(now) - timedelta(days=settings.RETENTION_DOCUMENT_GRACE_DAYS)
    expired = ExpertDocument.objects.filter(valid_until__isnull=False, valid_until__lt=cutoff)
    if dry_run:
        return expired.count()
    count, _deleted = expired.delete()
    return count


def imports_sweep(*, now: datetime, dry_run: bool) -> int:
    """Uploaded import files (and the log of them) older than the period, whatever their state."""
    old = ExpertImport.objects.filter(
        uploaded_at__lt=now - timedelta(days=settings.RETENTION_IMPORT_DAYS)
    )
    if dry_run:
        return old.count()
    count, _deleted = old.delete()
    return count


def _accounting_period() -> str:
    return gettext("vouchers %(vouchers)s, books %(books)s after the end of the financial year") % {
        "vouchers": years_text(settings.ACCOUNTING_VOUCHER_YEARS),
        "books": years_text(settings.ACCOUNTING_BOOKS_YEARS),
    }


RULES = [
    RetentionRule(
        key="expert_profiles",
        order=10,
        data=_(
            "An expert's profile, lived-experience and health data, check-ins, notes, documents "
            "and uploads"
        ),
        period=lambda: gettext("as long as the expert is in the pool"),
        basis=_(
            "The expert's explicit consent (GDPR art. 9(2)(a)) and the assignment agreement "
            "(art. 6(1)(b)); withdrawable at any time."
        ),
        action=_(
            "A coordinator erases it at once on request or when the expert leaves: the "
            "expert's page has Erase personal data."
        ),
    ),
    RetentionRule(
        key="erased_accounting",
        order=20,
        data=_(
            "Of an erased expert: fee statements, payments and the gigs behind invoices, with "
            "amounts, dates and the pseudonym only"
        ),
        period=_accounting_period,
        basis=_(
            "Accounting Act (Kirjanpitolaki 1336/1997) 2:10 — a legal obligation "
            "(GDPR art. 6(1)(c), art. 17(3)(b))."
        ),
        action=_(
            "Fee statements are deleted when the voucher period ends; the rest, the pseudonym "
            "and the login when the books' period ends."
        ),
        sweep=experts_erased_purge,
    ),
    RetentionRule(
        key="expired_documents",
        order=40,
        data=_("Documents seen or signed (criminal-record extracts, pledges, agreements)"),
        period=lambda: (
            gettext("validity + %(grace)s")
            % {"grace": days_text(settings.RETENTION_DOCUMENT_GRACE_DAYS)}
        ),
        basis=_(
            "Needed only while valid; a criminal-record extract may not be kept longer than "
            "the check needs (Act 148/2014)."
        ),
        action=_("Deleted."),
        sweep=documents_expired_sweep,
    ),
    RetentionRule(
        key="expert_imports",
        order=70,
        data=_("Uploaded import files of experts"),
        period=lambda: days_text(settings.RETENTION_IMPORT_DAYS),
        basis=_(
            "Needed only to import the experts; the content itself is emptied a day after upload."
        ),
        action=_("Deleted with the log of the upload."),
        sweep=imports_sweep,
    ),
]


def register_rules() -> None:
    for rule in RULES:
        register(rule)
