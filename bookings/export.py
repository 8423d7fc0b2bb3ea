"""The bookings' part of an expert's data export (registered in ``BookingsConfig.ready``)."""

from __future__ import annotations

from django.db.models import Q

from bookings.models import (
    Assignment,
    Booking,
    BookingChange,
    BookingTerms,
    CalendarToken,
    CheckIn,
    Expense,
    Feedback,
    FundingSource,
    Gig,
    GigReport,
    ImpactAnswer,
    Membership,
    MileageRate,
    Occurrence,
    Organisation,
    Panel,
    PanelApplication,
    PanelAttendance,
    PanelChange,
    PanelMeeting,
    PanelMember,
    PriceList,
    PriceRow,
    TermsChange,
    Unit,
)
from experts.export import Part, not_exported, register

OTHER_PERSON = "another person's data (the unit's contact), not about the expert"


def _bookings(expert):
    return Booking.objects.filter(
        pk__in=Assignment.objects.filter(expert=expert).values("booking_id")
    )


register(
    Part(
        "bookings",
        Booking,
        _bookings,
        exclude={
            "requested_by": OTHER_PERSON,
            "contact_name": OTHER_PERSON,
            "contact_phone": OTHER_PERSON,
        },
        names=("unit", "work_kind"),
    ),
    Part("assignments", Assignment, lambda expert: expert.assignments.all(), names=("booking",)),
    Part("gigs", Gig, lambda expert: expert.gigs.all(), names=("booking",)),
    Part(
        "booking_history",
        BookingChange,
        lambda expert: BookingChange.objects.filter(
            Q(assignment__expert=expert) | Q(gig__expert=expert)
        ),
    ),
    Part(
        "calendar_feed",
        CalendarToken,
        lambda expert: CalendarToken.objects.filter(expert=expert),
        exclude={"token": "the secret of the calendar link: a password, not information"},
    ),
    Part("reports", GigReport, lambda expert: GigReport.objects.filter(gig__expert=expert)),
    Part("expenses", Expense, lambda expert: Expense.objects.filter(report__gig__expert=expert)),
    Part("checkins", CheckIn, lambda expert: CheckIn.objects.filter(gig__expert=expert)),
    Part(
        "feedback",
        Feedback,
        lambda expert: Feedback.objects.filter(
            booking__in=_bookings(expert), released_at__isnull=False
        ),
        exclude={"given_by": "the unit member who wrote it: another person's data"},
    ),
    Part(
        "impact_answers",
        ImpactAnswer,
        lambda expert: ImpactAnswer.objects.filter(
            booking__in=_bookings(expert), share_with_experts=True
        ),
        exclude={"answered_by": "the unit member who wrote it: another person's data"},
    ),
    Part(
        "panel_seats",
        PanelMember,
        lambda expert: PanelMember.objects.filter(expert=expert),
        names=("panel",),
    ),
    Part(
        "panel_attendance",
        PanelAttendance,
        lambda expert: PanelAttendance.objects.filter(member__expert=expert),
    ),
    Part(
        "panel_applications",
        PanelApplication,
        lambda expert: PanelApplication.objects.filter(
            Q(member__expert=expert) | Q(email__iexact=expert.user.email)
        ),
        names=("panel",),
    ),
    Part(
        "memberships",
        Membership,
        lambda expert: Membership.objects.filter(user=expert.user_id),
        names=("unit",),
    ),
)
not_exported(
    Occurrence, "the booking's times for every expert; the expert's own times are their gigs"
)
for _model in (Organisation, Unit):
    not_exported(_model, "the booking organisations and their contacts, named on the bookings")
for _model in (PriceList, PriceRow, BookingTerms, MileageRate, FundingSource, TermsChange):
    not_exported(_model, "the bank's prices and funding: about no person")
not_exported(Panel, "the unit's customer panel: named on the expert's seats and applications")
not_exported(
    PanelMeeting,
    "the panel's meetings and minutes for every member; the expert's own are their gigs and "
    "attendance",
)
not_exported(PanelChange, "what the unit changed because of its panel: about no person")
