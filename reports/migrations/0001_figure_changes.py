"""The figures' change log and the triggers that write it (issue 19: kept figures of ended
months are read under the sum of the changes to their months; see ``reports.figures``).

Row triggers on both databases (SQLite for tests, PostgreSQL in production); each writes the
months a change touches: a gig's start and payment months, a report's gig's month, an offer's
month, a booking's every month when its unit, kind, areas, funding or audience change, and
``*`` (every month) when a name or an expert's municipality changes."""

from django.db import migrations, models

LOG = "reports_figurechange"
NEW_BOOKING = "bookings_booking_created"  # reports.figures.NEW_BOOKING


def _month(vendor: str, column: str, *, date: bool = False) -> str:
    if vendor == "postgresql":
        return (
            f"to_char({column}, 'YYYY-MM')"
            if date
            else (f"to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM')")
        )
    return f"strftime('%Y-%m', {column})"


def _changed(vendor: str, columns: tuple[str, ...]) -> str:
    op = "IS DISTINCT FROM" if vendor == "postgresql" else "IS NOT"
    return " OR ".join(f'OLD."{c}" {op} NEW."{c}"' for c in columns)


def _live(row: str) -> str:
    return f"({row}.status IN ('planned', 'reported', 'approved', 'paid'))"


def _booking_months(vendor: str, booking: str) -> list[str]:
    """Every month a booking's figures sit in."""
    m = lambda column, **kw: _month(vendor, column, **kw)  # noqa: E731
    return [
        f"SELECT {m('created_at')} FROM bookings_booking WHERE id = {booking}",
        f"SELECT {m('start')} FROM bookings_gig WHERE booking_id = {booking}",
        f"SELECT {m('paid_on', date=True)} FROM bookings_gig WHERE booking_id = {booking}",
        f"SELECT {m('offered_at')} FROM bookings_assignment WHERE booking_id = {booking}",
        f"SELECT {m('created_at')} FROM bookings_feedback WHERE booking_id = {booking}",
        f"SELECT {m('answered_at')} FROM bookings_impactanswer WHERE booking_id = {booking}",
    ]


def _specs(vendor: str):
    """(table, event, condition or '', the SELECTs of the months touched)."""
    m = lambda column, **kw: _month(vendor, column, **kw)  # noqa: E731
    every = ["SELECT '*'"]
    gig_columns = (
        "start",
        "end",
        "paid_on",
        "fee_amount",
        "booking_id",
        "expert_id",
        "occurrence_id",
        "late_cancelled",
    )
    gig_months = lambda row: [  # noqa: E731
        f"SELECT {m(row + '.start')}",
        f"SELECT {m(row + '.paid_on', date=True)}",
    ]
    of_gig = lambda row: [  # noqa: E731
        f"SELECT {m('start')} FROM bookings_gig WHERE id = {row}.gig_id"
    ]
    booking_columns = (
        "unit_id",
        "work_kind_id",
        "funding_source_id",
        "audience_size",
        "created_at",
    )
    names = ("name_fi", "name_sv", "name_en")
    specs = [
        ("bookings_gig", "INSERT", "", gig_months("NEW")),
        (
            "bookings_gig",
            "UPDATE",
            # A status counts only in or out of the live ones (planned → reported → approved
            # → paid changes no figure; its payment day does).
            f"{_changed(vendor, gig_columns)} OR {_live('OLD')} <> {_live('NEW')}",
            gig_months("OLD") + gig_months("NEW"),
        ),
        ("bookings_gig", "DELETE", "", gig_months("OLD")),
        ("bookings_gigreport", "INSERT", "", of_gig("NEW")),
        (
            "bookings_gigreport",
            "UPDATE",
            _changed(vendor, ("hours", "gig_id")),
            of_gig("OLD") + of_gig("NEW"),
        ),
        ("bookings_gigreport", "DELETE", "", of_gig("OLD")),
        ("bookings_assignment", "INSERT", "", [f"SELECT {m('NEW.offered_at')}"]),
        (
            "bookings_assignment",
            "UPDATE",
            _changed(vendor, ("offered_at", "status", "booking_id", "expert_id")),
            [f"SELECT {m('OLD.offered_at')}", f"SELECT {m('NEW.offered_at')}"],
        ),
        ("bookings_assignment", "DELETE", "", [f"SELECT {m('OLD.offered_at')}"]),
        # A new booking has no gigs yet: only the requests' figures read it.
        ("bookings_booking", "INSERT", "", [f"SELECT {m('NEW.created_at')}"], NEW_BOOKING),
        (
            "bookings_booking",
            "UPDATE",
            _changed(vendor, booking_columns),
            [f"SELECT {m('OLD.created_at')}", *_booking_months(vendor, "NEW.id")],
        ),
        ("bookings_booking", "DELETE", "", every),
        ("bookings_booking_areas", "INSERT", "", _booking_months(vendor, "NEW.booking_id")),
        ("bookings_booking_areas", "DELETE", "", _booking_months(vendor, "OLD.booking_id")),
        (
            "bookings_bookingchange",
            "INSERT",
            "NEW.to_status = 'confirmed'",  # the only changes the figures read
            [f"SELECT {m('created_at')} FROM bookings_booking WHERE id = NEW.booking_id"],
        ),
        (
            "bookings_bookingchange",
            "UPDATE",
            f"({_changed(vendor, ('to_status', 'at', 'booking_id'))})"
            " AND 'confirmed' IN (OLD.to_status, NEW.to_status)",
            [
                f"SELECT {m('created_at')} FROM bookings_booking WHERE id = OLD.booking_id",
                f"SELECT {m('created_at')} FROM bookings_booking WHERE id = NEW.booking_id",
            ],
        ),
        ("bookings_bookingchange", "DELETE", "OLD.to_status = 'confirmed'", every),
        (
            "bookings_occurrence",
            "UPDATE",
            _changed(vendor, ("start", "booking_id")),
            [f"SELECT {m('OLD.start')}", f"SELECT {m('NEW.start')}"],
        ),
        ("bookings_feedback", "INSERT", "", [f"SELECT {m('NEW.created_at')}"]),
        (
            "bookings_feedback",
            "UPDATE",
            _changed(vendor, ("rating", "created_at", "booking_id")),
            [f"SELECT {m('OLD.created_at')}", f"SELECT {m('NEW.created_at')}"],
        ),
        ("bookings_feedback", "DELETE", "", [f"SELECT {m('OLD.created_at')}"]),
        ("bookings_impactanswer", "INSERT", "", [f"SELECT {m('NEW.answered_at')}"]),
        (
            "bookings_impactanswer",
            "UPDATE",
            _changed(vendor, ("change", "answered_at", "booking_id")),
            [f"SELECT {m('OLD.answered_at')}", f"SELECT {m('NEW.answered_at')}"],
        ),
        ("bookings_impactanswer", "DELETE", "", [f"SELECT {m('OLD.answered_at')}"]),
        ("invoicing_invoice", "INSERT", "", [f"SELECT {m('NEW.issue_date', date=True)}"]),
        (
            "invoicing_invoice",
            "UPDATE",
            _changed(vendor, ("status", "issue_date", "net_total", "unit_id")),
            [
                f"SELECT {m('OLD.issue_date', date=True)}",
                f"SELECT {m('NEW.issue_date', date=True)}",
            ],
        ),
        ("invoicing_invoice", "DELETE", "", [f"SELECT {m('OLD.issue_date', date=True)}"]),
        ("bookings_unit", "UPDATE", _changed(vendor, ("organisation_id",)), every),
        ("bookings_organisation", "UPDATE", _changed(vendor, ("name",)), every),
        ("experts_workkind", "UPDATE", _changed(vendor, names), every),
        ("experts_experiencearea", "UPDATE", _changed(vendor, names), every),
        ("experts_expert", "UPDATE", _changed(vendor, ("municipality",)), every),
    ]
    return specs


def _insert(table: str, selects: list[str]) -> str:
    """One row for each distinct month the SELECTs give (each ``SELECT <month> [FROM …]``)."""
    named = []
    for select in selects:
        expression, _from, tail = select.removeprefix("SELECT ").partition(" FROM ")
        named.append(f"SELECT {expression} AS m" + (f" FROM {tail}" if tail else ""))
    union = " UNION ".join(named)
    return (
        f"INSERT INTO {LOG} (month, source, weight) "  # nosec B608: fixed text, no input
        f"SELECT DISTINCT t.m, '{table}', 1 FROM ({union}) AS t WHERE t.m IS NOT NULL"
    )


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for n, (table, event, condition, selects, *source) in enumerate(_specs(vendor)):
        name = f"reports_fc_{n}_{table}"[:60]
        if vendor == "postgresql":
            schema_editor.execute(
                f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
                f"BEGIN {_insert(source[0] if source else table, selects)}; RETURN NULL; END $$"
            )
            when = f"WHEN ({condition}) " if condition else ""
            schema_editor.execute(
                f"CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW {when}"
                f"EXECUTE FUNCTION {name}()"
            )
        elif vendor == "sqlite":
            when = f"WHEN {condition} " if condition else ""
            schema_editor.execute(
                f"CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW {when}"
                f"BEGIN {_insert(source[0] if source else table, selects)}; END"
            )


# The live month's parts read these ranges (issue 19: each was a sequential scan of its table).
# Made here, beside the figures that need them, as the tables' apps were being changed by
# others at the time; IF NOT EXISTS lets their own models take them over later.
INDEXES = [
    ("reports_booking_created_at", "bookings_booking", "(created_at)", ""),
    ("reports_gig_paid_on", "bookings_gig", "(paid_on)", "WHERE paid_on IS NOT NULL"),
    ("reports_gig_start", "bookings_gig", "(start)", ""),
    ("reports_assignment_offered_at", "bookings_assignment", "(offered_at)", ""),
]


def create_indexes(apps, schema_editor):
    for name, table, columns, where in INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} {columns} {where}")


def drop_indexes(apps, schema_editor):
    for name, _table, _columns, _where in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for n, (table, *_rest) in enumerate(_specs(vendor)):
        name = f"reports_fc_{n}_{table}"[:60]
        if vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {name}()")
        elif vendor == "sqlite":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("bookings", "0023_assignment_companion"),
        ("experts", "0011_support_companion_person"),
        ("invoicing", "0004_support_lines"),
    ]

    operations = [
        migrations.CreateModel(
            name="FigureChange",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("month", models.CharField(max_length=7, verbose_name="month")),
                ("source", models.CharField(max_length=40, verbose_name="table")),
                ("weight", models.PositiveIntegerField(default=1, verbose_name="changes")),
            ],
            options={
                "verbose_name": "change to the figures' data",
                "verbose_name_plural": "changes to the figures' data",
                "indexes": [
                    models.Index(
                        fields=["month", "source", "weight"], name="figurechange_month_source"
                    )
                ],
            },
        ),
        migrations.RunPython(create_triggers, drop_triggers),
        migrations.RunPython(create_indexes, drop_indexes),
    ]
