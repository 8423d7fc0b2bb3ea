from datetime import date
from decimal import Decimal

from django.db import migrations

# Penalty interest under the Interest Act (korkolaki 4 §): the reference rate + 8 points, for
# each half-year. Coordinators add the next half-year's rate in the administration.
PENALTY = [
    (date(2024, 1, 1), Decimal("12.50")),
    (date(2024, 7, 1), Decimal("12.25")),
    (date(2025, 1, 1), Decimal("11.15")),
    (date(2025, 7, 1), Decimal("10.15")),
    (date(2026, 1, 1), Decimal("10.15")),
]


def add_rates(apps, schema_editor):
    PenaltyInterestRate = apps.get_model("invoicing", "PenaltyInterestRate")
    for valid_from, rate in PENALTY:
        PenaltyInterestRate.objects.get_or_create(valid_from=valid_from, defaults={"rate": rate})
    # Ennakkoperintälaki (1118/1996) 12 §: 60 % when the payee gives no tax card.
    NoCardRate = apps.get_model("invoicing", "NoCardRate")
    NoCardRate.objects.get_or_create(valid_from=date(2020, 1, 1), defaults={"rate": Decimal("60")})


class Migration(migrations.Migration):
    dependencies = [("invoicing", "0001_initial")]

    operations = [migrations.RunPython(add_rates, migrations.RunPython.noop)]
