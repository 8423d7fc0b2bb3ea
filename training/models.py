"""Training: programmes with their completion rules, cohorts, sessions, enrollments, attendance,
applications from the public form, and certificates.

Work supervision (*työnohjaus*) is a programme of kind ``supervision``: its groups are cohorts
with sessions and attendance like any other, and an expert who has not attended one within
``SUPERVISION_MAX_GAP_DAYS`` is flagged to coordinators.

Statuses change only through ``training.services``, which write a status-change or audit row.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from expertbank.crypto import EncryptedTextField
from expertbank.translated import in_reader_language
from experts.models import ExperienceArea, Expert, PrivacyNotice, TranslatedName


class Programme(TranslatedName):
    """A kind of training with its completion rule, kept as data so coordinators can change it."""

    class Kind(models.TextChoices):
        BASIC = "basic", _("basic training")
        FOLLOW_UP = "follow_up", _("follow-up training")
        SUPERVISION = "supervision", _("work supervision")

    code = models.SlugField(_("code"), unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.BASIC)
    description_fi = models.TextField(_("description in Finnish"), blank=True)
    description_sv = models.TextField(_("description in Swedish"), blank=True)
    description_en = models.TextField(_("description in English"), blank=True)
    min_attendance_percent = models.PositiveSmallIntegerField(
        _("minimum attendance (%)"),
        default=80,
        validators=[MaxValueValidator(100)],
        help_text=_("Share of the held sessions a participant must attend to complete."),
    )
    final_assignment_required = models.BooleanField(
        _("final assignment required"),
        default=True,
        help_text=_("A trainer must accept the participant's final assignment."),
    )
    excused_counts_as_attended = models.BooleanField(
        _("excused absences count as attendance"), default=False
    )
    paired_gigs = models.PositiveSmallIntegerField(
        _("first gigs in a pair"),
        default=0,
        validators=[MaxValueValidator(20)],
        help_text=_(
            "How many first gigs an expert certified by this programme does beside an "
            "experienced partner (e.g. 3); 0: no pairs."
        ),
    )

    class Meta(TranslatedName.Meta):
        verbose_name = _("training programme")
        verbose_name_plural = _("training programmes")
        constraints = [
            models.CheckConstraint(
                condition=Q(min_attendance_percent__lte=100), name="programme_attendance_percent"
            )
        ]

    @property
    def description(self) -> str:
        language = (get_language() or "fi")[:2]
        return getattr(self, f"description_{language}", "") or self.description_fi

    @property
    def certifies(self) -> bool:
        """Completing basic training makes a person a certified experience expert."""
        return self.kind == self.Kind.BASIC

    @property
    def issues_certificate(self) -> bool:
        return self.kind in (self.Kind.BASIC, self.Kind.FOLLOW_UP)


class CohortQuerySet(models.QuerySet):
    def open_for_applications(self, today: date | None = None) -> CohortQuerySet:
        """Cohorts the public form offers: flagged open, before the deadline (or the start)."""
        today = today or timezone.localdate()
        return (
            self.filter(open_for_applications=True)
            .filter(
                Q(application_deadline__gte=today)
                | Q(application_deadline__isnull=True, starts_on__gte=today)
            )
            .exclude(programme__kind=Programme.Kind.SUPERVISION)
        )


class Cohort(models.Model):
    """One group going through a programme together; a work-supervision group is a cohort too."""

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="cohorts", verbose_name=_("programme")
    )
    name = models.CharField(_("name"), max_length=150, unique=True, help_text=_("In Finnish."))
    name_sv = models.CharField(_("name in Swedish"), max_length=150, blank=True)
    name_en = models.CharField(_("name in English"), max_length=150, blank=True)
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(
        _("ends"), null=True, blank=True, help_text=_("Leave empty for an ongoing group.")
    )
    place = models.CharField(_("place"), max_length=200, blank=True)
    description = models.TextField(
        _("description"),
        blank=True,
        help_text=_("In Finnish. Shown on the public application page."),
    )
    description_sv = models.TextField(_("description in Swedish"), blank=True)
    description_en = models.TextField(_("description in English"), blank=True)
    trainers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="training_cohorts",
        verbose_name=_("trainers"),
        limit_choices_to={"groups__name": "trainers"},
    )
    capacity = models.PositiveSmallIntegerField(
        _("capacity"), default=20, validators=[MinValueValidator(1), MaxValueValidator(1000)]
    )
    open_for_applications = models.BooleanField(_("open for applications"), default=False)
    application_deadline = models.DateField(
        _("application deadline"),
        null=True,
        blank=True,
        help_text=_("Without a deadline the cohort takes applications until it starts."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = CohortQuerySet.as_manager()

    class Meta:
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")
        ordering = ["-starts_on", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="cohort_dates_order",
            ),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="cohort_capacity_positive"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def local_name(self) -> str:
        """The name in the reader's language (the Finnish one when not translated)."""
        return in_reader_language(self, "name", finnish="name")

    @property
    def local_description(self) -> str:
        return in_reader_language(self, "description", finnish="description")

    def accepts_applications(self, today: date | None = None) -> bool:
        return Cohort.objects.open_for_applications(today).filter(pk=self.pk).exists()


class SessionQuerySet(models.QuerySet):
    def held(self, now: datetime | None = None) -> SessionQuerySet:
        """Sessions that count for attendance: begun and not cancelled."""
        return self.filter(cancelled=False, starts_at__lte=now or timezone.now())


class Session(models.Model):
    cohort = models.ForeignKey(
        Cohort, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("cohort")
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    topic = models.CharField(_("topic"), max_length=200)
    place = models.CharField(_("place"), max_length=200, blank=True)
    remote_link = models.URLField(_("remote link"), blank=True)
    cancelled = models.BooleanField(
        _("cancelled"), default=False, help_text=_("A cancelled session does not count.")
    )

    objects = SessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="session_times_order"
            )
        ]

    def __str__(self) -> str:
        local = timezone.localtime(self.starts_at)
        return f"{self.topic} {local:%d.%m.%Y %H.%M}"

    def is_held(self, now: datetime | None = None) -> bool:
        return not self.cancelled and self.starts_at <= (now or timezone.now())

    def can_mark_attendance(self, today: date | None = None) -> bool:
        today = today or timezone.localdate()
        return not self.cancelled and timezone.localdate(self.starts_at) <= today


class Application(models.Model):
    """An application to a cohort from the public form. Coordinators only: it holds health data."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("waiting for review")
        INTERVIEW = "interview", _("interviewed")
        ACCEPTED = "accepted", pgettext_lazy("application status", "accepted")
        REJECTED = "rejected", pgettext_lazy("application status", "not accepted")
        WITHDRAWN = "withdrawn", pgettext_lazy("application status", "withdrawn")

    WAITING = (Status.RECEIVED, Status.INTERVIEW)

    class Availability(models.TextChoices):
        ALL = "all", _("I can attend all the training dates")
        MOST = "most", _("I can attend most of the training dates")
        UNSURE = "unsure", _("I am not sure yet")

    cohort = models.ForeignKey(
        Cohort, on_delete=models.PROTECT, related_name="applications", verbose_name=_("cohort")
    )
    full_name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail address"))
    phone = models.CharField(_("phone"), max_length=40)
    municipality = models.CharField(_("municipality"), max_length=100)
    areas = models.ManyToManyField(
        ExperienceArea,
        blank=True,
        related_name="training_applications",
        verbose_name=_("lived-experience areas"),
    )
    motivation = EncryptedTextField(_("motivation"))
    availability = models.CharField(
        _("availability for the training dates"), max_length=10, choices=Availability.choices
    )
    availability_note = models.CharField(_("dates you cannot attend"), max_length=500, blank=True)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    notice = models.ForeignKey(
        PrivacyNotice,
        on_delete=models.PROTECT,
        related_name="training_applications",
        verbose_name=_("privacy notice consented to"),
    )
    consented_at = models.DateTimeField(_("consent given"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED
    )
    interview_at = models.DateTimeField(_("interview"), null=True, blank=True)
    interview_notes = EncryptedTextField(_("interview notes"), blank=True)
    decision_message = models.TextField(
        _("message to the applicant"),
        blank=True,
        help_text=_("A personal note included in the decision e-mail."),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    created_at = models.DateTimeField(_("received"), default=timezone.now)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["status", "created_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "email"], name="application_one_per_email_and_cohort"
            )
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def is_waiting(self) -> bool:
        return self.status in self.WAITING


class Enrollment(models.Model):
    """One expert in one cohort. Status changes only through ``training.services``."""

    class Status(models.TextChoices):
        APPLIED = "applied", pgettext_lazy("enrollment status", "applied")
        ACCEPTED = "accepted", pgettext_lazy("enrollment status", "accepted")
        IN_PROGRESS = "in_progress", pgettext_lazy("enrollment status", "in progress")
        COMPLETED = "completed", pgettext_lazy("enrollment status", "completed")
        DROPPED = "dropped", pgettext_lazy("enrollment status", "dropped out")

    # Taking part: attendance can be marked and counts.
    TAKING_PART = (Status.ACCEPTED, Status.IN_PROGRESS, Status.COMPLETED)

    cohort = models.ForeignKey(
        Cohort, on_delete=models.PROTECT, related_name="enrollments", verbose_name=_("cohort")
    )
    expert = models.ForeignKey(
        Expert,
        on_delete=models.PROTECT,
        related_name="training_enrollments",
        verbose_name=_("expert"),
    )
    application = models.OneToOneField(
        Application,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="enrollment",
        verbose_name=_("application"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ACCEPTED
    )
    status_since = models.DateTimeField(_("status since"), default=timezone.now)
    final_assignment_accepted = models.BooleanField(_("final assignment accepted"), default=False)
    final_assignment_accepted_on = models.DateField(
        _("final assignment accepted on"), null=True, blank=True
    )
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("enrollment")
        verbose_name_plural = _("enrollments")
        ordering = ["cohort", "expert__user__full_name", "pk"]
        indexes = [models.Index(fields=["status"])]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "expert"], name="enrollment_once_per_cohort"),
            models.CheckConstraint(
                condition=~Q(status="completed") | Q(completed_on__isnull=False),
                name="enrollment_completed_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.expert} / {self.cohort}"


class EnrollmentStatusChange(models.Model):
    """Who moved an enrollment from which status to which, when and why."""

    enrollment = models.ForeignKey(
        Enrollment,
        on_delete=models.CASCADE,
        related_name="status_changes",
        verbose_name=_("enrollment"),
    )
    from_status = models.CharField(
        pgettext_lazy("status change", "from"),
        max_length=20,
        choices=Enrollment.Status.choices,
        blank=True,
    )
    to_status = models.CharField(
        pgettext_lazy("status change", "to"), max_length=20, choices=Enrollment.Status.choices
    )
    at = models.DateTimeField(_("time"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("enrollment status change")
        verbose_name_plural = _("enrollment status changes")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status or '–'} → {self.to_status}"


class Attendance(models.Model):
    class Status(models.TextChoices):
        PRESENT = "present", _("present")
        ABSENT = "absent", _("absent")
        EXCUSED = "excused", _("excused")

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("session")
    )
    enrollment = models.ForeignKey(
        Enrollment,
        on_delete=models.CASCADE,
        related_name="attendances",
        verbose_name=_("participant"),
    )
    status = models.CharField(_("attendance"), max_length=10, choices=Status.choices)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("marked by"),
    )
    marked_at = models.DateTimeField(_("marked"), default=timezone.now)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["session", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "enrollment"], name="attendance_once_per_session"
            )
        ]

    def __str__(self) -> str:
        return f"{self.enrollment.expert} – {self.get_status_display()}"


def _certificate_path(instance: Certificate, filename: str) -> str:
    # An unguessable name: the file is served only through the permission-checked view.
    return f"training/certificates/{instance.issued_on:%Y}/{uuid.uuid4().hex}.pdf"


class Certificate(models.Model):
    """The PDF certificate of a completed enrollment, in the expert's language."""

    enrollment = models.OneToOneField(
        Enrollment,
        on_delete=models.PROTECT,
        related_name="certificate",
        verbose_name=_("enrollment"),
    )
    number = models.CharField(_("number"), max_length=30, unique=True)
    issued_on = models.DateField(_("issued"))
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    file = models.FileField(_("file"), upload_to=_certificate_path, max_length=200)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_on", "-pk"]

    def __str__(self) -> str:
        return self.number
