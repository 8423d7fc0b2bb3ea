"""The core: users, invitations and the log of every message sent."""

from __future__ import annotations

import contextlib

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from expertbank.phones import phone_normalise, validate_phone


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra_fields) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra_fields) -> User:
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email: str, password: str | None = None, **extra_fields) -> User:
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person who logs in with an e-mail address; their roles come from groups and relations."""

    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("name"), max_length=200, blank=True)
    language = models.CharField(
        _("preferred language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True, validators=[validate_phone])
    # Answers by text message count only from a verified number (issue 17): set when the person
    # types the code the bank texted to it, cleared whenever the number changes (``save``).
    phone_verified_at = models.DateTimeField(_("phone verified"), null=True, blank=True)
    discreet = models.BooleanField(
        _("discreet mode"),
        default=False,
        help_text=_(
            'Calendar entries, text messages and e-mail subjects say only "Gig – place, time"; '
            "the details are behind the login."
        ),
    )
    plain_language = models.BooleanField(
        _("plain language"),
        default=False,
        help_text=_(
            "The expert's pages and messages use short sentences, one thing to do at a time "
            "and big buttons (selkokieli, lättläst, easy read)."
        ),
    )

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["full_name", "email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]
        # Lists of people by name read in order from here (issue 19): the work queue's five
        # experts without work supervision hashed and sorted all 5,000 experts' users (25 ms).
        indexes = [models.Index(fields=["full_name", "id"], name="user_full_name_id")]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return (self.full_name.split() or [self.email])[0]

    def clean(self) -> None:
        super().clean()
        with contextlib.suppress(ValidationError):  # clean_fields() has reported it
            self.phone = phone_normalise(self.phone)

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._loaded_phone = instance.__dict__.get("phone")
        instance._loaded_phone_verified_at = instance.__dict__.get("phone_verified_at")
        return instance

    def save(self, *args, **kwargs) -> None:
        self.email = (self.email or "").strip().lower()
        self._phone_verification_follow(kwargs)
        super().save(*args, **kwargs)
        self._loaded_phone = self.__dict__.get("phone")
        self._loaded_phone_verified_at = self.__dict__.get("phone_verified_at")

    def _phone_verification_follow(self, kwargs: dict) -> None:
        """A changed number is no longer verified, wherever it was changed (the profile, the
        admin, an import, erasure): unless the same save sets the verification itself."""
        loaded = getattr(self, "_loaded_phone", None)
        if loaded is None or "phone" not in self.__dict__ or self.phone == loaded:
            return
        if self.phone_verified_at is None:
            return
        if self.phone_verified_at != getattr(self, "_loaded_phone_verified_at", None):
            return
        self.phone_verified_at = None
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "phone_verified_at"}


class Invitation(models.Model):
    """A signed, expiring, single-use link that lets a person set a password and log in."""

    email = models.EmailField(_("e-mail address"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("user"),
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.email

    @property
    def is_usable(self) -> bool:
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )

    @property
    def status_label(self) -> str:
        if self.accepted_at:
            return str(_("accepted"))
        if self.revoked_at:
            return str(_("revoked"))
        if self.expires_at <= timezone.now():
            return str(_("expired"))
        return str(_("waiting"))


class PhoneVerification(models.Model):
    """A six-digit code texted to a person's own number (issue 17): kept only as a keyed hash,
    valid ten minutes and five tries, used once; only the
    person's newest code counts (``expertbank.services.phone_verification``)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="phone_verifications",
        verbose_name=_("user"),
    )
    phone = models.CharField(_("phone"), max_length=40)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    tries = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("phone verification")
        verbose_name_plural = _("phone verifications")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "-created_at"], name="phone_verif_user_idx")]

    def __str__(self) -> str:
        return f"{self.user} {self.created_at:%Y-%m-%d %H:%M}"


class Message(models.Model):
    """One message to one recipient, claimed by its idempotency key before it is sent."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("e-mail")
        SMS = "sms", _("text message")

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("message status", "waiting")
        SENDING = "sending", pgettext_lazy("message status", "sending")
        SENT = "sent", pgettext_lazy("message status", "sent")
        FAILED = "failed", pgettext_lazy("message status", "failed")
        SKIPPED = "skipped", pgettext_lazy("message status", "skipped")

    key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=80)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="messages",
        verbose_name=_("recipient"),
    )
    to = models.CharField(_("address"), max_length=254)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    subject = models.CharField(_("subject"), max_length=250, blank=True)
    body = models.TextField(_("text"), blank=True)
    html = models.TextField(_("HTML text"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "claimed_at"]),
            models.Index(fields=["status", "next_attempt_at"]),
            models.Index(fields=["kind", "-created_at"]),
            # The message log (newest first) and the work queue's failed messages.
            models.Index(fields=["created_at", "id"], name="message_created_id"),
            models.Index(fields=["status", "created_at"], name="message_status_created"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.to}"


class NotificationPreference(models.Model):
    """The channels one person chose for one category of messages (``message_kinds``); no row
    means the category's default."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("e-mail")
        SMS = "sms", _("text message")
        BOTH = "both", _("e-mail and text message")
        NONE = "none", _("none")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preferences",
        verbose_name=_("person"),
    )
    category = models.CharField(_("category"), max_length=40)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "category"], name="one_preference_per_category")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.category} = {self.channel}"


class AuditEntry(models.Model):
    """Who changed what and when, for bookings, money and sensitive fields (values masked)."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.CharField(max_length=40)
    object_repr = models.CharField(_("object"), max_length=200)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    at = models.DateTimeField(_("time"), default=timezone.now)
    action = models.CharField(_("action"), max_length=40)
    changes = models.JSONField(_("changes"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id", "-at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"


class ReadEntry(models.Model):
    """Who opened whose sensitive data, and when: one row per viewer, data subject, object and
    kind of data in each ten-minute window (``window_key``), so paging around adds nothing.

    The write audit (``AuditEntry``) says what changed; this says who looked. The data subject
    is the person the data is about (an expert's user), so an expert can be shown every read of
    their data without knowing the objects; a file about several experts (a bank file) gets one
    row per expert in it. Reads by the data subject themselves are not recorded.
    """

    class Kind(models.TextChoices):
        PROFILE = "profile", pgettext_lazy("data read", "profile")
        WELLBEING = "wellbeing", pgettext_lazy("data read", "wellbeing check-in")
        TAX_CARD = "tax_card", pgettext_lazy("data read", "tax card")
        FEE_STATEMENT = "fee_statement", pgettext_lazy("data read", "fee statement")
        BANK_FILE = "bank_file", pgettext_lazy("data read", "bank file")
        EXPORT = "export", pgettext_lazy("data read", "all data (export)")

    at = models.DateTimeField(_("time"), default=timezone.now)
    viewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("opened by"),
    )
    viewer_role = models.CharField(_("as"), max_length=20, blank=True)
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("whose data"),
    )
    kind = models.CharField(_("data"), max_length=20, choices=Kind.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.CharField(max_length=40)
    object_repr = models.CharField(_("object"), max_length=200)
    path = models.CharField(_("page"), max_length=500, blank=True)
    # viewer, subject, kind, object and the ten-minute window: unique, so a repeat is ignored
    window_key = models.CharField(max_length=200, unique=True, editable=False)

    class Meta:
        verbose_name = _("read entry")
        verbose_name_plural = _("read log")
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["subject", "-at"]),
            models.Index(fields=["content_type", "object_id", "-at"]),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind} {self.object_repr}"

    @property
    def viewer_label(self) -> str:
        """The reader by role and name, as the data subject is told: "Coordinator Maija K."."""
        from expertbank.roles import Role

        name = self.viewer.get_full_name() if self.viewer else str(_("a removed user"))
        if self.viewer_role in Role.values:
            return f"{str(Role(self.viewer_role).label).capitalize()} {name}"
        return name

    @property
    def what_for_subject(self) -> str:
        """What was read, in the data subject's words: "your profile", "bank file …"."""
        words = {
            self.Kind.PROFILE: _("your profile"),
            self.Kind.WELLBEING: _("your wellbeing check-in"),
            self.Kind.TAX_CARD: _("your tax card"),
            self.Kind.FEE_STATEMENT: _("your fee statement"),
            self.Kind.BANK_FILE: _("bank file"),
            self.Kind.EXPORT: _("all your data (a download)"),
        }
        what = str(words.get(self.kind, self.kind))
        if self.kind == self.Kind.BANK_FILE:
            return f"{what} {self.object_repr}"
        if self.kind == self.Kind.FEE_STATEMENT:
            return f"{what} ({self.object_repr.rsplit(' ', 1)[-1]})"
        return what


def actor(user):
    """Who did it, as history and audit fields record it: the signed-in user, or nobody for
    the system's own runs (beat tasks, commands) and anonymous requests."""
    return user if user is not None and user.is_authenticated else None


class History(models.Model):
    """One entry of an object's history: who changed what, when, from what, to what, and why.

    The one convention for every history in the project (bookings with their assignments and
    gigs, price lists and funding sources, invoices and fee statements):

    - a status change is ``kind = "status"`` with typed ``from_status`` and ``to_status`` (values
      of the object's ``Status`` choices; ``from_status`` empty when the object was created);
    - any other event is a note kind that the app names (``"rescheduled"``, ``"terms"``,
      ``"funding"``, ``"paid"``…) with the ``note`` in words and, where fields changed,
      ``changes`` = ``{field: [before, after]}`` as readable text;
    - ``note`` always says why, in the words the person gave (or the service's own).

    Entries are only ever added, never changed; the app's services write them in the same
    transaction as the change they record.
    """

    STATUS = "status"

    at = models.DateTimeField(_("time"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    kind = models.CharField(_("kind"), max_length=30, default=STATUS)
    from_status = models.CharField(_("from"), max_length=20, blank=True)
    to_status = models.CharField(_("to"), max_length=20, blank=True)
    note = models.TextField(_("note"), blank=True)
    changes = models.JSONField(_("changed fields"), default=dict, blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "pk"]

    @property
    def is_status_change(self) -> bool:
        return self.kind == self.STATUS

    @classmethod
    def entry(cls, *, by, changes: dict | None = None, **fields):
        """One entry by ``by`` (``actor``: nobody for the system's own runs), not yet saved: a
        run writes its entries in one ``bulk_create``."""
        return cls(by=actor(by), changes=dict(changes or {}), **fields)

    @classmethod
    def write(cls, *, by, changes: dict | None = None, **fields):
        """Add one entry, by ``by`` (``actor``: nobody for the system's own runs)."""
        entry = cls.entry(by=by, changes=changes, **fields)
        entry.save(force_insert=True)
        return entry
