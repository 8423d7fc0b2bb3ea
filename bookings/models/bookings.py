"""Bookings, their occurrences, assignments of experts, gigs and the rows of every status change.

Statuses change only through ``bookings.services``; each change writes a ``BookingChange``.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bookings.models.organisations import Unit
from bookings.models.terms import BookingTerms, FundingSource
from expertbank.amounts import MONEY
from expertbank.crypto import EncryptedTextField
from expertbank.models import History
from experts.models import ExperienceArea, Expert, Language, WorkKind

MAX_EXPERTS = 20


class Booking(models.Model):
    """One request from one unit for N experts: one-off, a series, or a fixed-term engagement."""

    class Status(models.TextChoices):
        REQUESTED = "requested", pgettext_lazy("booking status", "requested")
        STAFFING = "staffing", pgettext_lazy("booking status", "finding experts")
        CONFIRMED = "confirmed", pgettext_lazy("booking status", "confirmed")
        DELIVERED = "delivered", pgettext_lazy("booking status", "delivered")
        CLOSED = "closed", pgettext_lazy("booking status", "closed")
        REJECTED = "rejected", pgettext_lazy("booking status", "rejected")
        CANCELLED = "cancelled", pgettext_lazy("booking status", "cancelled")

    class Kind(models.TextChoices):
        ONE_OFF = "one_off", _("one-off")
        SERIES = "series", _("series")
        FIXED_TERM = "fixed_term", _("fixed-term engagement")

    class Audience(models.TextChoices):
        ADULTS = "adults", _("adults")
        MINORS = "minors", _("children or young people under 18")

    OPEN = (Status.REQUESTED, Status.STAFFING, Status.CONFIRMED)  # before delivery
    # What the experts read before they accept an offer, besides the times, place and fee.
    BRIEF_FIELDS = (
        "purpose",
        "share_topics",
        "co_presenter",
        "preparation_minutes",
        "expenses_paid",
        "what_to_bring",
    )

    title = models.CharField(_("title"), max_length=200)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("unit")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    work_kind = models.ForeignKey(
        WorkKind, on_delete=models.PROTECT, related_name="+", verbose_name=_("kind of work")
    )
    areas = models.ManyToManyField(
        ExperienceArea, blank=True, related_name="+", verbose_name=_("experience areas wanted")
    )
    language = models.ForeignKey(
        Language,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("language"),
    )
    kind = models.CharField(
        _("kind of booking"), max_length=20, choices=Kind.choices, default=Kind.ONE_OFF
    )
    place = models.CharField(_("place"), max_length=300, blank=True)
    remote_link = models.URLField(_("remote meeting link"), max_length=500, blank=True)
    audience = models.CharField(
        _("audience"), max_length=10, choices=Audience.choices, default=Audience.ADULTS
    )
    audience_size = models.PositiveSmallIntegerField(
        _("audience size"), null=True, blank=True, validators=[MaxValueValidator(5000)]
    )
    experts_wanted = models.PositiveSmallIntegerField(
        _("number of experts"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_EXPERTS)],
    )
    own_reference = models.CharField(_("your reference"), max_length=100, blank=True)
    cost_centre = models.CharField(_("cost centre"), max_length=40, blank=True)
    contact_name = models.CharField(_("contact person on the day"), max_length=200, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    notes = models.TextField(_("notes"), blank=True, max_length=4000)
    # The brief: what the experts read before they accept an offer.
    purpose = models.TextField(_("purpose"), blank=True, max_length=2000)
    share_topics = models.TextField(
        _("what the experts are asked to share"), blank=True, max_length=2000
    )
    co_presenter = models.CharField(
        _("professional co-presenting"),
        max_length=200,
        blank=True,
        help_text=_("Empty: no professional presents with the experts."),
    )
    preparation_minutes = models.PositiveSmallIntegerField(
        _("preparation (minutes)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(6000)],
    )
    expenses_paid = models.TextField(_("expenses paid besides travel"), blank=True, max_length=1000)
    what_to_bring = models.TextField(_("what to bring"), blank=True, max_length=1000)
    funding_source = models.ForeignKey(
        FundingSource,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bookings",
        verbose_name=_("funding source"),
        help_text=_("Empty: the unit is invoiced."),
    )
    terms = models.ForeignKey(
        BookingTerms,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("terms"),
        help_text=_("Fixed when the booking was requested; changed only by re-pricing."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.REQUESTED
    )
    cover_automatically = models.BooleanField(
        _("find cover automatically"),
        default=True,
        help_text=_(
            "When an expert withdraws, the next candidates are offered the seat one by one "
            "without asking. Off: the coordinator chooses the replacement."
        ),
    )
    # Kept by the services from the occurrences: lists sort and filter on them.
    first_start = models.DateTimeField(_("first time"), null=True, blank=True)
    last_end = models.DateTimeField(_("last time ends"), null=True, blank=True)
    cancelled_late = models.BooleanField(_("cancelled late"), default=False)
    cancellation_fee = models.DecimalField(
        _("cancellation fee to the client (€, VAT 0 %)"), null=True, blank=True, **MONEY
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["-first_start", "-pk"]
        indexes = [
            models.Index(fields=["status", "first_start"]),
            models.Index(fields=["unit", "first_start"]),
            # The admin's order (-first_start, -pk) and the request queue's settled bookings,
            # latest first: the index read backwards.
            models.Index(fields=["first_start", "id"], name="booking_first_start_id"),
            # Bookings still open (``OPEN``: requested, staffing, confirmed; a test holds the
            # two alike) by their first time: the work queue's "short of experts" and the
            # request queue's first part read a few hundred rows in order, not the whole
            # history (issue 19: the index above walked 45,000 delivered bookings for five).
            models.Index(
                fields=["first_start", "id"],
                name="booking_open_first_start",
                condition=Q(status__in=["requested", "staffing", "confirmed"]),
            ),
            # The work queue's new requests, oldest first: the index on the creation time
            # walked 45,000 answered bookings for the five requested ones (issue 19, fifth pass).
            models.Index(
                fields=["created_at", "id"],
                name="booking_requested_created",
                condition=Q(status="requested"),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(experts_wanted__gte=1), name="booking_at_least_one_expert"
            ),
            models.CheckConstraint(
                condition=~Q(place="") | ~Q(remote_link=""), name="booking_place_or_link"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    @property
    def where(self) -> str:
        return self.place or self.remote_link


class Occurrence(models.Model):
    """One time of a booking: the talk, one meeting of a series, one working block."""

    booking = models.ForeignKey(
        Booking, on_delete=models.CASCADE, related_name="occurrences", verbose_name=_("booking")
    )
    start = models.DateTimeField(_("starts"))
    end = models.DateTimeField(_("ends"))
    place = models.CharField(
        _("place"), max_length=300, blank=True, help_text=_("Only if not the booking's place.")
    )

    class Meta:
        verbose_name = _("time")
        verbose_name_plural = _("times")
        ordering = ["start", "pk"]
        indexes = [models.Index(fields=["booking", "start"])]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="occurrence_order")
        ]

    def __str__(self) -> str:
        start = timezone.localtime(self.start)
        end = timezone.localtime(self.end)
        return f"{start:%d.%m.%Y %H.%M}–{end:%H.%M}"

    @property
    def where(self) -> str:
        return self.place or self.booking.where


class Assignment(models.Model):
    """One expert on a booking: offered, then accepted, declined or expired."""

    class Status(models.TextChoices):
        OFFERED = "offered", pgettext_lazy("assignment status", "offered")
        ACCEPTED = "accepted", pgettext_lazy("assignment status", "accepted")
        DECLINED = "declined", pgettext_lazy("assignment status", "declined")
        EXPIRED = "expired", pgettext_lazy("assignment status", "expired")
        WITHDRAWN = "withdrawn", pgettext_lazy("assignment status", "withdrawn")

    LIVE = (Status.OFFERED, Status.ACCEPTED)

    booking = models.ForeignKey(
        Booking, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("booking")
    )
    expert = models.ForeignKey(
        Expert, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("expert")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OFFERED
    )
    answer_by = models.DateTimeField(_("answer by"))
    offered_at = models.DateTimeField(_("offered"), default=timezone.now)
    offered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("offered by"),
    )
    offer_note = models.TextField(_("note to the expert"), blank=True, max_length=2000)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    # Support that travels with the expert (issue 17): the support person from the pool who comes
    # along and is paid the terms' companion fee (``assignment_companion_set``).
    companion = models.ForeignKey(
        Expert,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="companion_assignments",
        limit_choices_to={"role": "support_person"},
        verbose_name=_("companion or support person"),
    )
    replacement_for = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replacements",
        verbose_name=_("replaces"),
    )
    # Pairs (issue 17): the experienced partner's assignment points at the new expert's. The
    # pair fills one seat (the new expert's); both are paid, the unit is billed for one.
    partner_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="partners",
        verbose_name=_("experienced partner of"),
    )
    # The debrief the coordinator records once for both of a pair (on the new expert's
    # assignment); both see it. It may tell of health: encrypted at rest.
    pair_debrief = EncryptedTextField(_("shared debrief"), blank=True, max_length=2000)
    # The short code an SMS answer carries ("KYLLÄ 4821"): unique among open offers, cleared
    # with nothing else (an answered or expired offer's code simply no longer matches).
    sms_code = models.CharField(_("SMS answer code"), max_length=8, blank=True, default="")

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["offered_at", "pk"]
        indexes = [
            models.Index(fields=["status", "answer_by"]),
            # The coordinator's counts of accepted experts and open offers, per booking.
            models.Index(fields=["booking", "status"], name="assignment_booking_status"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["booking", "expert"],
                condition=Q(status__in=["offered", "accepted"]),
                name="assignment_one_live_per_expert",
            ),
            models.UniqueConstraint(
                fields=["sms_code"],
                condition=Q(status="offered") & ~Q(sms_code=""),
                name="assignment_sms_code_unique_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.expert} / {self.booking}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OFFERED and self.answer_by > timezone.now()


class Gig(models.Model):
    """One expert at one occurrence: the unit of overlap, reporting, approval, fees and billing.

    ``start``/``end`` copy the occurrence's time because the database's exclusion constraint
    (PostgreSQL) can only look at this table; ``busy_until`` is the end plus the travel buffer
    in force when the gig was planned, so two live gigs of one expert never have overlapping
    ``[start, busy_until)`` ranges.
    """

    class Status(models.TextChoices):
        PLANNED = "planned", pgettext_lazy("gig status", "planned")
        REPORTED = "reported", pgettext_lazy("gig status", "reported")
        APPROVED = "approved", pgettext_lazy("gig status", "approved")
        PAID = "paid", pgettext_lazy("gig status", "paid")
        CANCELLED = "cancelled", pgettext_lazy("gig status", "cancelled")
        RESCHEDULED = "rescheduled", pgettext_lazy("gig status", "moved")

    # Statuses that hold the expert's time; the exclusion constraint is partial on these.
    LIVE = (Status.PLANNED, Status.REPORTED, Status.APPROVED, Status.PAID)
    SETTLED = (Status.PAID, Status.CANCELLED, Status.RESCHEDULED)

    booking = models.ForeignKey(
        Booking, on_delete=models.PROTECT, related_name="gigs", verbose_name=_("booking")
    )
    assignment = models.ForeignKey(
        Assignment, on_delete=models.PROTECT, related_name="gigs", verbose_name=_("assignment")
    )
    occurrence = models.ForeignKey(
        Occurrence, on_delete=models.PROTECT, related_name="gigs", verbose_name=_("time")
    )
    expert = models.ForeignKey(
        Expert, on_delete=models.PROTECT, related_name="gigs", verbose_name=_("expert")
    )
    start = models.DateTimeField(_("starts"))
    end = models.DateTimeField(_("ends"))
    busy_until = models.DateTimeField(_("busy until (with travel time)"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    time_confirmed = models.BooleanField(
        _("time confirmed by the expert"),
        default=True,
        help_text=_("False after a reschedule until the expert confirms the new time."),
    )
    previous = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("moved from"),
    )
    fee_amount = models.DecimalField(_("fee (€)"), default=0, **MONEY)
    billable_amount = models.DecimalField(
        _("billable (€, VAT 0 %)"), null=True, blank=True, **MONEY
    )
    # The day the money reached the expert: the one truth of "paid" (earnings caps, closing,
    # reports). Set only by ``services.gigs_mark_paid``.
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    # The expert asked for the fee to be paid no sooner than this (earnings count by payment
    # date: a fee moved to next month keeps this month under a cap). Set by
    # ``services.gig_payment_defer``; the fee run and the earnings read it.
    pay_not_before = models.DateField(_("pay no sooner than"), null=True, blank=True)
    written_off = models.BooleanField(
        _("written off"),
        default=False,
        help_text=_("Will not be paid: settled without payment, with the reason in the history."),
    )
    late_cancelled = models.BooleanField(_("cancelled late"), default=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("gig")
        verbose_name_plural = _("gigs")
        ordering = ["start", "pk"]
        indexes = [
            models.Index(fields=["expert", "start"]),
            # Matching's gigs near a booking's times: those ending after its first day.
            models.Index(fields=["expert", "busy_until"], name="gig_expert_busy_until"),
            models.Index(fields=["status", "start"]),
            # Planned gigs by time with the tie-break (the work queue's coming gigs without
            # consent, five of them, ``ORDER BY start, id``): read in order, stopped at five.
            models.Index(
                fields=["start", "id"], name="gig_planned_start", condition=Q(status="planned")
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="gig_order"),
            models.CheckConstraint(
                condition=Q(busy_until__gte=models.F("end")), name="gig_busy_after_end"
            ),
            models.UniqueConstraint(
                fields=["occurrence", "expert"],
                condition=Q(status__in=["planned", "reported", "approved", "paid"]),
                name="gig_one_live_per_occurrence",
            ),
            # A status cannot say paid without the day it was paid, and only an approved gig or
            # a late-cancelled one (its cancellation fee) can have been paid.
            models.CheckConstraint(
                condition=~Q(status="paid") | Q(paid_on__isnull=False), name="gig_paid_has_date"
            ),
            models.CheckConstraint(
                condition=Q(paid_on__isnull=True) | Q(status__in=["paid", "cancelled"]),
                name="gig_paid_on_only_when_paid",
            ),
            models.CheckConstraint(
                condition=Q(paid_on__isnull=True) | Q(written_off=False),
                name="gig_paid_or_written_off",
            ),
        ]

    def __str__(self) -> str:
        start = timezone.localtime(self.start)
        return f"{self.expert} {start:%d.%m.%Y %H.%M}"

    @property
    def where(self) -> str:
        return self.occurrence.where


class BookingChange(History):
    """The booking's history, with its assignments and gigs: the one list a booking page shows.

    Status changes (``kind = "status"``) carry typed from/to of the booking's, assignment's or
    gig's ``Status``; other events (``Kind``) carry a note and the changed fields
    (``expertbank.models.History`` is the convention).
    """

    class Kind(models.TextChoices):
        STATUS = History.STATUS, _("status changed")
        RESCHEDULED = "rescheduled", _("time moved")
        TIME_CONFIRMED = "time_confirmed", _("new time confirmed")
        TERMS = "terms", _("terms changed")
        DETAILS = "details", _("details changed")
        FUNDING = "funding", _("billing changed")
        AMOUNTS = "amounts", _("amounts fixed")
        PAID = "paid", _("paid")
        PAYMENT_MOVED = "payment_moved", _("payment moved to a later month")
        WRITTEN_OFF = "written_off", _("written off")

    booking = models.ForeignKey(
        Booking, on_delete=models.CASCADE, related_name="changes", verbose_name=_("booking")
    )
    assignment = models.ForeignKey(
        Assignment,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="changes",
        verbose_name=_("assignment"),
    )
    gig = models.ForeignKey(
        Gig,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="changes",
        verbose_name=_("gig"),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, default=Kind.STATUS)

    class Meta(History.Meta):
        verbose_name = _("booking history entry")
        verbose_name_plural = _("booking history")
        indexes = [models.Index(fields=["booking", "at"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind=History.STATUS) | ~Q(to_status=""),
                name="bookingchange_status_has_to",
            )
        ]

    def __str__(self) -> str:
        if self.is_status_change:
            return f"{self.subject}: {self.from_status or '–'} → {self.to_status}"
        return f"{self.subject}: {self.kind}"

    @property
    def subject(self) -> str:
        if self.gig_id:
            return "gig"
        if self.assignment_id:
            return "assignment"
        return "booking"

    def _label(self, value: str) -> str:
        choices = {"gig": Gig.Status, "assignment": Assignment.Status, "booking": Booking.Status}
        status = choices[self.subject]
        return str(status(value).label) if value in status.values else value

    @property
    def from_label(self) -> str:
        return self._label(self.from_status) if self.from_status else ""

    @property
    def to_label(self) -> str:
        return self._label(self.to_status) if self.to_status else ""

    @property
    def changed(self) -> list[tuple[str, str, str]]:
        """(field label, before, after) of each changed field, for the history list."""
        labels = {
            field.name: str(field.verbose_name)
            for model in (Booking, BookingTerms, Gig)
            for field in model._meta.get_fields()
            if hasattr(field, "verbose_name")
        }
        labels["times"] = str(_("times"))  # a request's times changed before confirmation
        return [
            (labels.get(name, name), before, after)
            for name, (before, after) in (self.changes or {}).items()
        ]


class CalendarToken(models.Model):
    """The secret in an expert's calendar feed address; resetting it ends the old address."""

    expert = models.OneToOneField(
        Expert, on_delete=models.CASCADE, related_name="calendar_token", verbose_name=_("expert")
    )
    token = models.CharField(_("token"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("calendar address")
        verbose_name_plural = _("calendar addresses")

    def __str__(self) -> str:
        return str(self.expert)
