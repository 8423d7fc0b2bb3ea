"""Standing customer panels: creating a panel with its meetings booking, the open call,
choosing members, meetings, attendance, minutes and the changes made because of the panel.

A panel's meetings are one series booking of the customer-panel kind of work, confirmed when the
panel is created, with its terms frozen from the price row in force on the term's first day (the
meeting fee is those terms' expert fee; its income type, 210 meeting fee, comes from the kind of
work). Every member holds one accepted assignment on it and a planned gig at each meeting of
their term: nobody is offered a seat and nothing is matched. Recorded attendance is the work
report: a member who came has their gig reported (the coordinator approves it as any report, and
the fee and invoice runs take it from there); one who did not has their gig cancelled without a
fee.

Each top-level service runs in ``transaction.atomic(durable=True)`` and locks the meetings
booking first (every change to one panel runs one at a time); ``*_impl`` variants run inside the
caller's transaction (the demo data).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings import money
from bookings.models import (
    Assignment,
    Booking,
    Gig,
    GigReport,
    Occurrence,
    Panel,
    PanelApplication,
    PanelAttendance,
    PanelChange,
    PanelMeeting,
    PanelMember,
    Unit,
)
from bookings.models.bookings import MAX_EXPERTS
from bookings.money import hours_between
from bookings.services import notify
from bookings.services.common import (
    BookingError,
    change_status,
    ensure_free,
    lock_booking,
    lock_gigs,
    plan_gig,
    record,
    refresh_span,
)
from bookings.services.terms import freeze_terms
from expertbank.formatting import euros
from expertbank.models import User
from expertbank.services.notifications import message_send
from experts.models import Expert, PrivacyNotice, WorkKind
from experts.services.consent import applicant_expert_impl
from experts.services.pool import ExpertError

PANEL_WORK_KIND = "customer-panel"
MAX_CRITERIA = 6
MAX_OPTIONS = 10
MAX_MINUTES_BYTES = 10 * 1024 * 1024
MAX_MEETING_HOURS = 8


@dataclass(frozen=True)
class Criterion:
    label: str
    options: tuple[str, ...]


def criteria_of(panel: Panel) -> list[Criterion]:
    """The panel's mix criteria as read from its stored list (bad entries are skipped)."""
    result = []
    for item in panel.criteria or []:
        if isinstance(item, dict) and item.get("label") and item.get("options"):
            result.append(Criterion(str(item["label"]), tuple(str(o) for o in item["options"])))
    return result


def criteria_check(criteria: Sequence[Criterion]) -> list[dict]:
    """The criteria as stored, or ``BookingError`` when there are too many or an option repeats."""
    if len(criteria) > MAX_CRITERIA:
        raise BookingError(
            _("A panel can have at most %(max)s mix criteria.") % {"max": MAX_CRITERIA}
        )
    labels = [c.label.strip() for c in criteria]
    if len(set(labels)) != len(labels):
        raise BookingError(_("Two mix criteria have the same name. Give each its own name."))
    stored = []
    for criterion in criteria:
        options = [o.strip() for o in criterion.options if o.strip()]
        if not criterion.label.strip() or len(options) < 2:
            raise BookingError(
                _(
                    "Each mix criterion needs a name and at least two options, e.g. "
                    "“Age group: 18–29; 30–49; 50 or over”."
                )
            )
        if len(options) > MAX_OPTIONS or len(set(options)) != len(options):
            raise BookingError(
                _("A mix criterion can have at most %(max)s options, each once.")
                % {"max": MAX_OPTIONS}
            )
        stored.append({"label": criterion.label.strip(), "options": options})
    return stored


def answers_check(panel: Panel, answers: dict[str, str]) -> dict[str, str]:
    """Exactly one known option per criterion of the panel (``BookingError`` otherwise)."""
    clean = {}
    for criterion in criteria_of(panel):
        value = (answers.get(criterion.label) or "").strip()
        if value not in criterion.options:
            raise BookingError(
                _("Choose an option for “%(criterion)s”.") % {"criterion": criterion.label}
            )
        clean[criterion.label] = value
    return clean


# --- The panel -----------------------------------------------------------------------------------


@transaction.atomic(durable=True)
def panel_create(*, unit: Unit, by: User | None, **values) -> Panel:
    """A new panel of ``unit`` with its meetings booking (see ``panel_create_impl``)."""
    return panel_create_impl(unit=unit, by=by, **values)


def panel_create_impl(
    *,
    unit: Unit,
    by: User | None,
    name_fi: str,
    purpose: str,
    term_start: date,
    term_end: date,
    meetings_per_year: int,
    place: str,
    criteria: Sequence[Criterion] = (),
    call_open: bool = False,
    name_sv: str = "",
    name_en: str = "",
) -> Panel:
    """A panel of ``unit``: its term ends after it starts, 4–6 meetings a year, a meeting place,
    and a confirmed series booking of the customer-panel kind whose terms come from the price row
    in force on the term's first day (none: a coordinator sets them on the booking's page)."""
    if not name_fi.strip() or not purpose.strip() or not place.strip():
        raise BookingError(_("Give the panel a name, a purpose and a meeting place."))
    if term_end <= term_start:
        raise BookingError(_("The term must end after it starts."))
    if term_end > term_start + timedelta(days=366 * 4):
        raise BookingError(_("A panel's term can be at most four years."))
    if not 4 <= meetings_per_year <= 6:
        raise BookingError(_("A panel meets 4–6 times a year."))
    stored = criteria_check(criteria)
    work_kind = WorkKind.objects.filter(code=PANEL_WORK_KIND).first()
    if work_kind is None:
        raise BookingError(
            _("The kind of work “customer panel” is missing. Ask the administrator.")
        )
    booking = Booking.objects.create(
        title=name_fi.strip(),
        unit=unit,
        requested_by=by,
        work_kind=work_kind,
        kind=Booking.Kind.SERIES,
        place=place.strip(),
        purpose=purpose.strip(),
        experts_wanted=1,
        cost_centre=unit.cost_centre,
        contact_name=unit.contact_name,
        contact_phone=unit.contact_phone,
        status=Booking.Status.CONFIRMED,
    )
    row = money.price_row_for(
        organisation_id=unit.organisation_id, work_kind_id=work_kind.pk, day=term_start
    )
    booking.terms = freeze_terms(booking, source=row, row=row, by=by)
    booking.save(update_fields=["terms"])
    record(
        booking,
        booking=booking,
        by=by,
        from_status="",
        to_status=Booking.Status.CONFIRMED,
        note=_("The meetings of a standing customer panel: members are chosen, not offered."),
    )
    return Panel.objects.create(
        name_fi=name_fi.strip(),
        name_sv=name_sv.strip(),
        name_en=name_en.strip(),
        unit=unit,
        purpose=purpose.strip(),
        term_start=term_start,
        term_end=term_end,
        meetings_per_year=meetings_per_year,
        criteria=stored,
        call_open=call_open,
        place=place.strip(),
        booking=booking,
        created_by=by,
    )


@transaction.atomic(durable=True)
def panel_call_set(*, panel: Panel, open_: bool, by: User) -> Panel:
    """Open or close the panel's call for applications (only during its term)."""
    lock_booking(panel.booking_id)
    panel = Panel.objects.select_for_update().get(pk=panel.pk)
    if open_ and panel.term_end < timezone.localdate():
        raise BookingError(_("The panel's term has ended, so its call cannot be opened."))
    panel.call_open = open_
    panel.save(update_fields=["call_open"])
    return panel


def meeting_fee(panel: Panel) -> str:
    """The fee per meeting in words, from the meetings booking's frozen terms."""
    terms = panel.booking.terms
    if terms is None:
        return _("not set yet")
    return f"{euros(terms.expert_fee)} {terms.get_fee_unit_display()}"


# --- The open call -------------------------------------------------------------------------------


def panel_can_apply(panel: Panel) -> bool:
    return panel.call_open and panel.term_end >= timezone.localdate()


@transaction.atomic(durable=True)
def panel_application_submit(
    *,
    panel: Panel,
    full_name: str,
    email: str,
    phone: str,
    answers: dict[str, str],
    why: str,
    notice: PrivacyNotice,
    language: str,
) -> PanelApplication:
    """An application from the panel's public page: only while its call is open; one waiting
    application per e-mail address and panel."""
    panel = Panel.objects.select_for_update().get(pk=panel.pk)
    if not panel_can_apply(panel):
        raise BookingError(_("This panel is not taking applications now."))
    email = User.objects.normalize_email(email.strip()).lower()
    if not full_name.strip() or not email or not why.strip():
        raise BookingError(_("Give your name, your e-mail address and why you want to join."))
    if panel.applications.filter(email__iexact=email, status=PanelApplication.Status.NEW).exists():
        raise BookingError(
            _("An application from %(email)s is already waiting. You will hear from us soon.")
            % {"email": email}
        )
    return PanelApplication.objects.create(
        panel=panel,
        full_name=full_name.strip(),
        email=email,
        phone=phone.strip(),
        answers=answers_check(panel, answers),
        why=why.strip(),
        language=language,
        notice=notice,
    )


def _locked_new(application: PanelApplication) -> PanelApplication:
    lock_booking(application.panel.booking_id)
    application = (
        PanelApplication.objects.select_for_update()
        .select_related("panel__booking", "notice")
        .get(pk=application.pk)
    )
    if application.status != PanelApplication.Status.NEW:
        raise BookingError(_("This application has already been decided."))
    return application


@transaction.atomic(durable=True)
def panel_application_choose(*, application: PanelApplication, by: User) -> PanelMember:
    return panel_application_choose_impl(application=application, by=by)


def panel_application_choose_impl(*, application: PanelApplication, by: User) -> PanelMember:
    """Choose an applicant: a new person becomes a panel member (``Expert.Role.PANEL_MEMBER``,
    never offered other gigs) and is invited to set a password; an expert already in the pool
    joins as they are. Their consent on the form carries over; they get a seat at every meeting
    of their term."""
    application = _locked_new(application)
    panel = application.panel
    try:
        expert, _new = applicant_expert_impl(
            email=application.email,
            full_name=application.full_name,
            language=application.language,
            phone=application.phone,
            notice=application.notice,
            consented_at=application.consented_at,
            by=by,
            status=Expert.Status.ACTIVE,
            role=Expert.Role.PANEL_MEMBER,
        )
    except ExpertError as exc:
        raise BookingError(str(exc)) from exc
    member = _member_add(panel, expert, answers=application.answers, by=by, application=application)
    application.status = PanelApplication.Status.CHOSEN
    application.decided_at, application.decided_by = timezone.now(), by
    application.save(update_fields=["status", "decided_at", "decided_by"])
    return member


@transaction.atomic(durable=True)
def panel_application_decline(*, application: PanelApplication, by: User) -> PanelApplication:
    """Not chosen this time (the application stays for the record)."""
    application = _locked_new(application)
    application.status = PanelApplication.Status.NOT_CHOSEN
    application.decided_at, application.decided_by = timezone.now(), by
    application.save(update_fields=["status", "decided_at", "decided_by"])
    return application


# --- Members -------------------------------------------------------------------------------------


@transaction.atomic(durable=True)
def panel_member_add(
    *, panel: Panel, expert: Expert, answers: dict[str, str], by: User
) -> PanelMember:
    """Add an expert of the pool (a certified expert keeps their role) to the panel."""
    lock_booking(panel.booking_id)
    return _member_add(panel, expert, answers=answers_check(panel, answers), by=by)


def panel_member_add_impl(
    *, panel: Panel, expert: Expert, answers: dict[str, str], by: User | None
) -> PanelMember:
    lock_booking(panel.booking_id)
    return _member_add(panel, expert, answers=answers_check(panel, answers), by=by)


def _member_add(
    panel: Panel,
    expert: Expert,
    *,
    answers: dict,
    by: User | None,
    application: PanelApplication | None = None,
) -> PanelMember:
    today = timezone.localdate()
    if today > panel.term_end:
        raise BookingError(_("The panel's term has ended: no new members."))
    if expert.erased_at is not None or expert.status == Expert.Status.RETIRED:
        raise BookingError(_("%(name)s is no longer in the pool.") % {"name": expert.name})
    if panel.members.filter(expert=expert, left_on__isnull=True).exists():
        raise BookingError(_("%(name)s is already a member.") % {"name": expert.name})
    booking = panel.booking
    meetings = list(_meetings_from(panel, max(today, panel.term_start)))
    ensure_free(expert=expert, times=[(o.start, o.end) for o in meetings], own=False)
    now = timezone.now()
    assignment = Assignment.objects.create(
        booking=booking,
        expert=expert,
        status=Assignment.Status.ACCEPTED,
        answer_by=now,
        offered_at=now,
        offered_by=by,
        answered_at=now,
    )
    record(
        assignment,
        booking=booking,
        by=by,
        from_status="",
        to_status=Assignment.Status.ACCEPTED,
        note=_("Chosen as a member of the panel."),
    )
    member = PanelMember.objects.create(
        panel=panel,
        expert=expert,
        answers=answers,
        term_start=max(today, panel.term_start),
        term_end=panel.term_end,
        application=application,
        assignment=assignment,
    )
    for occurrence in meetings:
        plan_gig(assignment=assignment, occurrence=occurrence, by=by)
    _seats(booking)
    notify.confirmed_expert(booking, assignment)  # the meetings, with their calendar entries
    return member


def _meetings_from(panel: Panel, day: date):
    start = timezone.make_aware(datetime.combine(day, datetime.min.time()))
    return Occurrence.objects.filter(booking_id=panel.booking_id, start__gte=start).order_by(
        "start", "pk"
    )


def _seats(booking: Booking) -> None:
    members = PanelMember.objects.filter(panel__booking=booking, left_on__isnull=True).count()
    booking.experts_wanted = min(max(members, 1), MAX_EXPERTS)
    booking.save(update_fields=["experts_wanted", "updated_at"])


def panel_member_can_leave(member: PanelMember) -> bool:
    return member.left_on is None


@transaction.atomic(durable=True)
def panel_member_leave(*, member: PanelMember, by: User, on: date | None = None) -> PanelMember:
    """The member leaves the panel: their seats at later meetings are cancelled without a fee
    (meetings already held keep their attendance and fees)."""
    booking = lock_booking(member.panel.booking_id)
    member = (
        PanelMember.objects.select_for_update().select_related("expert__user").get(pk=member.pk)
    )
    if not panel_member_can_leave(member):
        raise BookingError(_("%(name)s has already left the panel.") % {"name": member.expert.name})
    on = on or timezone.localdate()
    after = timezone.make_aware(datetime.combine(on + timedelta(days=1), datetime.min.time()))
    gigs = lock_gigs(
        Gig.objects.filter(
            assignment_id=member.assignment_id, status=Gig.Status.PLANNED, start__gte=after
        )
    )
    for gig in gigs:
        gig.fee_amount = 0
        change_status(
            gig,
            Gig.Status.CANCELLED,
            booking=booking,
            by=by,
            note=_("Left the panel."),
            fields=["fee_amount"],
        )
    assignment = Assignment.objects.select_for_update().get(pk=member.assignment_id)
    change_status(
        assignment, Assignment.Status.WITHDRAWN, booking=booking, by=by, note=_("Left the panel.")
    )
    member.left_on = on
    member.save(update_fields=["left_on"])
    _seats(booking)
    return member


# --- Meetings ------------------------------------------------------------------------------------


@transaction.atomic(durable=True)
def panel_meeting_add(
    *, panel: Panel, start: datetime, end: datetime, by: User, topic: str = "", place: str = ""
) -> PanelMeeting:
    return panel_meeting_add_impl(
        panel=panel, start=start, end=end, by=by, topic=topic, place=place
    )


def panel_meeting_add_impl(
    *,
    panel: Panel,
    start: datetime,
    end: datetime,
    by: User | None,
    topic: str = "",
    place: str = "",
) -> PanelMeeting:
    """A meeting within the term (at most 8 hours) with a seat for every current member. A
    meetings booking already delivered or closed (every meeting so far settled) opens again."""
    booking = lock_booking(panel.booking_id)
    if end <= start:
        raise BookingError(_("The meeting must end after it starts."))
    if end - start > timedelta(hours=MAX_MEETING_HOURS):
        raise BookingError(_("A meeting can last at most %(h)s hours.") % {"h": MAX_MEETING_HOURS})
    day = timezone.localdate(start)
    if not panel.term_start <= day <= panel.term_end:
        raise BookingError(_("The meeting must be within the panel's term."))
    if booking.status == Booking.Status.CANCELLED:
        raise BookingError(_("The panel's meetings booking is cancelled: no more meetings."))
    members = list(
        PanelMember.objects.filter(panel=panel, left_on__isnull=True, term_end__gte=day)
        .select_related("expert__user", "assignment__booking__terms")
        .order_by("pk")
    )
    for member in members:
        ensure_free(expert=member.expert, times=[(start, end)], own=False)
    occurrence = Occurrence.objects.create(
        booking=booking, start=start, end=end, place=place.strip()
    )
    meeting = PanelMeeting.objects.create(panel=panel, occurrence=occurrence, agenda=topic.strip())
    for member in members:
        gig = plan_gig(assignment=member.assignment, occurrence=occurrence, by=by)
        if end > timezone.now():
            _meeting_invite(booking, gig, member.expert)
    refresh_span(booking)
    if booking.status in (Booking.Status.DELIVERED, Booking.Status.CLOSED):
        # A standing panel meets again: its booking is open until this meeting is settled.
        to = Booking.Status.CONFIRMED if end > timezone.now() else Booking.Status.DELIVERED
        if to != booking.status:
            change_status(
                booking, to, booking=booking, by=by, note=_("A new panel meeting was added.")
            )
    return meeting


def _meeting_invite(booking: Booking, gig: Gig, expert: Expert) -> None:
    """The member hears of the new meeting as of any confirmed gig (it is in their calendar)."""
    message_send(
        kind="booking_confirmed_expert",
        key=f"panel-meeting:{gig.pk}",
        to_user=expert.user,
        context={
            "booking": booking,
            "gigs": [gig],
            "url": settings.SITE_URL + reverse("bookings_expert:home"),
        },
    )


def attendance_can_record(meeting: PanelMeeting, *, now: datetime | None = None) -> bool:
    """Attendance is recorded once, after the meeting has started."""
    return meeting.attendance_recorded_at is None and meeting.occurrence.start <= (
        now or timezone.now()
    )


@transaction.atomic(durable=True)
def panel_attendance_record(
    *, meeting: PanelMeeting, attended: Collection[int], by: User
) -> list[PanelAttendance]:
    return panel_attendance_record_impl(meeting=meeting, attended=attended, by=by)


def panel_attendance_record_impl(
    *,
    meeting: PanelMeeting,
    attended: Collection[int],
    by: User | None,
    at: datetime | None = None,
) -> list[PanelAttendance]:
    """Record who came (``attended``: ids of ``PanelMember``): a member who came has their gig
    reported with the meeting's length as hours (the coordinator approves it and the fee is paid
    and billed as any gig's); one who did not has their gig cancelled without a fee. Once per
    meeting, after it has started."""
    booking = lock_booking(meeting.panel.booking_id)
    meeting = (
        PanelMeeting.objects.select_for_update().select_related("occurrence").get(pk=meeting.pk)
    )
    if meeting.attendance_recorded_at is not None:
        raise BookingError(
            _(
                "The attendance of this meeting is already recorded. Ask a coordinator to "
                "correct it."
            )
        )
    if not attendance_can_record(meeting):
        raise BookingError(_("Attendance can be recorded once the meeting has started."))
    gigs = lock_gigs(Gig.objects.filter(occurrence=meeting.occurrence, status=Gig.Status.PLANNED))
    members = {
        m.assignment_id: m
        for m in PanelMember.objects.filter(panel_id=meeting.panel_id, assignment__gigs__in=gigs)
    }
    unknown = set(attended) - {m.pk for m in members.values()}
    if unknown:
        raise BookingError(_("Someone ticked is not a member at this meeting. Reload the page."))
    hours = hours_between(meeting.occurrence.start, meeting.occurrence.end)
    rows = []
    note = _("Attendance recorded by %(name)s.") % {"name": by.get_full_name() if by else "–"}
    for gig in gigs:
        member = members.get(gig.assignment_id)
        if member is None:
            continue
        came = member.pk in attended
        if came:
            GigReport.objects.create(
                gig=gig,
                hours=hours,
                notes=note,
                submitted_at=at or timezone.now(),
            )
            change_status(gig, Gig.Status.REPORTED, booking=booking, by=by, note=note)
        else:
            gig.fee_amount = 0
            change_status(
                gig,
                Gig.Status.CANCELLED,
                booking=booking,
                by=by,
                note=_("Did not come to the meeting."),
                fields=["fee_amount"],
            )
        rows.append(
            PanelAttendance.objects.create(meeting=meeting, member=member, gig=gig, attended=came)
        )
    meeting.attendance_recorded_at = at or timezone.now()
    meeting.attendance_recorded_by = by
    meeting.save(update_fields=["attendance_recorded_at", "attendance_recorded_by"])
    return rows


def attendance_can_correct(row: PanelAttendance) -> bool:
    """A recorded attendance can be corrected until the member's fee is approved."""
    return row.gig.status in (Gig.Status.REPORTED, Gig.Status.CANCELLED)


@transaction.atomic(durable=True)
def panel_attendance_correct(
    *, attendance: PanelAttendance, came: bool, by: User
) -> PanelAttendance:
    """A coordinator corrects one member's recorded attendance before the fee is approved: one
    who did come after all gets a seat reported again (the cancelled one stays in the history);
    one who did not has the report removed and the seat cancelled without a fee."""
    booking = lock_booking(attendance.meeting.panel.booking_id)
    row = (
        PanelAttendance.objects.select_for_update(of=("self",))
        .select_related("member__assignment", "meeting__occurrence")
        .get(pk=attendance.pk)
    )
    gig = lock_gigs(Gig.objects.filter(pk=row.gig_id))[0]
    row.gig = gig
    if not attendance_can_correct(row):
        raise BookingError(
            _(
                "The fee of this meeting is already %(status)s, so the attendance can no longer "
                "change."
            )
            % {"status": gig.get_status_display()}
        )
    if row.attended == came:
        return row
    note = _("Attendance corrected by %(name)s.") % {"name": by.get_full_name()}
    if came:
        occurrence = row.meeting.occurrence
        ensure_free(expert=row.member.expert, times=[(occurrence.start, occurrence.end)], own=False)
        gig = plan_gig(assignment=row.member.assignment, occurrence=occurrence, by=by, note=note)
        GigReport.objects.create(
            gig=gig, hours=hours_between(occurrence.start, occurrence.end), notes=note
        )
        change_status(gig, Gig.Status.REPORTED, booking=booking, by=by, note=note)
        row.gig = gig
    else:
        GigReport.objects.filter(gig=gig).delete()
        gig.fee_amount = 0
        change_status(
            gig, Gig.Status.CANCELLED, booking=booking, by=by, note=note, fields=["fee_amount"]
        )
    row.attended = came
    row.save(update_fields=["attended", "gig"])
    return row


# --- Minutes and changes -------------------------------------------------------------------------


def minutes_check(upload: UploadedFile) -> None:
    if not upload.size:
        raise BookingError(_("The file %(name)s is empty.") % {"name": upload.name})
    if upload.size > MAX_MINUTES_BYTES:
        raise BookingError(_("The minutes can be at most 10 MB."))
    upload.seek(0)
    head = upload.read(5)
    upload.seek(0)
    if head != b"%PDF-":
        raise BookingError(
            _("The file %(name)s is not a PDF. Save the minutes as a PDF.") % {"name": upload.name}
        )


def panel_minutes_save(
    *, meeting: PanelMeeting, text: str, upload: UploadedFile | None, by: User
) -> PanelMeeting:
    """The meeting's minutes as text, a PDF, or both (a new PDF replaces the old, which is
    removed once the change is saved; a refused change leaves no file behind)."""
    stored: list[str] = []
    try:
        return _minutes_save(meeting=meeting, text=text, upload=upload, by=by, stored=stored)
    except BaseException:
        for name in stored:
            default_storage.delete(name)
        raise


@transaction.atomic(durable=True)
def _minutes_save(
    *, meeting: PanelMeeting, text: str, upload: UploadedFile | None, by: User, stored: list[str]
) -> PanelMeeting:
    lock_booking(meeting.panel.booking_id)
    meeting = PanelMeeting.objects.select_for_update().get(pk=meeting.pk)
    if upload is not None:
        minutes_check(upload)
    if not text.strip() and upload is None and not meeting.minutes_file:
        raise BookingError(_("Write the minutes or attach them as a PDF."))
    meeting.minutes_text = text.strip()
    if upload is not None:
        old = meeting.minutes_file.name
        meeting.minutes_file.save("minutes.pdf", upload, save=False)
        stored.append(meeting.minutes_file.name)
        if old:
            transaction.on_commit(lambda: default_storage.delete(old))
    meeting.save(update_fields=["minutes_text", "minutes_file"])
    return meeting


@transaction.atomic(durable=True)
def panel_change_add(
    *, panel: Panel, day: date, change: str, meeting: PanelMeeting | None, by: User
) -> PanelChange:
    return panel_change_add_impl(panel=panel, day=day, change=change, meeting=meeting, by=by)


def panel_change_add_impl(
    *, panel: Panel, day: date, change: str, meeting: PanelMeeting | None, by: User | None
) -> PanelChange:
    """Something the organiser changed because of the panel: not in the future, the meeting
    one of this panel's."""
    if not change.strip():
        raise BookingError(_("Say what was changed."))
    if day > timezone.localdate():
        raise BookingError(
            _("Record a change once it has been made: the date cannot be in the future.")
        )
    if meeting is not None and meeting.panel_id != panel.pk:
        raise BookingError(_("Choose one of this panel's meetings."))
    return PanelChange.objects.create(
        panel=panel, day=day, change=change.strip(), meeting=meeting, created_by=by
    )
