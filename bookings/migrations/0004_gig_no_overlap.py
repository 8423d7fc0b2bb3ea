"""On PostgreSQL, the database itself keeps an expert's live gigs apart.

An exclusion constraint (btree_gist) refuses a second live gig of the same expert whose
``[start, busy_until)`` range overlaps one already there; ``busy_until`` is the end plus the
travel buffer. It is what makes the rule hold when two answers arrive at the same moment; the
services check first and give the friendly message. SQLite has no such constraint and skips this
step (its writers are serialised anyway).
"""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE bookings_gig ADD CONSTRAINT gig_no_overlap EXCLUDE USING gist (
    expert_id WITH =,
    tstzrange("start", "busy_until", '[)') WITH &&
) WHERE (status IN ('planned', 'reported', 'approved', 'paid'));
"""
DROP = "ALTER TABLE bookings_gig DROP CONSTRAINT IF EXISTS gig_no_overlap;"


def create_constraint(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_constraint(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("bookings", "0003_booking_lifecycle")]

    operations = [migrations.RunPython(create_constraint, drop_constraint)]
