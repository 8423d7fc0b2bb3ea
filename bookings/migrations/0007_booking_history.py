from django.db import migrations


class Migration(migrations.Migration):
    """The booking's history keeps every event, not only status changes (one convention:
    ``expertbank.models.History``)."""

    dependencies = [
        ("bookings", "0006_report_rules"),
    ]

    operations = [
        migrations.RenameModel("StatusChange", "BookingChange"),
    ]
