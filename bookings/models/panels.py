"""Standing customer panels (*asiakasraati*): a unit's standing body of people with lived
experience of its services, with an open call, members chosen for a mix, a term, meetings, minutes
and what the organiser changed because of the panel.

The panel's meetings are one series booking (``Panel.booking``): each meeting is an
``Occurrence`` and each member's seat at it a ``Gig``, so reminders, calendars, approval, fees
(income type 210, from the customer-panel kind of work) and invoicing work as for any booking.
Changes go through ``bookings.services.panels``.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bookings.models.bookings import Booking, Gig, Occurrence
from bookings.models.organisations import Unit
from expertbank.translated import in_reader_language
from experts.models import Expert, PrivacyNotice


def _minutes_path(instance: PanelMeeting, filename: str) -> str:
    # Unguessable and free of the uploader's file name; served only through a checked view.
    return f"panel-minutes/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.pdf"


class Panel(models.Model):
    """A standing customer panel of a unit, run by its organiser and the coordinators."""

    name_fi = models.CharField(_("name in Finnish"), max_length=200)
    name_sv = models.CharField(_("name in Swedish"), max_length=200, blank=True)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="panels", verbose_name=_("unit")
    )
    purpose = models.TextField(_("purpose"), max_length=3000)
    term_start = models.DateField(_("term starts"))
    term_end = models.DateField(_("term ends"))
    meetings_per_year = models.PositiveSmallIntegerField(
        _("meetings a year"),
        default=4,
        validators=[MinValueValidator(4), MaxValueValidator(6)],
    )
    # The mix the organiser wants: [{"label": "Ikäryhmä", "options": ["18–29", "30–49", …]}, …]
    criteria = models.JSONField(_("mix criteria"), default=list, blank=True)
    call_open = models.BooleanField(
        _("open call"),
        default=False,
        help_text=_("Anyone can apply on the panel's public page while the call is open."),
    )
    place = models.CharField(_("meeting place"), max_length=300)
    # The series booking whose occurrences are the meetings; its frozen terms hold the fee.
    booking = models.OneToOneField(
        Booking,
        on_delete=models.PROTECT,
        related_name="panel",
        verbose_name=_("meetings booking"),
    )
    # The public application page's address: not guessable from the panel's number.
    token = models.UUIDField(_("application page key"), default=uuid.uuid4, unique=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        verbose_name = _("customer panel")
        verbose_name_plural = _("customer panels")
        ordering = ["-term_start", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(term_end__gt=models.F("term_start")), name="panel_term_order"
            ),
            models.CheckConstraint(
                condition=Q(meetings_per_year__gte=4) & Q(meetings_per_year__lte=6),
                name="panel_meetings_per_year_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return in_reader_language(self, "name")


class PanelApplication(models.Model):
    """One person's application to a panel from its public page."""

    class Status(models.TextChoices):
        NEW = "new", pgettext_lazy("panel application", "waiting")
        CHOSEN = "chosen", pgettext_lazy("panel application", "chosen")
        NOT_CHOSEN = "not_chosen", pgettext_lazy("panel application", "not chosen")

    panel = models.ForeignKey(
        Panel, on_delete=models.CASCADE, related_name="applications", verbose_name=_("panel")
    )
    full_name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail"))
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    answers = models.JSONField(_("answers to the mix questions"), default=dict, blank=True)
    why = models.TextField(_("why they want to join"), max_length=2000)
    language = models.CharField(_("language"), max_length=5, default="fi")
    notice = models.ForeignKey(
        PrivacyNotice,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("privacy notice consented to"),
    )
    consented_at = models.DateTimeField(_("consent given"), default=timezone.now)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NEW
    )
    submitted_at = models.DateTimeField(_("sent"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )

    class Meta:
        verbose_name = _("panel application")
        verbose_name_plural = _("panel applications")
        ordering = ["submitted_at", "pk"]
        indexes = [models.Index(fields=["panel", "status"], name="panelapp_panel_status")]

    def __str__(self) -> str:
        return f"{self.full_name} / {self.panel_id}"


class PanelMember(models.Model):
    """A member of a panel for a term: a panel member (``Expert.Role.PANEL_MEMBER``) or a
    certified expert."""

    panel = models.ForeignKey(
        Panel, on_delete=models.CASCADE, related_name="members", verbose_name=_("panel")
    )
    expert = models.ForeignKey(
        Expert, on_delete=models.PROTECT, related_name="panel_seats", verbose_name=_("member")
    )
    answers = models.JSONField(_("mix"), default=dict, blank=True)
    term_start = models.DateField(_("member from"))
    term_end = models.DateField(_("member until"))
    left_on = models.DateField(_("left the panel"), null=True, blank=True)
    application = models.OneToOneField(
        PanelApplication,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="member",
        verbose_name=_("application"),
    )
    # The member's seat on the meetings booking: their gigs hang on it.
    assignment = models.OneToOneField(
        "bookings.Assignment",
        on_delete=models.PROTECT,
        related_name="panel_member",
        verbose_name=_("assignment"),
    )
    created_at = models.DateTimeField(_("added"), default=timezone.now)

    class Meta:
        verbose_name = _("panel member")
        verbose_name_plural = _("panel members")
        ordering = ["expert__user__full_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["panel", "expert"],
                condition=Q(left_on__isnull=True),
                name="panelmember_one_seat",
            ),
            models.CheckConstraint(
                condition=Q(term_end__gte=models.F("term_start")), name="panelmember_term_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.expert} / {self.panel_id}"

    @property
    def is_current(self) -> bool:
        return self.left_on is None


class PanelMeeting(models.Model):
    """One meeting of a panel (an occurrence of its booking): attendance and minutes."""

    panel = models.ForeignKey(
        Panel, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("panel")
    )
    occurrence = models.OneToOneField(
        Occurrence, on_delete=models.PROTECT, related_name="panel_meeting", verbose_name=_("time")
    )
    agenda = models.CharField(_("topic"), max_length=300, blank=True)
    minutes_text = models.TextField(_("minutes"), blank=True, max_length=20000)
    minutes_file = models.FileField(
        _("minutes (PDF)"), upload_to=_minutes_path, blank=True, max_length=300
    )
    attendance_recorded_at = models.DateTimeField(_("attendance recorded"), null=True, blank=True)
    attendance_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("attendance recorded by"),
    )

    class Meta:
        verbose_name = _("panel meeting")
        verbose_name_plural = _("panel meetings")
        ordering = ["occurrence__start", "pk"]

    def __str__(self) -> str:
        return str(self.occurrence)

    @property
    def has_minutes(self) -> bool:
        return bool(self.minutes_text or self.minutes_file)


class PanelAttendance(models.Model):
    """Whether a member came to a meeting; the attended seat is the member's work report."""

    meeting = models.ForeignKey(
        PanelMeeting, on_delete=models.CASCADE, related_name="attendance", verbose_name=_("meeting")
    )
    member = models.ForeignKey(
        PanelMember, on_delete=models.CASCADE, related_name="attendance", verbose_name=_("member")
    )
    gig = models.OneToOneField(
        Gig, on_delete=models.PROTECT, related_name="panel_attendance", verbose_name=_("gig")
    )
    attended = models.BooleanField(_("came"))

    class Meta:
        verbose_name = _("attendance at a panel meeting")
        verbose_name_plural = _("attendance at panel meetings")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="panelattendance_once")
        ]

    def __str__(self) -> str:
        return f"{self.member_id} @ {self.meeting_id}: {self.attended}"


class PanelChange(models.Model):
    """Something the organiser changed because of the panel: what, when, after which meeting."""

    panel = models.ForeignKey(
        Panel, on_delete=models.CASCADE, related_name="changes", verbose_name=_("panel")
    )
    day = models.DateField(_("date"))
    change = models.TextField(_("what changed"), max_length=2000)
    meeting = models.ForeignKey(
        PanelMeeting,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="changes",
        verbose_name=_("meeting"),
    )
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    class Meta:
        verbose_name = _("change made because of the panel")
        verbose_name_plural = _("changes made because of the panel")
        ordering = ["-day", "-pk"]

    def __str__(self) -> str:
        return f"{self.day}: {self.change[:40]}"
