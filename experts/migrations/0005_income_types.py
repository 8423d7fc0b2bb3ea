from django.db import migrations

# The income types the bank pays under (outside employment): 214 lecture fee for talks and
# trainings, 210 meeting fee for customer panels and meetings, 336 compensation for work for
# the other work (service development, peer support).
FIXES = {"service-development": "336", "peer-support": "336"}


def fix_income_types(apps, schema_editor):
    WorkKind = apps.get_model("experts", "WorkKind")
    for code, income_type in FIXES.items():
        WorkKind.objects.filter(code=code).update(income_type=income_type)


class Migration(migrations.Migration):
    dependencies = [("experts", "0004_tax_card_kinds")]

    operations = [migrations.RunPython(fix_income_types, migrations.RunPython.noop)]
