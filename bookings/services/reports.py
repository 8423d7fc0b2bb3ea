"""After the gig: the expert's report (hours, preparation, travel, expenses with receipts) and
check-in, the coordinator's approval or return, the debrief follow-up and the reminder to report.

Each service runs in one durable transaction, locks the booking and then the gig, checks the
allowed source state, writes a ``StatusChange`` row for the gig and raises ``BookingError`` with a
message for the person; a refused change changes nothing, and receipts stored before a refusal
are removed again. Messages are queued in the same transaction and sent when it commits.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings.models import CheckIn, Expense, Gig, GigReport, Panel
from bookings.models.reports import MAX_EXPENSE, MAX_HOURS, MAX_KM, MAX_PREPARATION_HOURS
from bookings.money import cancellation_amounts, report_amounts
from bookings.selectors.after import report_reminders_due
from bookings.selectors.staffing import coordinators
from bookings.services.common import (
    BookingError,
    Kind,
    change_status,
    lock_booking,
    lock_gigs,
    record,
    require,
)
from bookings.services.receipts import ReceiptError, receipt_check, shown_name
from expertbank.formatting import euros, moment
from expertbank.models import Message, User
from expertbank.services.notifications import message_send

MAX_EXPENSES = 10
# Reminders go out from this hour (local time) on the day after the gig, and not for gigs that
# ended more than REMINDER_WINDOW ago (a bank that starts using the site is not flooded).
REMINDER_HOUR = 9
REMINDER_WINDOW = timedelta(days=7)

Status = Gig.Status


@dataclass(frozen=True)
class ExpenseInput:
    description: str
    amount: Decimal
    receipt: UploadedFile | None


@dataclass(frozen=True)
class CheckInInput:
    feeling: int | None = None
    wants_debrief: bool = False
    message: str = ""

    @property
    def given(self) -> bool:
        return bool(self.feeling or self.wants_debrief or self.message.strip())


def _url(name: str, *args) -> str:
    return settings.SITE_URL + reverse(name, args=args)


# --- The expert reports --------------------------------------------------------------------------


def report_submit(
    *,
    gig: Gig,
    by: User,
    hours: Decimal,
    preparation_hours: Decimal = Decimal(0),
    km: int = 0,
    km_from: str = "",
    notes: str = "",
    expenses: Sequence[ExpenseInput] = (),
    remove_expenses: Iterable[int] = (),
    checkin: CheckInInput | None = None,
    fee_declined: bool = False,
) -> GigReport:
    """The expert reports a gig that has ended: planned → reported.

    Only the gig's own expert reports, only after its end, once; a report the coordinator
    returned can be changed and sent again (its expenses kept, removed or added). Each new
    expense needs a receipt (PDF, JPEG, PNG or HEIC, at most 5 MB). A check-in is kept once per
    gig; one asking for a debrief tells the coordinators.
    """
    stored: list[str] = []
    try:
        return _report_submit(
            gig_id=gig.pk,
            by=by,
            hours=hours,
            preparation_hours=preparation_hours,
            km=km,
            km_from=km_from,
            notes=notes,
            expenses=expenses,
            remove_expenses=set(remove_expenses),
            checkin=checkin,
            stored=stored,
            fee_declined=fee_declined,
        )
    except BaseException:
        for name in stored:  # the transaction rolled back: no receipt without its row
            default_storage.delete(name)
        raise


def _check_numbers(*, hours: Decimal, preparation_hours: Decimal, km: int) -> None:
    if hours < 0 or preparation_hours < 0 or km < 0:
        raise BookingError(_("Hours and kilometres cannot be negative."))
    if hours > MAX_HOURS:
        raise BookingError(_("A gig can last at most 24 hours. Check the hours."))
    if preparation_hours > MAX_PREPARATION_HOURS:
        raise BookingError(_("Preparation can be at most 40 hours. Check the hours."))
    if km > MAX_KM:
        raise BookingError(
            _("%(km)s km is more than we can pay for one gig. Check the kilometres.") % {"km": km}
        )


def _check_expense(expense: ExpenseInput) -> str:
    if not expense.description.strip():
        raise BookingError(_("Say what each expense was for."))
    if not Decimal("0.01") <= expense.amount <= MAX_EXPENSE:
        raise BookingError(_("An expense must be between 0.01 and 5000 euros."))
    if expense.receipt is None:
        raise BookingError(_("Add the receipt of each expense (a photo or a PDF)."))
    try:
        return receipt_check(expense.receipt)
    except ReceiptError as exc:
        raise BookingError(str(exc)) from exc


def _refuse_unless_reportable(gig: Gig, by: User) -> None:
    if gig.expert.user_id != by.pk:
        raise BookingError(_("You can report only your own gigs."))
    if Panel.objects.filter(booking_id=gig.booking_id).exists():
        raise BookingError(
            _(
                "This is a customer panel meeting: the organiser records who came, and that is "
                "your report. You need not send anything."
            )
        )
    if gig.status == Status.REPORTED:
        raise BookingError(
            _(
                "You have already sent the report of this gig. It is waiting for the coordinator; "
                "if something is wrong, ask the coordinator to return it to you."
            )
        )
    if gig.status in (Status.APPROVED, Status.PAID):
        raise BookingError(_("The report of this gig is already approved."))
    require(gig, {Status.PLANNED}, _("This gig is %(status)s, so there is nothing to report."))
    if gig.end > timezone.now():
        raise BookingError(
            _("You can report the gig after it has ended (%(end)s).") % {"end": moment(gig.end)}
        )


@transaction.atomic(durable=True)
def _report_submit(
    *,
    gig_id: int,
    by: User,
    hours: Decimal,
    preparation_hours: Decimal,
    km: int,
    km_from: str,
    notes: str,
    expenses: Sequence[ExpenseInput],
    remove_expenses: set[int],
    checkin: CheckInInput | None,
    stored: list[str],
    fee_declined: bool = False,
) -> GigReport:
    booking_id = Gig.objects.values_list("booking_id", flat=True).get(pk=gig_id)
    booking = lock_booking(booking_id)
    gig = lock_gigs(Gig.objects.filter(pk=gig_id))[0]
    _refuse_unless_reportable(gig, by)
    _check_numbers(hours=hours, preparation_hours=preparation_hours, km=km)
    if km and not km_from.strip():
        raise BookingError(_("Say where you drove from."))
    report = GigReport.objects.select_for_update().filter(gig=gig).first()
    kept = 0
    if report is not None:
        existing = set(report.expenses.values_list("pk", flat=True))
        if not remove_expenses <= existing:
            raise BookingError(_("An expense to remove is not on this report. Reload the page."))
        kept = len(existing - remove_expenses)
    elif remove_expenses:
        raise BookingError(_("An expense to remove is not on this report. Reload the page."))
    if kept + len(expenses) > MAX_EXPENSES:
        raise BookingError(_("A report can have at most %(max)s expenses.") % {"max": MAX_EXPENSES})
    types = [_check_expense(expense) for expense in expenses]

    again = report is not None
    if report is None:
        report = GigReport(gig=gig)
    report.hours, report.preparation_hours = hours, preparation_hours
    report.km, report.km_from, report.notes = km, km_from.strip(), notes.strip()
    report.fee_declined = fee_declined
    report.status = GigReport.Status.SUBMITTED
    report.submitted_at = timezone.now()
    try:
        report.full_clean(exclude=["gig"])
    except ValidationError as exc:
        raise BookingError(" ".join(exc.messages)) from exc
    report.save()
    if remove_expenses:
        removed = list(report.expenses.filter(pk__in=remove_expenses))
        names = [expense.receipt.name for expense in removed if expense.receipt]
        Expense.objects.filter(pk__in=[expense.pk for expense in removed]).delete()
        transaction.on_commit(lambda: [default_storage.delete(name) for name in names])
    for expense, content_type in zip(expenses, types, strict=True):
        row = Expense(
            report=report,
            description=expense.description.strip(),
            amount=expense.amount,
            receipt_name=shown_name(expense.receipt),
            receipt_type=content_type,
        )
        row.receipt.save("receipt", expense.receipt, save=False)
        stored.append(row.receipt.name)
        row.save()
    if checkin is not None and checkin.given and not CheckIn.objects.filter(gig=gig).exists():
        given = CheckIn.objects.create(
            gig=gig,
            feeling=checkin.feeling or None,
            wants_debrief=checkin.wants_debrief,
            message=checkin.message.strip(),
        )
        if given.wants_debrief:
            _debrief_wanted(given, gig)
    change_status(
        gig,
        Status.REPORTED,
        booking=booking,
        by=by,
        note=_("The report was sent again.") if again else "",
    )
    return report


def _debrief_wanted(checkin: CheckIn, gig: Gig) -> None:
    """Every coordinator hears that an expert would like a debrief (not what they wrote)."""
    for user in coordinators():
        message_send(
            kind="checkin_debrief",
            key=f"checkin-debrief:{checkin.pk}:u{user.pk}",
            to_user=user,
            context={
                "name": gig.expert.name,
                "title": gig.booking.title,
                "gig": gig,
                "url": _url("bookings_coordinator:checkins"),
            },
        )


# --- The coordinator approves or returns ---------------------------------------------------------


def report_can_approve(gig: Gig, report: GigReport | None) -> bool:
    """A reported gig with its report can be approved."""
    return gig.status == Status.REPORTED and report is not None


def gig_can_settle(gig: Gig) -> bool:
    """A gig cancelled late has its cancellation amounts fixed once."""
    return gig.status == Status.CANCELLED and gig.late_cancelled and gig.billable_amount is None


@transaction.atomic(durable=True)
def report_approve(*, gig: Gig, by: User) -> Gig:
    """Approve a reported gig: reported → approved, with its fee and billable amount fixed.

    The amounts come from the booking's frozen terms and the report (``bookings.money``). A gig
    that was cancelled late has no report: approving it fixes its cancellation amounts instead
    (``cancellation_settle``).
    """
    booking = lock_booking(gig.booking_id)
    gig = lock_gigs(Gig.objects.filter(pk=gig.pk))[0]
    if gig.status == Status.CANCELLED and gig.late_cancelled:
        return _settle(booking, gig, by)
    if gig.status == Status.PLANNED:
        raise BookingError(
            _("The expert has not sent the report of this gig yet, so it cannot be approved.")
        )
    require(
        gig, {Status.REPORTED}, _("Only a reported gig can be approved; this gig is %(status)s.")
    )
    report = GigReport.objects.select_for_update().filter(gig=gig).first()
    if report is None:
        raise BookingError(_("This gig has no report to approve. Return it to the expert."))
    if booking.terms is None:
        raise BookingError(
            _(
                "This booking has no price terms (no price row for %(kind)s was in force when it "
                "was requested), so the fee cannot be counted. Set its terms on the booking's "
                "page, then approve."
            )
            % {"kind": booking.work_kind.name}
        )
    amounts = report_amounts(gig=gig, report=report, terms=booking.terms)
    gig.fee_amount, gig.billable_amount = amounts.fee, amounts.billable
    report.status = GigReport.Status.APPROVED
    report.reviewed_at, report.reviewed_by = timezone.now(), by
    report.save(update_fields=["status", "reviewed_at", "reviewed_by"])
    change_status(
        gig,
        Status.APPROVED,
        booking=booking,
        by=by,
        note=_("Fee %(fee)s, billable %(billable)s.")
        % {"fee": euros(amounts.fee), "billable": euros(amounts.billable)},
        fields=["fee_amount", "billable_amount"],
    )
    return gig


@transaction.atomic(durable=True)
def cancellation_settle(*, gig: Gig, by: User) -> Gig:
    """Fix the amounts of a gig cancelled late: the expert's cancellation fee and the unit's
    share of the client cancellation fee (``bookings.money``). Its status stays cancelled."""
    booking = lock_booking(gig.booking_id)
    gig = lock_gigs(Gig.objects.filter(pk=gig.pk))[0]
    return _settle(booking, gig, by)


def _settle(booking, gig: Gig, by: User) -> Gig:
    if not (gig.status == Status.CANCELLED and gig.late_cancelled):
        raise BookingError(_("Only a gig cancelled late has cancellation amounts to fix."))
    if not gig_can_settle(gig):
        raise BookingError(_("The cancellation amounts of this gig are already fixed."))
    amounts = cancellation_amounts(booking)[gig.pk]
    gig.fee_amount, gig.billable_amount = amounts.fee, amounts.billable
    gig.save(update_fields=["fee_amount", "billable_amount"])
    record(
        gig,
        booking=booking,
        by=by,
        kind=Kind.AMOUNTS,
        note=_("Cancellation amounts fixed: fee %(fee)s, billable %(billable)s.")
        % {"fee": euros(amounts.fee), "billable": euros(amounts.billable)},
    )
    return gig


@transaction.atomic(durable=True)
def report_return(*, gig: Gig, by: User, note: str) -> GigReport:
    """Return a report to the expert with a note: reported → planned until they send it again."""
    booking = lock_booking(gig.booking_id)
    gig = lock_gigs(Gig.objects.filter(pk=gig.pk))[0]
    require(
        gig,
        {Status.REPORTED},
        _("Only a report waiting for approval can be returned; this gig is %(status)s."),
    )
    note = note.strip()
    if not note:
        raise BookingError(_("Tell the expert what to fix."))
    report = GigReport.objects.select_for_update().filter(gig=gig).first()
    if report is None:
        raise BookingError(_("This gig has no report to return."))
    report.status = GigReport.Status.RETURNED
    report.review_note = note
    report.reviewed_at, report.reviewed_by = timezone.now(), by
    report.save(update_fields=["status", "review_note", "reviewed_at", "reviewed_by"])
    change = change_status(gig, Status.PLANNED, booking=booking, by=by, note=note)
    message_send(
        kind="report_returned",
        key=f"report-returned:{change.pk}",
        to_user=gig.expert.user,
        context={
            "booking": booking,
            "gig": gig,
            "note": note,
            "url": _url("bookings_expert:report", gig.pk),
        },
    )
    return report


# --- Check-ins -----------------------------------------------------------------------------------


@transaction.atomic(durable=True)
def checkin_arrange(*, checkin: CheckIn, by: User, note: str = "") -> CheckIn:
    """A coordinator marks the debrief an expert asked for as arranged, with a note."""
    checkin = CheckIn.objects.select_for_update().get(pk=checkin.pk)
    if not checkin.wants_debrief:
        raise BookingError(_("This check-in does not ask for a debrief."))
    if checkin.handled_at is not None:
        raise BookingError(_("The debrief is already marked arranged."))
    checkin.handled_at, checkin.handled_by = timezone.now(), by
    checkin.handled_note = note.strip()
    checkin.save(update_fields=["handled_at", "handled_by", "handled_note"])
    return checkin


# --- The reminder --------------------------------------------------------------------------------


def report_reminders_send(*, now: datetime | None = None) -> int:
    """Remind each expert, once per gig, to report a gig that ended before today (the sweep).

    From 9.00 local time on the day after the gig, for gigs that ended within the last week and
    have no report. The message key (one per gig) makes a repeated sweep send nothing new.
    """
    now = timezone.localtime(now or timezone.now())
    if now.hour < REMINDER_HOUR:
        return 0
    today = timezone.make_aware(datetime.combine(now.date(), time(0)))
    due = list(report_reminders_due(ended_after=today - REMINDER_WINDOW, ended_before=today)[:1000])
    keys = {gig.pk: f"report-reminder:{gig.pk}" for gig in due}
    sent = set(Message.objects.filter(key__in=keys.values()).values_list("key", flat=True))
    count = 0
    for gig in due:
        user = gig.expert.user
        if keys[gig.pk] in sent or not user.is_active:
            continue
        message_send(
            kind="report_reminder",
            key=keys[gig.pk],
            to_user=user,
            context={
                "booking": gig.booking,
                "gig": gig,
                "url": _url("bookings_expert:report", gig.pk),
            },
        )
        count += 1
    return count
