"""Bookings' part of erasing an expert (``experts.erasure``): offer notes, reports, receipts (the
files deleted from storage), check-ins, the calendar address, customer panel answers and
applications, and the notes of the expert's history entries. The gigs themselves stay — with no
personal text — while the books need them.

Refused while the expert has open offers, gigs ahead or gigs not yet paid.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Max, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from bookings.models import (
    Assignment,
    BookingChange,
    CalendarToken,
    CheckIn,
    Expense,
    Gig,
    GigReport,
    PanelApplication,
    PanelAttendance,
    PanelMember,
)
from expertbank.retention import books_kept_until
from expertbank.services.erasure import ERASED
from experts.erasure import Eraser, ErasureContext
from experts.models import Expert


def _unpaid_gigs(expert: Expert):
    """Gigs that still owe the expert a report, an approval or money."""
    return Gig.objects.filter(expert=expert).filter(
        Q(status__in=[Gig.Status.REPORTED, Gig.Status.APPROVED], written_off=False)
        | Q(status=Gig.Status.PLANNED, start__lte=timezone.now())
        | Q(
            status=Gig.Status.CANCELLED,
            late_cancelled=True,
            paid_on__isnull=True,
            written_off=False,
            fee_amount__gt=0,
        )
    )


def _bookings_refusals(expert: Expert) -> list[str]:
    reasons = []
    offers = Assignment.objects.filter(expert=expert, status=Assignment.Status.OFFERED).count()
    if offers:
        reasons.append(
            ngettext(
                "The expert has %(count)d open offer: withdraw it first.",
                "The expert has %(count)d open offers: withdraw them first.",
                offers,
            )
            % {"count": offers}
        )
    upcoming = Gig.objects.filter(
        expert=expert, status=Gig.Status.PLANNED, start__gt=timezone.now()
    ).count()
    if upcoming:
        reasons.append(
            ngettext(
                "The expert has %(count)d confirmed gig ahead: cancel it or find a "
                "replacement first.",
                "The expert has %(count)d confirmed gigs ahead: cancel them or find "
                "replacements first.",
                upcoming,
            )
            % {"count": upcoming}
        )
    unpaid = _unpaid_gigs(expert).count()
    if unpaid:
        reasons.append(
            ngettext(
                "%(count)d gig of the expert is not yet reported, approved and paid.",
                "%(count)d gigs of the expert are not yet reported, approved and paid.",
                unpaid,
            )
            % {"count": unpaid}
        )
    return reasons


def _bookings_erase(ctx: ErasureContext) -> None:
    expert = ctx.expert
    assignments = Assignment.objects.filter(expert=expert)
    gigs = Gig.objects.filter(expert=expert)
    reports = GigReport.objects.filter(gig__expert=expert)
    expenses = Expense.objects.filter(report__gig__expert=expert)
    ctx.audited([*assignments, *gigs, *reports])
    assignments.update(offer_note="", pair_debrief="")
    reports.update(km_from="", notes="", review_note="")
    for expense in expenses:
        ctx.delete_file(expense.receipt)
    # The amount stays (the fee statement and invoice add up to it); what it was for goes.
    expenses.update(description=_erased_expense(), receipt="", receipt_name="", receipt_type="")
    CheckIn.objects.filter(gig__expert=expert).delete()
    CalendarToken.objects.filter(expert=expert).delete()
    # A customer panel member's mix answers (age group, region, experience of the service) and
    # the application they joined with: the seat and its attendance stay while the books do.
    PanelApplication.objects.filter(member__expert=expert).update(
        full_name=ERASED, email="", phone="", answers={}, why=""
    )
    PanelMember.objects.filter(expert=expert).update(answers={})
    history = BookingChange.objects.filter(Q(gig__expert=expert) | Q(assignment__expert=expert))
    for entry in history:
        entry.note = ""
        entry.changes = {name: [ERASED, ERASED] for name in entry.changes or {}}
    BookingChange.objects.bulk_update(history, ["note", "changes"])


def _erased_expense() -> str:
    from django.conf import settings

    with translation.override(settings.LANGUAGE_CODE):
        return _("expense (erased)")


def _bookings_kept_until(expert: Expert) -> date | None:
    last = Gig.objects.filter(expert=expert).aggregate(last=Max("start"))["last"]
    return books_kept_until(timezone.localdate(last)) if last else None


def _bookings_release(*, expert: Expert, dry_run: bool) -> int:
    """The erased expert's gigs and assignments, once the books no longer need them."""
    gigs = Gig.objects.filter(expert=expert)
    assignments = Assignment.objects.filter(expert=expert)
    count = gigs.count() + assignments.count()
    if dry_run:
        return count
    Gig.objects.filter(previous__in=gigs).update(previous=None)
    Assignment.objects.filter(replacement_for__in=assignments).update(replacement_for=None)
    CheckIn.objects.filter(gig__in=gigs).delete()
    PanelAttendance.objects.filter(gig__in=gigs).delete()
    PanelMember.objects.filter(assignment__in=assignments).delete()
    gigs.delete()  # reports, expenses and history entries with them
    assignments.delete()
    return count


BOOKINGS_ERASER = Eraser(
    name="bookings",
    order=20,
    erase=_bookings_erase,
    refusals=_bookings_refusals,
    kept_until=_bookings_kept_until,
    release=_bookings_release,
)
