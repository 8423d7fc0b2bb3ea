"""Demo organisations, units and their members. The booking issue adds bookings and terms."""

from __future__ import annotations

from collections.abc import Callable

from bookings.models import Membership, Organisation, Unit
from expertbank.demo import DEMO_DOMAIN, demo_user

ORGANISATIONS = [
    # organisation, business ID, kind, unit, member e-mail, member name
    (
        "Vantaan kaupunki",
        "1284613-4",
        Organisation.Kind.CITY,
        "Aikuissosiaalityö, Tikkurila",
        f"tilaaja@{DEMO_DOMAIN}",
        "Maria Lehtonen",
    ),
    (
        "Päihdetyön Tuki ry",
        "1301742-6",
        Organisation.Kind.ASSOCIATION,
        "Matalan kynnyksen palvelut",
        f"jarjesto@{DEMO_DOMAIN}",
        "Pekka Laine",
    ),
]


def seed(*, log: Callable[[str], None]) -> None:
    for org_name, business_id, kind, unit_name, email, name in ORGANISATIONS:
        organisation, _created = Organisation.objects.get_or_create(
            name=org_name, defaults={"business_id": business_id, "kind": kind}
        )
        unit, _created = Unit.objects.get_or_create(organisation=organisation, name=unit_name)
        user, _created = demo_user(email=email, full_name=name, log=log)
        Membership.objects.get_or_create(
            user=user, unit=unit, defaults={"role": Membership.Role.BOOKER}
        )
