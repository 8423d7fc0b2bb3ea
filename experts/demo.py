"""Demo experts. The expert pool issue extends this to a believable pool."""

from __future__ import annotations

from collections.abc import Callable

from expertbank.demo import DEMO_DOMAIN, demo_user
from experts.models import Expert

EXPERTS = [
    # e-mail, name, alias, municipality, language
    (f"asiantuntija@{DEMO_DOMAIN}", "Anna Korhonen", "Anna K.", "Vantaa", "fi"),
    (f"mikko.makinen@{DEMO_DOMAIN}", "Mikko Mäkinen", "", "Helsinki", "fi"),
    (f"johanna.lindholm@{DEMO_DOMAIN}", "Johanna Lindholm", "Jossu", "Espoo", "sv"),
]


def seed(*, log: Callable[[str], None]) -> None:
    for email, name, alias, municipality, language in EXPERTS:
        user, _created = demo_user(email=email, full_name=name, language=language, log=log)
        Expert.objects.get_or_create(
            user=user,
            defaults={
                "public_alias": alias,
                "municipality": municipality,
                "status": Expert.Status.ACTIVE,
            },
        )
