"""Issue 19, fourth pass: partial indexes for the open bookings and the planned gigs, in order."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("bookings", "0023_assignment_companion"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="booking",
            index=models.Index(
                condition=models.Q(("status__in", ["requested", "staffing", "confirmed"])),
                fields=["first_start", "id"],
                name="booking_open_first_start",
            ),
        ),
        migrations.AddIndex(
            model_name="gig",
            index=models.Index(
                condition=models.Q(("status", "planned")),
                fields=["start", "id"],
                name="gig_planned_start",
            ),
        ),
    ]
