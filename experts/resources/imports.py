"""The import file: its columns, and the resource that checks and creates each row."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources, widgets
from import_export.instance_loaders import BaseInstanceLoader
from schwifty import IBAN
from schwifty.exceptions import SchwiftyException

from expertbank.crypto import keyed_hash, mask_iban, mask_identity_code
from expertbank.finnish import (
    normalise_iban,
    normalise_personal_identity_code,
    validate_bic,
    validate_iban,
    validate_personal_identity_code,
)
from expertbank.models import User
from expertbank.phones import phone_normalise
from experts.models import ExperienceArea, Expert, Language, WorkKind
from experts.resources.widgets import (
    SITE_LANGUAGES,
    ChoiceWidget,
    DateWidget,
    IntegerWidget,
    MoneyWidget,
    ReferenceListWidget,
    TextWidget,
    YesNoWidget,
    cell_text,
)
from experts.services.pool import ExpertError, expert_create_impl


@dataclass(frozen=True)
class ImportColumn:
    name: str
    help: str | Promise
    required: bool = False


IMPORT_COLUMNS = [
    ImportColumn("email", gettext_lazy("E-mail address; the invitation is sent here."), True),
    ImportColumn("full_name", gettext_lazy("First and last name."), True),
    ImportColumn("phone", gettext_lazy("Phone number (format the column as text in Excel).")),
    ImportColumn("language", gettext_lazy("Language of the invitation: fi, sv or en.")),
    ImportColumn("public_alias", gettext_lazy("Alias shown to booking units.")),
    ImportColumn("shown_as", gettext_lazy("alias or name: what booking units see.")),
    ImportColumn("municipality", gettext_lazy("Municipality of residence.")),
    ImportColumn("region", gettext_lazy("Region or wellbeing services county.")),
    ImportColumn("areas", gettext_lazy("Experience areas: codes or names, comma-separated.")),
    ImportColumn("languages", gettext_lazy("Languages: codes (fi, sv, en…) or names.")),
    ImportColumn("work_kinds", gettext_lazy("Kinds of work: codes or names, comma-separated.")),
    ImportColumn("remote_ok", gettext_lazy("Works remotely: yes or no.")),
    ImportColumn("travel_radius_km", gettext_lazy("How far the expert travels, in km.")),
    ImportColumn("bio", gettext_lazy("Short public introduction.")),
    ImportColumn(
        "status", gettext_lazy("in_training, active, paused or retired (default in_training).")
    ),
    ImportColumn("certified_on", gettext_lazy("Date of certification, e.g. 15.5.2024.")),
    ImportColumn("identity_code", gettext_lazy("Personal identity code (henkilötunnus).")),
    ImportColumn("iban", gettext_lazy("Bank account (IBAN) for fees.")),
    ImportColumn("bic", gettext_lazy("BIC; filled in from a Finnish IBAN when empty.")),
    ImportColumn("earnings_cap_yearly", gettext_lazy("Yearly earnings cap in euros.")),
    ImportColumn("earnings_cap_monthly", gettext_lazy("Monthly earnings cap in euros.")),
    ImportColumn("expenses_only", gettext_lazy("yes if the expert takes no fee.")),
    ImportColumn("max_gigs_per_month", gettext_lazy("At most this many gigs a month.")),
    ImportColumn("rest_days_after_heavy", gettext_lazy("Rest days after a heavy-theme gig.")),
    ImportColumn("notes", gettext_lazy("Lived-experience notes (coordinators only).")),
]
IMPORT_COLUMN_NAMES = [column.name for column in IMPORT_COLUMNS]
REQUIRED_COLUMNS = [column.name for column in IMPORT_COLUMNS if column.required]
USER_COLUMNS = {"email", "full_name", "phone", "language"}


class ImportRow:
    """One parsed row of the file: plain attributes, nothing saved."""

    def __init__(self):
        for name in IMPORT_COLUMN_NAMES:
            setattr(self, name, None)
        self.expert: Expert | None = None

    @property
    def pk(self):  # import-export reports the instance's pk and str
        return self.expert.pk if self.expert else None

    def __str__(self) -> str:
        return self.full_name or self.email or ""

    def values(self) -> dict[str, Any]:
        """The values given in the file (empty cells leave the model's defaults)."""
        result = {}
        for name in IMPORT_COLUMN_NAMES:
            value = getattr(self, name)
            if value is None or value == "" or name in USER_COLUMNS:
                continue
            result[name] = value
        return result


def _field(name: str, widget: widgets.Widget) -> fields.Field:
    return fields.Field(attribute=name, column_name=name, widget=widget)


class ExpertImportResource(resources.Resource):
    """Parses and checks every row; on a real run creates each expert with an invitation.

    Duplicates are looked for in the pool (e-mail, keyed hash of the identity code) with one
    query each for the whole file, and within the file itself.
    """

    email = _field("email", TextWidget(254))
    full_name = _field("full_name", TextWidget(200))
    phone = _field("phone", TextWidget(40))
    language = _field("language", ChoiceWidget([(code, code) for code in SITE_LANGUAGES]))
    public_alias = _field("public_alias", TextWidget(100))
    shown_as = _field("shown_as", ChoiceWidget(Expert.ShownAs.choices))
    municipality = _field("municipality", TextWidget(100))
    region = _field("region", TextWidget(100))
    areas = _field(
        "areas",
        ReferenceListWidget(
            ExperienceArea, "slug", gettext_lazy("Unknown experience area: %(values)s.")
        ),
    )
    languages = _field(
        "languages",
        ReferenceListWidget(Language, "code", gettext_lazy("Unknown language: %(values)s.")),
    )
    work_kinds = _field(
        "work_kinds",
        ReferenceListWidget(WorkKind, "code", gettext_lazy("Unknown kind of work: %(values)s.")),
    )
    remote_ok = _field("remote_ok", YesNoWidget())
    travel_radius_km = _field("travel_radius_km", IntegerWidget(0, 1000))
    bio = _field("bio", TextWidget(1000))
    status = _field("status", ChoiceWidget(Expert.Status.choices))
    certified_on = _field("certified_on", DateWidget())
    identity_code = _field("identity_code", TextWidget(20))
    iban = _field("iban", TextWidget(42))
    bic = _field("bic", TextWidget(11))
    earnings_cap_yearly = _field("earnings_cap_yearly", MoneyWidget())
    earnings_cap_monthly = _field("earnings_cap_monthly", MoneyWidget())
    expenses_only = _field("expenses_only", YesNoWidget())
    max_gigs_per_month = _field("max_gigs_per_month", IntegerWidget(1, 100))
    rest_days_after_heavy = _field("rest_days_after_heavy", IntegerWidget(0, 60))
    notes = _field("notes", TextWidget(5000))

    class Meta:
        instance_loader_class = BaseInstanceLoader
        force_init_instance = True
        import_id_fields: list[str] = []
        skip_diff = True
        store_instance = True
        store_row_values = True
        report_skipped = False
        use_transactions = True

    def __init__(self, *, by: User | None = None, **kwargs):
        super().__init__(**kwargs)
        self.by = by
        self.row_number = 0
        self.existing_emails: set[str] = set()
        self.existing_hashes: dict[str, str] = {}
        self.seen_emails: dict[str, int] = {}
        self.seen_hashes: dict[str, int] = {}

    def init_instance(self, row=None) -> ImportRow:
        return ImportRow()

    def before_import(self, dataset, **kwargs) -> None:
        """Look up, once for the whole file, who is already in the bank."""
        headers = set(dataset.headers or [])
        emails = set()
        if "email" in headers:
            emails = {cell_text(value).lower() for value in dataset["email"] if cell_text(value)}
        self.existing_emails = set(
            User.objects.filter(email__in=emails).values_list("email", flat=True)
        )
        hashes = {}
        if "identity_code" in headers:
            for value in dataset["identity_code"]:
                code = _normal_identity_code(cell_text(value))
                if code:
                    hashes[keyed_hash(code)] = code
        self.existing_hashes = dict(
            Expert.objects.filter(identity_code_hash__in=hashes)
            .select_related("user")
            .values_list("identity_code_hash", "user__full_name")
        )

    def import_row(self, row, instance_loader, **kwargs):
        self.row_number = kwargs.get("row_number", 0)
        row_result = super().import_row(row, instance_loader, **kwargs)
        row_result.number = self.row_number
        return row_result

    def skip_row(self, instance, original, row, import_validation_errors=None) -> bool:
        return all(cell_text(value) == "" for value in row.values())

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors: dict[str, list] = {
            name: ValidationError(error).messages
            for name, error in (import_validation_errors or {}).items()
        }

        def add(name: str, message: str) -> None:
            errors.setdefault(name, []).append(message)

        for name in REQUIRED_COLUMNS:
            if not getattr(instance, name) and name not in errors:
                add(name, _("This column is required."))
        if instance.email and "email" not in errors:
            self._check_email(instance, add)
        if instance.identity_code and "identity_code" not in errors:
            self._check_identity_code(instance, add)
        if instance.iban and "iban" not in errors:
            try:
                validate_iban(instance.iban)
            except ValidationError as exc:
                add("iban", exc.messages[0])
            else:
                instance.iban = normalise_iban(instance.iban)
                if not instance.bic:
                    instance.bic = _bic_for(instance.iban)
        if instance.phone and "phone" not in errors:
            try:
                instance.phone = phone_normalise(instance.phone)
            except ValidationError as exc:
                add("phone", exc.messages[0])
        if instance.bic and "bic" not in errors:
            instance.bic = instance.bic.replace(" ", "").upper()
            try:
                validate_bic(instance.bic)
            except ValidationError as exc:
                add("bic", exc.messages[0])
        if instance.certified_on and instance.certified_on > timezone.localdate():
            add("certified_on", _("The date of certification cannot be in the future."))
        if errors:
            raise ValidationError(errors)

    def _check_email(self, instance: ImportRow, add) -> None:
        email = instance.email.lower()
        try:
            EmailValidator()(email)
        except ValidationError:
            add("email", _("Enter a valid e-mail address."))
            return
        instance.email = email
        if email in self.existing_emails:
            add("email", _("%(email)s already has an account in the bank.") % {"email": email})
        elif email in self.seen_emails:
            add(
                "email",
                _("The same e-mail address is already on line %(line)s.")
                % {"line": self.seen_emails[email] + 1},
            )
        else:
            self.seen_emails[email] = self.row_number

    def _check_identity_code(self, instance: ImportRow, add) -> None:
        try:
            validate_personal_identity_code(instance.identity_code)
        except ValidationError as exc:
            add("identity_code", exc.messages[0])
            return
        instance.identity_code = normalise_personal_identity_code(instance.identity_code)
        digest = keyed_hash(instance.identity_code)
        if digest in self.existing_hashes:
            add(
                "identity_code",
                _("This personal identity code already belongs to %(name)s.")
                % {"name": self.existing_hashes[digest]},
            )
        elif digest in self.seen_hashes:
            add(
                "identity_code",
                _("The same personal identity code is already on line %(line)s.")
                % {"line": self.seen_hashes[digest] + 1},
            )
        else:
            self.seen_hashes[digest] = self.row_number

    def save_instance(self, instance, is_create, row, **kwargs) -> None:
        if self._is_dry_run(kwargs):
            return
        try:
            instance.expert = expert_create_impl(
                email=instance.email,
                full_name=instance.full_name,
                phone=instance.phone or "",
                language=instance.language or "fi",
                by=self.by,
                invite=True,
                **instance.values(),
            )
        except ExpertError as exc:
            raise ValidationError(str(exc)) from exc


def _normal_identity_code(text: str) -> str:
    try:
        validate_personal_identity_code(text)
    except ValidationError:
        return ""
    return normalise_personal_identity_code(text)


def _bic_for(iban: str) -> str:
    try:
        bic = IBAN(iban).bic
    except SchwiftyException:
        return ""
    return str(bic) if bic else ""


def import_row_summary(row: ImportRow) -> dict[str, str]:
    """What the preview shows of a valid row: nothing sensitive in the clear."""
    return {
        "name": row.full_name or "",
        "email": row.email or "",
        "municipality": row.municipality or "",
        "areas": ", ".join(area.name for area in row.areas or []),
        "status": str(Expert.Status(row.status).label) if row.status else "",
        "identity_code": mask_identity_code(row.identity_code),
        "iban": mask_iban(row.iban),
    }
