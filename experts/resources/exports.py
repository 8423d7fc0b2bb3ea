"""The export: the pool as a spreadsheet with the import's column names."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _
from import_export import fields, resources

from experts.models import Expert


def _yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


EXPORT_COLUMNS = [
    "email",
    "full_name",
    "phone",
    "language",
    "public_alias",
    "shown_as",
    "municipality",
    "region",
    "areas",
    "languages",
    "work_kinds",
    "remote_ok",
    "travel_radius_km",
    "status",
    "status_since",
    "certified_on",
    "consent",
    "criminal_record_valid_until",
    "identity_code",
    "iban",
    "bic",
    "earnings_cap_yearly",
    "earnings_cap_monthly",
    "expenses_only",
    "max_gigs_per_month",
    "rest_days_after_heavy",
]


class ExpertExportResource(resources.ModelResource):
    """The pool as a spreadsheet, with the import's column names; identity codes and bank
    accounts masked, lived-experience notes left out."""

    email = fields.Field(column_name="email")
    full_name = fields.Field(column_name="full_name")
    phone = fields.Field(column_name="phone")
    language = fields.Field(column_name="language")
    public_alias = fields.Field(attribute="public_alias", column_name="public_alias")
    shown_as = fields.Field(column_name="shown_as")
    municipality = fields.Field(attribute="municipality", column_name="municipality")
    region = fields.Field(attribute="region", column_name="region")
    areas = fields.Field(column_name="areas")
    languages = fields.Field(column_name="languages")
    work_kinds = fields.Field(column_name="work_kinds")
    remote_ok = fields.Field(column_name="remote_ok")
    travel_radius_km = fields.Field(attribute="travel_radius_km", column_name="travel_radius_km")
    status = fields.Field(column_name="status")
    status_since = fields.Field(column_name="status_since")
    certified_on = fields.Field(column_name="certified_on")
    consent = fields.Field(column_name="consent")
    criminal_record_valid_until = fields.Field(column_name="criminal_record_valid_until")
    identity_code = fields.Field(column_name="identity_code")
    iban = fields.Field(column_name="iban")
    bic = fields.Field(attribute="bic", column_name="bic")
    earnings_cap_yearly = fields.Field(column_name="earnings_cap_yearly")
    earnings_cap_monthly = fields.Field(column_name="earnings_cap_monthly")
    expenses_only = fields.Field(column_name="expenses_only")
    max_gigs_per_month = fields.Field(
        attribute="max_gigs_per_month", column_name="max_gigs_per_month"
    )
    rest_days_after_heavy = fields.Field(
        attribute="rest_days_after_heavy", column_name="rest_days_after_heavy"
    )

    class Meta:
        model = Expert
        fields = EXPORT_COLUMNS
        export_order = EXPORT_COLUMNS

    def dehydrate_email(self, expert: Expert) -> str:
        return expert.user.email

    def dehydrate_full_name(self, expert: Expert) -> str:
        return expert.user.full_name

    def dehydrate_phone(self, expert: Expert) -> str:
        return expert.user.phone

    def dehydrate_language(self, expert: Expert) -> str:
        return expert.user.language

    def dehydrate_shown_as(self, expert: Expert) -> str:
        return expert.shown_as

    def dehydrate_areas(self, expert: Expert) -> str:
        return ", ".join(area.name for area in expert.areas.all())

    def dehydrate_languages(self, expert: Expert) -> str:
        return ", ".join(language.code for language in expert.languages.all())

    def dehydrate_work_kinds(self, expert: Expert) -> str:
        return ", ".join(kind.name for kind in expert.work_kinds.all())

    def dehydrate_remote_ok(self, expert: Expert) -> str:
        return _yes_no(expert.remote_ok)

    def dehydrate_status(self, expert: Expert) -> str:
        return expert.status

    def dehydrate_status_since(self, expert: Expert) -> date:
        return expert.status_since

    def dehydrate_certified_on(self, expert: Expert) -> date | str:
        return expert.certified_on or ""

    def dehydrate_consent(self, expert: Expert) -> str:
        return _yes_no(getattr(expert, "has_consent", False))

    def dehydrate_criminal_record_valid_until(self, expert: Expert) -> date | str:
        return getattr(expert, "criminal_record_until", None) or ""

    def dehydrate_identity_code(self, expert: Expert) -> str:
        return expert.identity_code_masked

    def dehydrate_iban(self, expert: Expert) -> str:
        return expert.iban_masked

    def dehydrate_earnings_cap_yearly(self, expert: Expert) -> str:
        return "" if expert.earnings_cap_yearly is None else str(expert.earnings_cap_yearly)

    def dehydrate_earnings_cap_monthly(self, expert: Expert) -> str:
        return "" if expert.earnings_cap_monthly is None else str(expert.earnings_cap_monthly)

    def dehydrate_expenses_only(self, expert: Expert) -> str:
        return _yes_no(expert.expenses_only)


# A cell starting with one of these is run as a formula by spreadsheet programs (CSV injection).
CSV_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_FORMULA_STARTS = ("=",)  # openpyxl writes a string starting with "=" as a formula


def formulae_escaped(dataset, starts: tuple[str, ...]):
    """The dataset with text that a spreadsheet would run as a formula made plain text."""
    escaped = dataset.__class__(headers=dataset.headers)
    for row in dataset:
        escaped.append(
            [
                f"'{cell}" if isinstance(cell, str) and cell.startswith(starts) else cell
                for cell in row
            ]
        )
    return escaped
