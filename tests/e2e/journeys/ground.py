"""The ground state every journey starts from, built with the factories and services (not
seed_demo, which is slow): the talk's price row, a Vantaa youth-services unit with its member, a
coordinator, and three bookable experts (one shown by her alias, two by their names)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from bookings.models import Organisation, PriceRow
from expertbank.models import User
from experts.models import Expert
from tests.bookings.factories import PriceRowFactory, bookable_expert
from tests.factories import (
    CoordinatorFactory,
    MembershipFactory,
    OrganisationFactory,
    UnitFactory,
    UserFactory,
)


@dataclass
class Ground:
    terms: PriceRow
    unit_member: User
    coordinator: User
    anna: Expert  # shown to units as "Anna K."
    mikko: Expert  # shown by his name
    leena: Expert  # shown by her name; not offered in journey 1

    @property
    def unit(self):
        return self.unit_member.memberships.get().unit


def build_ground() -> Ground:
    terms = PriceRowFactory(
        client_price=Decimal("350.00"),
        expert_fee=Decimal("200.00"),
        notice_days=7,
        client_cancellation_fee=Decimal("175.00"),
    )
    organisation = OrganisationFactory(
        name="Vantaan kaupunki", business_id="0124610-9", kind=Organisation.Kind.CITY
    )
    unit = UnitFactory(organisation=organisation, name="Nuorisopalvelut")
    unit_member = MembershipFactory(
        unit=unit,
        user=UserFactory(email="laura.makinen@vantaa.example", full_name="Laura Mäkinen"),
    ).user
    coordinator = CoordinatorFactory(
        email="sanna.virtanen@kokemuspankki.example", full_name="Sanna Virtanen"
    )

    def expert(email: str, name: str, **kwargs) -> Expert:
        return bookable_expert(
            user=UserFactory(email=email, full_name=name, language="fi"),
            municipality="Vantaa",
            **kwargs,
        )

    anna = expert(
        "anna.korhonen@example.fi",
        "Anna Korhonen",
        public_alias="Anna K.",
        shown_as=Expert.ShownAs.ALIAS,
    )
    mikko = expert("mikko.laine@example.fi", "Mikko Laine", shown_as=Expert.ShownAs.NAME)
    leena = expert("leena.nieminen@example.fi", "Leena Nieminen", shown_as=Expert.ShownAs.NAME)
    return Ground(
        terms=terms,
        unit_member=unit_member,
        coordinator=coordinator,
        anna=anna,
        mikko=mikko,
        leena=leena,
    )
