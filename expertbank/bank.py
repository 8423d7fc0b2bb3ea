"""The bank itself as a party to money: the seller on every invoice and the payer of every fee
(settings ``BANK_*``; see README.md, Configuration)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from expertbank.finnish import normalise_business_id, normalise_iban


@dataclass(frozen=True)
class Party:
    name: str
    business_id: str
    street: str
    postcode: str
    city: str
    iban: str
    bic: str
    einvoice_address: str
    einvoice_operator: str
    email: str
    phone: str

    @property
    def address_lines(self) -> list[str]:
        return [line for line in (self.street, f"{self.postcode} {self.city}".strip()) if line]


REQUIRED = {
    "BANK_NAME": "name",
    "BANK_BUSINESS_ID": "business_id",
    "BANK_STREET": "street",
    "BANK_POSTCODE": "postcode",
    "BANK_CITY": "city",
    "BANK_IBAN": "iban",
    "BANK_BIC": "bic",
}


def bank() -> Party:
    """The bank's own details from the settings, in their normal form."""
    return Party(
        name=settings.BANK_NAME,
        business_id=normalise_business_id(settings.BANK_BUSINESS_ID)
        if settings.BANK_BUSINESS_ID
        else "",
        street=settings.BANK_STREET,
        postcode=settings.BANK_POSTCODE,
        city=settings.BANK_CITY,
        iban=normalise_iban(settings.BANK_IBAN) if settings.BANK_IBAN else "",
        bic=settings.BANK_BIC.upper(),
        einvoice_address=settings.BANK_EINVOICE_ADDRESS,
        einvoice_operator=settings.BANK_EINVOICE_OPERATOR,
        email=settings.BANK_EMAIL,
        phone=settings.BANK_PHONE,
    )


# Fee payments report to the Incomes Register, which asks for the payer's contact phone.
REQUIRED_FOR_FEES = ("BANK_PHONE",)


def bank_missing(*, fees: bool = False) -> str | None:
    """A message naming the settings still missing for invoices (or, with ``fees``, for paying
    fees), or None."""
    names = [*REQUIRED, *(REQUIRED_FOR_FEES if fees else ())]
    missing = [name for name in names if not getattr(settings, name)]
    if not missing:
        return None
    return _(
        "The bank's own details are not set: %(names)s. Set them in the environment (see the "
        "configuration in README.md) before invoicing or paying."
    ) % {"names": ", ".join(missing)}
