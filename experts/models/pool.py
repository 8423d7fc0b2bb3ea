"""The experts themselves, and the log of files they were imported from.

Sensitive fields (identity code, bank account, caps, lived-experience notes) are for
coordinators only; identity code, IBAN and notes are encrypted at rest (``expertbank.crypto``).
"""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from expertbank.crypto import EncryptedTextField, mask_iban, mask_identity_code
from experts.models.availability import AvailabilitySlot, Blackout
from experts.models.consent import PrivacyNotice
from experts.models.documents import MONEY, ExpertDocument
from experts.models.reference import ExperienceArea, Language, WorkKind


class ExpertQuerySet(models.QuerySet):
    def with_current_consent(self) -> ExpertQuerySet:
        notice = PrivacyNotice.current()
        if notice is None:
            return self.none()
        return self.filter(consents__notice=notice, consents__withdrawn_at__isnull=True).distinct()

    def bookable(self) -> ExpertQuerySet:
        """Certified, active, with consent to the current privacy notice."""
        return self.with_current_consent().filter(
            status=Expert.Status.ACTIVE, certified_on__isnull=False, role=Expert.Role.EXPERT
        )

    def available_on(self, day: date) -> ExpertQuerySet:
        """A weekly available time on that weekday and no unavailable days covering the day."""
        return self.filter(
            Exists(AvailabilitySlot.objects.filter(expert=OuterRef("pk"), weekday=day.weekday()))
        ).exclude(
            Exists(Blackout.objects.filter(expert=OuterRef("pk"), start__lte=day, end__gte=day))
        )

    def with_valid_document(self, kind: str, day: date) -> ExpertQuerySet:
        """Experts holding a document of ``kind`` that is valid on ``day``."""
        return self.filter(
            Exists(ExpertDocument.objects.valid_on(day).filter(expert=OuterRef("pk"), kind=kind))
        )

    def without_valid_document(self, kind: str, day: date) -> ExpertQuerySet:
        return self.exclude(
            Exists(ExpertDocument.objects.valid_on(day).filter(expert=OuterRef("pk"), kind=kind))
        )


class Expert(models.Model):
    """A trained experience expert; one per user."""

    class Status(models.TextChoices):
        IN_TRAINING = "in_training", _("in training")
        ACTIVE = "active", _("active")
        PAUSED = "paused", _("paused")
        RETIRED = "retired", _("retired")

    class Role(models.TextChoices):
        """What the bank may ask of the person: only experts are offered gigs."""

        EXPERT = "expert", _("experience expert")
        PANEL_MEMBER = "panel_member", _("customer panel member")
        SUPPORT_PERSON = "support_person", _("companion or support person")

    class ShownAs(models.TextChoices):
        ALIAS = "alias", _("public alias")
        NAME = "name", _("real name")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="expert",
        verbose_name=_("user"),
    )
    public_alias = models.CharField(
        _("public alias"),
        max_length=100,
        blank=True,
        help_text=_("Shown to booking units instead of the name, if the expert so chooses."),
    )
    shown_as = models.CharField(
        _("shown to booking units as"),
        max_length=10,
        choices=ShownAs.choices,
        default=ShownAs.ALIAS,
    )
    municipality = models.CharField(_("municipality"), max_length=100, blank=True)
    region = models.CharField(_("region"), max_length=100, blank=True)
    languages = models.ManyToManyField(Language, blank=True, verbose_name=_("languages"))
    areas = models.ManyToManyField(
        ExperienceArea, blank=True, related_name="experts", verbose_name=_("experience areas")
    )
    work_kinds = models.ManyToManyField(
        WorkKind, blank=True, related_name="experts", verbose_name=_("kinds of work")
    )
    remote_ok = models.BooleanField(_("works remotely"), default=True)
    travel_radius_km = models.PositiveSmallIntegerField(
        _("travel radius (km)"), null=True, blank=True, validators=[MaxValueValidator(1000)]
    )
    bio = models.TextField(
        _("short public introduction"),
        blank=True,
        max_length=1000,
        help_text=_("Shown to booking units. Tell only what you want everyone to know."),
    )
    role = models.CharField(
        _("role"),
        max_length=20,
        choices=Role.choices,
        default=Role.EXPERT,
        help_text=_(
            "A panel member is paid and invited to their panel's meetings, a companion is paid "
            "a companion fee; neither is offered other gigs."
        ),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.IN_TRAINING
    )
    status_since = models.DateField(_("status since"), default=date.today)
    certified_on = models.DateField(
        _("certified on"),
        null=True,
        blank=True,
        help_text=_("Completion of basic training, or the date entered for earlier training."),
    )

    # Pairs (issue 17): a newly certified expert's first gigs are done beside an experienced
    # one. Copied from the basic programme when training certifies the expert; coordinators may
    # change it. The gigs done are counted by bookings (``bookings.selectors.pairs``).
    paired_gigs_required = models.PositiveSmallIntegerField(
        _("first gigs in a pair"),
        default=0,
        validators=[MaxValueValidator(20)],
        help_text=_(
            "How many first gigs the expert does beside an experienced partner; 0: no pairs. "
            "After that many gigs the expert goes solo."
        ),
    )

    # Availability limits
    max_gigs_per_month = models.PositiveSmallIntegerField(
        _("at most gigs a month"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    rest_days_after_heavy = models.PositiveSmallIntegerField(
        _("rest days after a heavy gig"), default=0, validators=[MaxValueValidator(60)]
    )

    # Sensitive: coordinators only
    identity_code = EncryptedTextField(_("personal identity code"), blank=True)
    identity_code_hash = models.CharField(
        max_length=64, null=True, blank=True, unique=True, editable=False
    )
    iban = EncryptedTextField(_("IBAN"), blank=True)
    bic = models.CharField(_("BIC"), max_length=11, blank=True)
    earnings_cap_yearly = models.DecimalField(
        _("yearly earnings cap (€)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        **MONEY,
    )
    earnings_cap_monthly = models.DecimalField(
        _("monthly earnings cap (€)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        **MONEY,
    )
    expenses_only = models.BooleanField(
        _("expenses only"), default=False, help_text=_("The expert takes no fee, only expenses.")
    )
    notes = EncryptedTextField(_("lived-experience notes"), blank=True)

    # Set once the expert's personal data is erased (experts.erasure): never cleared.
    erased_at = models.DateTimeField(_("erased"), null=True, blank=True, editable=False)

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ExpertQuerySet.as_manager()

    class Meta:
        verbose_name = _("expert")
        verbose_name_plural = _("experts")
        ordering = ["user__full_name", "pk"]
        indexes = [models.Index(fields=["status", "certified_on"])]

    def __str__(self) -> str:
        return self.user.get_full_name()

    @property
    def name(self) -> str:
        return self.user.get_full_name()

    @property
    def shown_name(self) -> str:
        """The name booking units, invoices and calendars show, as the expert consented."""
        if self.shown_as == self.ShownAs.ALIAS and self.public_alias:
            return self.public_alias
        return self.name

    @property
    def certified(self) -> bool:
        return self.certified_on is not None

    @property
    def identity_code_masked(self) -> str:
        return mask_identity_code(self.identity_code)

    @property
    def iban_masked(self) -> str:
        return mask_iban(self.iban)


class ExpertImport(models.Model):
    """An uploaded file of experts waiting for the coordinator to confirm its preview.

    The file holds identity codes and bank accounts, so it is kept encrypted in the database
    (never as a plain file) and emptied once imported or discarded.
    """

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "Excel (XLSX)"

    class Status(models.TextChoices):
        PREVIEWED = "previewed", _("waiting for confirmation")
        IMPORTED = "imported", _("imported")
        DISCARDED = "discarded", _("discarded")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    file_name = models.CharField(_("file"), max_length=200)
    file_format = models.CharField(_("format"), max_length=10, choices=Format.choices)
    content = EncryptedTextField(_("content"), blank=True)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PREVIEWED
    )
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    imported_count = models.PositiveIntegerField(_("experts imported"), default=0)

    class Meta:
        verbose_name = _("expert import")
        verbose_name_plural = _("expert imports")
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return self.file_name
