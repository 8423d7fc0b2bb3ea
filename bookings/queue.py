"""The coordinator's work-queue panels for bookings: a constant number of queries each."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bookings import selectors
from bookings.models import Booking
from expertbank.queue import QueuePanel, QueueRow, first_rows

ROWS = 5
# What ``Expert.name`` reads: the user's full name, or their e-mail when it is blank.
EXPERT = ("expert__user__full_name", "expert__user__email")


def _when(booking: Booking) -> str:
    if booking.first_start is None:
        return ""
    return date_format(timezone.localtime(booking.first_start), "SHORT_DATETIME_FORMAT")


def _detail(booking: Booking) -> str:
    return reverse("bookings_coordinator:detail", args=[booking.pk])


def _list(status: str = "", view: str = "") -> str:
    url = reverse("bookings_coordinator:list")
    if status:
        return f"{url}?status={status}"
    return f"{url}?view={view}" if view else url


def _short(moment) -> str:
    return date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


def after_gig_panels() -> list[QueuePanel]:
    """Reports to approve, check-ins asking for a debrief, feedback to release: five rows each
    (a query each; the counts are one query for every panel, `expertbank.queue`)."""
    reports = selectors.reports_waiting()
    debriefs = selectors.debriefs_waiting()
    feedback = selectors.feedback_waiting()
    return [
        QueuePanel(
            title=gettext_lazy("Reports to approve"),
            count=reports,
            rows=[
                QueueRow(
                    f"{gig.expert.name} · {gig.booking.title}",
                    reverse("bookings_coordinator:report", args=[gig.pk]),
                    _("sent %(date)s") % {"date": _short(gig.report.submitted_at)},
                )
                for gig in first_rows(
                    reports, *EXPERT, "booking__title", "report__submitted_at", rows=ROWS
                )
            ],
            more_url=reverse("bookings_coordinator:reports"),
        ),
        QueuePanel(
            title=gettext_lazy("Check-ins asking for a debrief"),
            count=debriefs,
            rows=[
                QueueRow(
                    checkin.gig.expert.name,
                    reverse("bookings_coordinator:report", args=[checkin.gig_id]),
                    _("gig %(date)s") % {"date": _short(checkin.gig.start)},
                )
                for checkin in first_rows(
                    debriefs, "gig__start", *(f"gig__{field}" for field in EXPERT), rows=ROWS
                )
            ],
            more_url=reverse("bookings_coordinator:checkins"),
        ),
        QueuePanel(
            title=gettext_lazy("Feedback to release"),
            count=feedback,
            rows=[
                QueueRow(
                    f"{item.booking.title} · {item.rating}/5",
                    reverse("bookings_coordinator:feedback") + "?state=waiting",
                    item.booking.unit.organisation.name,
                )
                for item in first_rows(
                    feedback,
                    "rating",
                    "booking__title",
                    "booking__unit__organisation__name",
                    rows=ROWS,
                )
            ],
            more_url=reverse("bookings_coordinator:feedback") + "?state=waiting",
        ),
    ]


def booking_queue_panels(request) -> list[QueuePanel]:
    new = selectors.new_requests()
    short = selectors.short_of_experts()
    ready = selectors.ready_to_confirm()
    waiting = selectors.offers_waiting()
    no_consent = selectors.gigs_without_consent()
    return [
        QueuePanel(
            title=gettext_lazy("New booking requests"),
            count=new,
            rows=[
                QueueRow(f"{b.title} · {b.unit.organisation}", _detail(b), _when(b))
                for b in first_rows(
                    new, "title", "first_start", "unit__organisation__name", rows=ROWS
                )
            ],
            more_url=_list(status=Booking.Status.REQUESTED),
        ),
        QueuePanel(
            title=gettext_lazy("Bookings short of experts"),
            count=short,
            rows=[
                QueueRow(
                    b.title,
                    _detail(b),
                    _("%(found)s/%(wanted)s experts, %(offers)s offers open · %(when)s")
                    % {
                        "found": b.accepted_count,
                        "wanted": b.experts_wanted,
                        "offers": b.offered_count,
                        "when": _when(b),
                    },
                )
                for b in first_rows(short, "title", "first_start", "experts_wanted", rows=ROWS)
            ],
            more_url=_list(view="short"),
        ),
        QueuePanel(
            title=gettext_lazy("Coming gigs of experts without consent"),
            count=no_consent,
            rows=[
                QueueRow(
                    f"{gig.expert.name} · {gig.booking.title}",
                    _detail(gig.booking),
                    _short(gig.start),
                )
                for gig in first_rows(no_consent, "start", "booking__title", *EXPERT, rows=ROWS)
            ],
            empty_text=gettext_lazy("Every expert with a coming gig has consented."),
        ),
        QueuePanel(
            title=gettext_lazy("Ready to confirm"),
            count=ready,
            rows=[
                QueueRow(b.title, _detail(b), _when(b))
                for b in first_rows(ready, "title", "first_start", rows=ROWS)
            ],
            more_url=_list(view="ready"),
        ),
        QueuePanel(
            title=gettext_lazy("Offers waiting for an answer"),
            count=waiting,
            rows=[
                QueueRow(
                    f"{a.booking.title} · {a.expert.name}",
                    _detail(a.booking),
                    _("answer by %(date)s")
                    % {
                        "date": date_format(
                            timezone.localtime(a.answer_by), "SHORT_DATETIME_FORMAT"
                        )
                    },
                )
                for a in first_rows(waiting, "answer_by", "booking__title", *EXPERT, rows=ROWS)
            ],
            more_url=_list(status=Booking.Status.STAFFING),
        ),
        *after_gig_panels(),
    ]
