"""Issue 19, fourth pass: people by name, in order."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("expertbank", "0009_user_phone_verified"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="user",
            index=models.Index(fields=["full_name", "id"], name="user_full_name_id"),
        ),
    ]
