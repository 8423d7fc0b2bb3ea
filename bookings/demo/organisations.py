"""Demo organisations, units and their members, the price lists (KoKoA ry's recommended fee
levels, a general list with last year's and this year's rows and an association's reduced list
without VAT) and a funded project."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from bookings.models import (
    FundingSource,
    Membership,
    Organisation,
    PriceList,
    PriceRow,
    PriceUnit,
    Unit,
)
from expertbank.amounts import cents
from expertbank.demo import DEMO_DOMAIN, demo_user
from experts.models import WorkKind

K = Organisation.Kind
OPERATOR = "003721291126"
PER_GIG, PER_HOUR = PriceUnit.PER_GIG, PriceUnit.PER_HOUR

ORGANISATIONS = [
    # name, business ID, kind, [(unit, visiting address, cost centre, member e-mail, name)]
    (
        "Vantaan kaupunki",
        "1284613-4",
        K.CITY,
        [
            (
                "Aikuissosiaalityö, Tikkurila",
                "Kielotie 13, 01300 Vantaa",
                "4410",
                f"tilaaja@{DEMO_DOMAIN}",
                "Maria Lehtonen",
            ),
            ("Nuorisopalvelut, Tikkurila", "Lummetie 2, 01300 Vantaa", "5120", "", ""),
            ("Kotihoito, Hakunila", "Hakunilantie 48, 01200 Vantaa", "4620", "", ""),
        ],
    ),
    (
        "Päihdetyön Tuki ry",
        "1301742-6",
        K.ASSOCIATION,
        [
            (
                "Matalan kynnyksen palvelut",
                "Asematie 6, 01300 Vantaa",
                "",
                f"jarjesto@{DEMO_DOMAIN}",
                "Pekka Laine",
            )
        ],
    ),
    (
        "Vantaan ja Keravan hyvinvointialue",
        "3221355-3",
        K.WELLBEING_COUNTY,
        [
            (
                "Päihde- ja mielenterveyspalvelut, Myyrmäki",
                "Myyrmäenraitti 2, 01600 Vantaa",
                "7310",
                f"hyvinvointialue@{DEMO_DOMAIN}",
                "Laura Salminen",
            ),
            ("Lastensuojelu, Korso", "Urpiaisentie 14, 01450 Vantaa", "7420", "", ""),
            ("Sosiaalipäivystys", "Peltolantie 2, 01300 Vantaa", "7150", "", ""),
        ],
    ),
    (
        "Tikkurilan lukio",
        "2228357-4",
        K.SCHOOL,
        [
            (
                "Opiskeluhuolto",
                "Valkoisenlähteentie 48, 01300 Vantaa",
                "",
                f"koulu@{DEMO_DOMAIN}",
                "Heidi Koskinen",
            )
        ],
    ),
    (
        "Mielenterveysyhdistys Tuuli ry",
        "2071997-9",
        K.ASSOCIATION,
        [("Vertaistoiminta", "Vernissakatu 1, 01300 Vantaa", "", "", "")],
    ),
]

# KoKoA ry's recommendation: talks, panels and trainings 100–600 € a gig, group work 25 €/h.
# fmt: off
PRICES = [
    # work kind, client price, its unit, minimum hours, expert fee, its unit, preparation hours,
    # notice days, client cancellation fee, expert cancellation fee
    ("talk", "350", PER_GIG, "0", "200", PER_GIG, "0", 7, "175", "100"),
    ("training", "600", PER_GIG, "0", "350", PER_GIG, "0", 14, "300", "150"),
    ("customer-panel", "150", PER_GIG, "0", "100", PER_GIG, "0", 7, "75", "50"),
    ("service-development", "60", PER_HOUR, "2", "25", PER_HOUR, "1", 7, "120", "50"),
    ("peer-support", "45", PER_HOUR, "2", "25", PER_HOUR, "0.5", 7, "90", "50"),
    ("co-teaching", "400", PER_GIG, "0", "250", PER_GIG, "0", 14, "200", "125"),
    ("media", "200", PER_GIG, "0", "100", PER_GIG, "0", 7, "100", "50"),
]
# fmt: on
# Merged into another unit: deactivated, so it requests nothing new and leaves the pickers, but
# stays in the register with its history.
DEACTIVATED_UNITS = {"Kotihoito, Hakunila"}
EXEMPTION = "Arvonlisäveroton myynti: yleishyödyllinen yhteisö (AVL 4 §)."


def organisations(log: Callable[[str], None]) -> dict[str, Unit]:
    units = {}
    for org_name, business_id, kind, unit_rows in ORGANISATIONS:
        organisation, _created = Organisation.objects.get_or_create(
            name=org_name, defaults={"business_id": business_id, "kind": kind}
        )
        for unit_name, address, cost_centre, email, person in unit_rows:
            digits = organisation.business_id.replace("-", "")
            unit, created = Unit.objects.get_or_create(
                organisation=organisation,
                name=unit_name,
                defaults={
                    "visiting_address": address,
                    "billing_address": f"{org_name}\nOstolaskut\nPL 1000\n00099 Vantaa",
                    "e_invoice_address": f"0037{digits}" if digits else "",
                    "e_invoice_operator": OPERATOR if digits else "",
                    "cost_centre": cost_centre,
                    "contact_name": person,
                    "contact_email": email,
                    "contact_phone": "+358 40 123 4567" if person else "",
                    "active": unit_name not in DEACTIVATED_UNITS,
                },
            )
            if created:
                log(f"created unit {unit}")
            units[unit_name] = unit
            if email:
                user, _created = demo_user(email=email, full_name=person, log=log)
                Membership.objects.get_or_create(
                    user=user, unit=unit, defaults={"role": Membership.Role.BOOKER}
                )
    return units


# From 2026 a companion or support person who comes with an expert is billed and paid per hour,
# and so is an interpreter the bank books for the gig from an interpreting agency (a
# sign-language interpreter for Johanna, see experts/demo/profiles.py).
SUPPORT_TERMS = {
    "companion_price": Decimal("35.00"),
    "companion_fee": Decimal("20.00"),
    "interpreter_price": Decimal("68.00"),
}


def price_lists() -> None:
    general, _created = PriceList.objects.get_or_create(
        name="Yleinen hinnasto",
        organisation=None,
        defaults={"notes": "KoKoA ry:n suosituksen mukaan."},
    )
    association = Organisation.objects.get(name="Päihdetyön Tuki ry")
    reduced, _created = PriceList.objects.get_or_create(
        name="Järjestöhinnasto",
        organisation=association,
        defaults={"notes": "Yhteistyöjärjestöjen alennettu hinta, ei arvonlisäveroa."},
    )
    kinds = {kind.code: kind for kind in WorkKind.objects.all()}
    for code, price, unit, minimum, fee, fee_unit, prep, notice, cancel, expert_cancel in PRICES:
        if code not in kinds:
            continue
        common = {
            "client_unit": unit,
            "minimum_hours": Decimal(minimum),
            "expert_fee": Decimal(fee),
            "fee_unit": fee_unit,
            "preparation_hours": Decimal(prep),
            "notice_days": notice,
            "client_cancellation_fee": Decimal(cancel),
            "expert_cancellation_fee": Decimal(expert_cancel),
        }
        PriceRow.objects.get_or_create(
            price_list=general,
            work_kind=kinds[code],
            valid_from=date(2024, 1, 1),
            defaults={
                **common,
                "valid_until": date(2025, 12, 31),
                "client_price": cents(Decimal(price) * Decimal("0.9")),
            },
        )
        PriceRow.objects.get_or_create(
            price_list=general,
            work_kind=kinds[code],
            valid_from=date(2026, 1, 1),
            defaults={**common, "client_price": Decimal(price), **SUPPORT_TERMS},
        )
        PriceRow.objects.get_or_create(
            price_list=reduced,
            work_kind=kinds[code],
            valid_from=date(2024, 1, 1),
            defaults={
                **common,
                "client_price": cents(Decimal(price) * Decimal("0.8")),
                "vat_rate": Decimal("0"),
                "vat_exemption_text": EXEMPTION,
            },
        )


def funding() -> FundingSource:
    source, _created = FundingSource.objects.get_or_create(
        code="STEA-C4521",
        defaults={
            "name": "Kokemus mukaan -hanke",
            "funder": "STEA",
            "budget": Decimal("40000.00"),
            "valid_from": date(2025, 1, 1),
            "valid_until": date(2027, 12, 31),
            "notes": "Korvaa kokemusasiantuntijoiden palkkiot vertaisryhmissä.",
        },
    )
    return source
