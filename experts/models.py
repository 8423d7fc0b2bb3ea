"""The pool of experience experts: who they are, what they do, when they can, what they allow.

Sensitive fields (identity code, bank account, tax card, caps, lived-experience notes) are for
coordinators only; identity code, IBAN and notes are encrypted at rest (``expertbank.crypto``).
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from expertbank.crypto import EncryptedTextField, mask_iban, mask_identity_code

MONEY = {"max_digits": 12, "decimal_places": 2}
PERCENT = {"max_digits": 5, "decimal_places": 2}


class BookerKind(models.TextChoices):
    """Kinds of booking organisation; an expert decides per kind what is disclosed."""

    CITY = "city", _("city unit")
    WELLBEING_COUNTY = "wellbeing_county", _("wellbeing services county")
    ASSOCIATION = "association", _("association")
    SCHOOL = "school", _("school")
    COMPANY = "company", _("company")


class TranslatedName(models.Model):
    """A coordinator-managed list entry with its name in each of the site's languages."""

    name_fi = models.CharField(_("name in Finnish"), max_length=120)
    name_sv = models.CharField(_("name in Swedish"), max_length=120)
    name_en = models.CharField(_("name in English"), max_length=120)
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        abstract = True
        ordering = ["order", "name_fi"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        language = (get_language() or "fi")[:2]
        return getattr(self, f"name_{language}", "") or self.name_fi


class ExperienceArea(TranslatedName):
    """An area of lived experience: substance use, mental health, homelessness…"""

    slug = models.SlugField(_("code"), unique=True)
    heavy = models.BooleanField(
        _("heavy theme"),
        default=False,
        help_text=_("Experts may want rest days after gigs on a heavy theme."),
    )

    class Meta(TranslatedName.Meta):
        verbose_name = _("experience area")
        verbose_name_plural = _("experience areas")


class WorkKind(TranslatedName):
    """A kind of work (talk, customer panel…) with its Incomes Register income type."""

    code = models.SlugField(_("code"), unique=True)
    income_type = models.CharField(
        _("income type code"),
        max_length=8,
        help_text=_("Incomes Register income type, e.g. 214 lecture fee, 210 meeting fee."),
    )

    class Meta(TranslatedName.Meta):
        verbose_name = _("kind of work")
        verbose_name_plural = _("kinds of work")


class Language(TranslatedName):
    code = models.CharField(_("code"), max_length=8, unique=True)

    class Meta(TranslatedName.Meta):
        verbose_name = _("language")
        verbose_name_plural = _("languages")


class PrivacyNotice(models.Model):
    """A version of the privacy notice experts consent to; the newest published one is current."""

    version = models.CharField(_("version"), max_length=20, unique=True)
    published_on = models.DateField(_("published"))
    summary = models.TextField(_("summary"), blank=True)

    class Meta:
        verbose_name = _("privacy notice")
        verbose_name_plural = _("privacy notices")
        ordering = ["-published_on", "-pk"]
        get_latest_by = ["published_on", "pk"]

    def __str__(self) -> str:
        return self.version

    @classmethod
    def current(cls) -> PrivacyNotice | None:
        return cls.objects.filter(published_on__lte=timezone.localdate()).first()


class ExpertQuerySet(models.QuerySet):
    def with_current_consent(self) -> ExpertQuerySet:
        notice = PrivacyNotice.current()
        if notice is None:
            return self.none()
        return self.filter(consents__notice=notice, consents__withdrawn_at__isnull=True).distinct()

    def bookable(self) -> ExpertQuerySet:
        """Certified, active, with consent to the current privacy notice."""
        return self.with_current_consent().filter(
            status=Expert.Status.ACTIVE, certified_on__isnull=False
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


class TaxCard(models.Model):
    """A tax card for fees: base rate up to the yearly limit, additional rate above it."""

    expert = models.ForeignKey(
        Expert, on_delete=models.CASCADE, related_name="tax_cards", verbose_name=_("expert")
    )
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    base_rate = models.DecimalField(
        _("base withholding rate (%)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        **PERCENT,
    )
    additional_rate = models.DecimalField(
        _("additional rate (%)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        **PERCENT,
    )
    income_limit = models.DecimalField(
        _("yearly income limit (€)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        **MONEY,
    )
    prepayment_register = models.BooleanField(
        _("in the prepayment register"),
        default=False,
        help_text=_("No withholding for a payee in the prepayment register."),
    )

    class Meta:
        verbose_name = _("tax card")
        verbose_name_plural = _("tax cards")
        ordering = ["-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gte=models.F("valid_from")),
                name="taxcard_valid_range",
            ),
            models.CheckConstraint(
                condition=Q(prepayment_register=True) | Q(base_rate__isnull=False),
                name="taxcard_rate_or_prepayment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.valid_from:%d.%m.%Y}–{self.valid_until:%d.%m.%Y}"


class ExpertDocumentQuerySet(models.QuerySet):
    def valid_on(self, day: date) -> ExpertDocumentQuerySet:
        return self.filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day), dated__lte=day)

    def latest_of_kind(self) -> ExpertDocumentQuerySet:
        """Documents not superseded by a later-expiring one of the same kind for the expert."""
        later = ExpertDocument.objects.filter(
            expert=OuterRef("expert"), kind=OuterRef("kind")
        ).filter(
            Q(valid_until__isnull=True)
            | Q(valid_until__gt=OuterRef("valid_until"))
            | Q(valid_until=OuterRef("valid_until"), pk__gt=OuterRef("pk"))
        )
        return self.exclude(Exists(later))

    def expiring(self, today: date) -> ExpertDocumentQuerySet:
        """Each expert's newest document of a kind that has expired or expires within the
        warning period: what a coordinator must renew."""
        limit = today + timedelta(days=ExpertDocument.EXPIRY_WARNING_DAYS)
        return self.filter(valid_until__isnull=False, valid_until__lte=limit).latest_of_kind()


class ExpertDocument(models.Model):
    """A document seen or signed, some with an expiry: coordinators follow what expires soon."""

    class Kind(models.TextChoices):
        CRIMINAL_RECORD = "criminal_record", _("criminal-record extract seen")
        CONFIDENTIALITY = "confidentiality", _("confidentiality pledge signed")
        AGREEMENT = "agreement", _("assignment agreement signed")

    expert = models.ForeignKey(
        Expert, on_delete=models.CASCADE, related_name="documents", verbose_name=_("expert")
    )
    kind = models.CharField(_("document"), max_length=30, choices=Kind.choices)
    dated = models.DateField(_("date"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    EXPIRY_WARNING_DAYS = 60

    objects = ExpertDocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["kind", "-dated"]
        indexes = [models.Index(fields=["kind", "valid_until"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("dated")),
                name="document_valid_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.dated:%d.%m.%Y}"

    def is_valid_on(self, day: date) -> bool:
        return self.dated <= day and (self.valid_until is None or self.valid_until >= day)

    @property
    def expires_soon(self) -> bool:
        if self.valid_until is None:
            return False
        today = timezone.localdate()
        return today <= self.valid_until <= today + timedelta(days=self.EXPIRY_WARNING_DAYS)

    @property
    def expired(self) -> bool:
        return self.valid_until is not None and self.valid_until < timezone.localdate()


class ConsentRecord(models.Model):
    """Consent to the processing described in one privacy notice version; withdrawable."""

    expert = models.ForeignKey(
        Expert, on_delete=models.CASCADE, related_name="consents", verbose_name=_("expert")
    )
    notice = models.ForeignKey(
        PrivacyNotice, on_delete=models.PROTECT, verbose_name=_("privacy notice")
    )
    given_at = models.DateTimeField(_("given"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    on_paper = models.BooleanField(_("given on paper"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-given_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["expert", "notice"],
                condition=Q(withdrawn_at__isnull=True),
                name="consent_one_open_per_notice",
            )
        ]

    def __str__(self) -> str:
        return f"{self.expert} / {self.notice}"


class AreaDisclosure(models.Model):
    """The expert allows this experience area to be shown to this kind of booker."""

    expert = models.ForeignKey(
        Expert, on_delete=models.CASCADE, related_name="disclosures", verbose_name=_("expert")
    )
    area = models.ForeignKey(
        ExperienceArea, on_delete=models.CASCADE, verbose_name=_("experience area")
    )
    booker_kind = models.CharField(_("kind of booker"), max_length=20, choices=BookerKind.choices)

    class Meta:
        verbose_name = _("disclosure")
        verbose_name_plural = _("disclosures")
        constraints = [
            models.UniqueConstraint(
                fields=["expert", "area", "booker_kind"], name="disclosure_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.area} → {self.get_booker_kind_display()}"


class AvailabilitySlot(models.Model):
    """A weekly recurring time when the expert can work."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    expert = models.ForeignKey(
        Expert, on_delete=models.CASCADE, related_name="slots", verbose_name=_("expert")
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    start = models.TimeField(pgettext_lazy("time of day", "from"))
    end = models.TimeField(pgettext_lazy("time of day", "until"))

    class Meta:
        verbose_name = _("available time")
        verbose_name_plural = _("available times")
        ordering = ["weekday", "start"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="slot_order")
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start:%H.%M}–{self.end:%H.%M}"


class Blackout(models.Model):
    """Days the expert cannot work (holiday, sick leave). The reason is theirs to keep."""

    expert = models.ForeignKey(
        Expert, on_delete=models.CASCADE, related_name="blackouts", verbose_name=_("expert")
    )
    start = models.DateField(pgettext_lazy("date range", "from"))
    end = models.DateField(pgettext_lazy("date range", "until"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("unavailable days")
        verbose_name_plural = _("unavailable days")
        ordering = ["start"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="blackout_order")
        ]

    def __str__(self) -> str:
        return f"{self.start:%d.%m.%Y}–{self.end:%d.%m.%Y}"


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
