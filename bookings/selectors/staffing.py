"""The coordinator's side of staffing: bookings with their counts of experts, those short of
experts or ready to confirm, offers waiting, the coordinators to tell, and a booking's history."""

from __future__ import annotations

from django.conf import settings
from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bookings.models import Assignment, Booking, BookingChange, Gig
from expertbank.models import User
from expertbank.paging import Chained
from expertbank.roles import GROUP_ROLES, Role
from experts.models import ConsentRecord, PrivacyNotice

# A seat is filled by an accepted expert who is not an experienced partner: a pair (issue 17)
# fills one seat, the new expert's.
SEATED = Q(status=Assignment.Status.ACCEPTED, partner_of__isnull=True)


def seats_filled(booking: Booking) -> int:
    """How many of the booking's seats are filled (a pair counts once)."""
    return booking.assignments.filter(SEATED).count()


def _assignment_count(condition: Q) -> Coalesce:
    counted = (
        Assignment.objects.filter(condition, booking=OuterRef("pk"))
        .order_by()
        .values("booking")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def with_counts(bookings: QuerySet[Booking]) -> QuerySet[Booking]:
    """Each booking's filled seats (``SEATED``) and open offers, counted per row by a subquery
    (an index on the booking's assignments by status), not by a GROUP BY over every assignment
    of every booking: the database counts only the rows it returns, and the paginator's COUNT
    drops the annotations it does not filter by."""
    return bookings.annotate(
        accepted_count=_assignment_count(SEATED),
        offered_count=_assignment_count(Q(status=Assignment.Status.OFFERED)),
    )


def coordinator_booking_list() -> QuerySet[Booking]:
    return with_counts(
        Booking.objects.select_related("unit__organisation", "work_kind", "funding_source")
    )


def most_urgent_first(
    bookings: QuerySet[Booking], *, by_status: dict[str, int] | None = None
) -> Chained:
    """The request queue's order: bookings still to be staffed or held (requested, finding
    experts, confirmed) by their first time, soonest first; then the rest, latest first.
    Three parts (open; settled with times, by the index on the first time read backwards;
    settled without times), chained for the paginator, rather than one CASE order that sorts
    every booking ever made to show fifty.

    ``by_status``: how many of ``bookings`` each status has, when the caller has counted them
    (the page's tabs). The parts' sizes then follow from it and the few settled bookings
    without times, instead of counting the settled history again (issue 19: a second pass
    over every booking ever made)."""
    still_open = Q(status__in=Booking.OPEN)
    settled = bookings.exclude(still_open)
    without_times = settled.filter(first_start__isnull=True)
    counts = None
    if by_status is not None:
        opened = sum(n for status, n in by_status.items() if status in Booking.OPEN)
        settled_count = sum(by_status.values()) - opened
        # Counts read up to a cap (the request queue's) bound the settled part as a whole,
        # the untimed ones with it: the list never goes past what the tabs counted.
        untimed = min(without_times.count(), settled_count)
        counts = [opened, settled_count - untimed, untimed]
    return Chained(
        bookings.filter(still_open).order_by(F("first_start").asc(nulls_last=True), "-pk"),
        settled.filter(first_start__isnull=False).order_by("-first_start", "-pk"),
        without_times.order_by("-pk"),
        counts=counts,
    )


def new_requests() -> QuerySet[Booking]:
    """Requests no coordinator has taken up yet, the longest waiting first (a partial index of
    the requested bookings gives them in this order)."""
    return (
        Booking.objects.filter(status=Booking.Status.REQUESTED)
        .select_related("unit__organisation")
        .order_by("created_at", "pk")
    )


def short_of_experts() -> QuerySet[Booking]:
    """Bookings being staffed or confirmed that have fewer accepted experts than wanted."""
    return (
        with_counts(
            Booking.objects.filter(status__in=[Booking.Status.STAFFING, Booking.Status.CONFIRMED])
        )
        .filter(accepted_count__lt=F("experts_wanted"))
        .select_related("unit__organisation")
        .order_by(F("first_start").asc(nulls_last=True), "pk")
    )


def ready_to_confirm() -> QuerySet[Booking]:
    return (
        with_counts(Booking.objects.filter(status=Booking.Status.STAFFING))
        .filter(accepted_count__gte=F("experts_wanted"))
        .select_related("unit__organisation")
        .order_by(F("first_start").asc(nulls_last=True), "pk")
    )


def gigs_without_consent() -> QuerySet[Gig]:
    """Coming planned gigs of confirmed bookings whose expert has no consent to the current
    privacy notice (withdrawn, or not yet given to a new notice): the coordinator settles each
    with the expert — consent again, or take them off (``services.consent``)."""
    # The current notice as a subquery (``PrivacyNotice.current()``), not a query of its own.
    notice = PrivacyNotice.objects.filter(published_on__lte=timezone.localdate()).values("pk")[:1]
    consents = ConsentRecord.objects.filter(
        expert=OuterRef("expert_id"), notice=Subquery(notice), withdrawn_at__isnull=True
    )
    return (
        Gig.objects.filter(
            status=Gig.Status.PLANNED,
            start__gt=timezone.now(),
            booking__status=Booking.Status.CONFIRMED,
        )
        .exclude(Exists(consents))
        .select_related("booking", "expert__user")
        .order_by("start", "pk")
    )


def offers_waiting() -> QuerySet[Assignment]:
    return (
        Assignment.objects.filter(
            status=Assignment.Status.OFFERED, booking__status__in=Booking.OPEN
        )
        .select_related("booking", "expert__user")
        .order_by("answer_by", "pk")
    )


# Why an offer closed when the booking's seats were filled: the history's note, the expert's
# message and their answer page all say it (the note is kept in the language of the moment).
COVERED_NOTE = gettext_lazy(
    "This one is already covered: all the experts the booking needs have accepted."
)


def _in_reader_language(note: str) -> str:
    """A closing note the system wrote, in the reader's language (a person's note as written)."""
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            if note == str(COVERED_NOTE):
                break
    else:
        return note
    return str(COVERED_NOTE)


def offer_state_text(assignment: Assignment) -> str:
    """What an offer that can no longer be answered says to its expert, in words: why it closed
    (its history's note: covered, no answer by the deadline, the booking cancelled…) or what
    they answered. Empty while the offer is open."""
    Status = Assignment.Status
    if assignment.status == Status.OFFERED:
        if assignment.answer_by > timezone.now():
            return ""
        return _(
            "The time to answer this offer ended on %(date)s. If you still want the gig, "
            "contact the coordinator."
        ) % {"date": date_format(timezone.localtime(assignment.answer_by), "DATETIME_FORMAT")}
    if assignment.status == Status.EXPIRED:
        closed = (
            assignment.changes.filter(to_status=Status.EXPIRED)
            .exclude(note="")
            .order_by("-at", "-pk")
            .values_list("note", flat=True)
            .first()
        )
        return _("This offer is closed. %(why)s") % {"why": _in_reader_language(closed or "")}
    return {
        Status.ACCEPTED: _("You accepted this offer."),
        Status.DECLINED: _("You declined this offer. Thank you for answering."),
        Status.WITHDRAWN: _("You are no longer on this booking."),
    }.get(assignment.status, "")


def coordinators() -> QuerySet[User]:
    """Everyone who coordinates: the coordinators group and superusers."""
    return (
        User.objects.filter(
            Q(groups__name=GROUP_ROLES[Role.COORDINATOR]) | Q(is_superuser=True), is_active=True
        )
        .distinct()
        .order_by("pk")
    )


def booking_history(booking: Booking) -> QuerySet[BookingChange]:
    """The booking's whole history, its assignments' and gigs' included, oldest first."""
    return booking.changes.select_related(
        "by", "assignment__expert__user", "gig__expert__user", "gig__occurrence"
    ).order_by("at", "pk")
