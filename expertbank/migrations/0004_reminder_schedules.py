"""The reminder sweeps' schedules as django-celery-beat rows (editable in the admin under
Periodic tasks). The sweeps are idempotent: running one more often, or twice at once, sends
nothing twice (docs/notifications.md)."""

from django.db import migrations

HELSINKI = "Europe/Helsinki"

# name: (task, every minutes | None, crontab minute, crontab hour, description)
SCHEDULES = {
    "reminders-bookings": (
        "bookings.tasks.booking_reminders_task",
        5,
        None,
        None,
        "Offers about to expire, 48 h and 2 h before each gig, the unit's 48 h reminder, "
        "feedback requests.",
    ),
    "reminders-training": (
        "training.tasks.training_reminders_task",
        15,
        None,
        None,
        "Tomorrow's training and supervision sessions: participants and trainers.",
    ),
    "reminders-documents": (
        "experts.tasks.document_reminders_task",
        60,
        None,
        None,
        "Tax cards and documents about to expire: 30 and 7 days before.",
    ),
    "notices-money": (
        "invoicing.tasks.money_notices_task",
        15,
        None,
        None,
        "Fee statements ready, fees paid, invoices issued.",
    ),
    "coordinator-digest": (
        "expertbank.tasks.coordinator_digests_task",
        None,
        "0,30",
        "7-11",
        "The coordinators' daily digest from 7.30 Helsinki time (later runs catch up a missed "
        "one; each coordinator gets one a day).",
    ),
}


def create(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, (task, minutes, minute, hour, description) in SCHEDULES.items():
        fields = {"task": task, "description": description, "enabled": True}
        if minutes is not None:
            fields["interval"], _ = IntervalSchedule.objects.get_or_create(
                every=minutes, period="minutes"
            )
            fields["crontab"] = None
        else:
            fields["crontab"], _ = CrontabSchedule.objects.get_or_create(
                minute=minute,
                hour=hour,
                day_of_week="*",
                day_of_month="*",
                month_of_year="*",
                timezone=HELSINKI,
            )
            fields["interval"] = None
        PeriodicTask.objects.update_or_create(name=name, defaults=fields)


def remove(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=SCHEDULES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("expertbank", "0003_message_retries_html_and_preferences"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, remove)]
