from datetime import date
from decimal import Decimal

from django.db import migrations

# The tax-free kilometre allowance (Verohallinto's yearly decision on tax-free travel expenses).
MILEAGE = [
    (date(2024, 1, 1), Decimal("0.57"), "VH/5865/00.01.00/2023"),
    (date(2025, 1, 1), Decimal("0.59"), "VH/5990/00.01.00/2024"),
    (
        date(2026, 1, 1),
        Decimal("0.55"),
        "Verohallinnon päätös verovapaista matkakustannusten korvauksista vuonna 2026",
    ),
]
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
    MileageRate = apps.get_model("invoicing", "MileageRate")
    PenaltyInterestRate = apps.get_model("invoicing", "PenaltyInterestRate")
    for valid_from, per_km, source in MILEAGE:
        MileageRate.objects.get_or_create(
            valid_from=valid_from, defaults={"per_km": per_km, "source": source}
        )
    for valid_from, rate in PENALTY:
        PenaltyInterestRate.objects.get_or_create(valid_from=valid_from, defaults={"rate": rate})


class Migration(migrations.Migration):
    dependencies = [("invoicing", "0001_initial")]

    operations = [migrations.RunPython(add_rates, migrations.RunPython.noop)]
