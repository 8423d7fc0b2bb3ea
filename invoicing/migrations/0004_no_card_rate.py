from datetime import date
from decimal import Decimal

from django.db import migrations


def add_rate(apps, schema_editor):
    # Ennakkoperintälaki (1118/1996) 12 §: 60 % when the payee gives no tax card.
    NoCardRate = apps.get_model("invoicing", "NoCardRate")
    NoCardRate.objects.get_or_create(valid_from=date(2020, 1, 1), defaults={"rate": Decimal("60")})


class Migration(migrations.Migration):
    dependencies = [("invoicing", "0003_fees")]

    operations = [migrations.RunPython(add_rate, migrations.RunPython.noop)]
