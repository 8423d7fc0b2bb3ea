"""The impact questions' sweep as a django-celery-beat row (editable in the admin under Periodic
tasks): every hour from 9.15 to 18.15 Helsinki time; the sweep is idempotent (a question goes
once per booking, day mark and recipient)."""

from django.db import migrations

NAME = "impact-questions"


def create(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="15",
        hour="9-18",
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone="Europe/Helsinki",
    )
    PeriodicTask.objects.update_or_create(
        name=NAME,
        defaults={
            "task": "bookings.tasks.impact_questions_task",
            "description": "The units' impact question, 30 and 90 days after a booking's last time.",
            "enabled": True,
            "crontab": crontab,
            "interval": None,
        },
    )


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("bookings", "0017_impact_answers"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, remove)]
