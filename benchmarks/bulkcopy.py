"""Model objects written with PostgreSQL's ``COPY`` for the bulk builders (issue 19).

``bulk_create`` spends most of a scale seed in Python: every value of every row goes through
``get_db_prep_save`` and the insert's SQL is compiled again for each batch. Here the ids come
from the table's sequence first (so children can name their parents before anything is
written, and ``bulk_create``'s ``RETURNING`` is not needed), each field's value is turned into
``COPY``'s text by one plain function chosen once per field, and the rows go to the server as
one CSV stream a table. Fields this module does not know (encrypted text, files) go through
Django's own ``get_db_prep_save``, so what is stored is what ``bulk_create`` would store
(``tests/test_seed_scale.py`` checks that row for row). PostgreSQL only; the caller keeps
``bulk_create`` for SQLite.
"""

from __future__ import annotations

import csv
import io
import json

NULL = "\\N"


def _plain():
    from django.db import models

    return (
        models.AutoField,
        models.BigAutoField,
        models.SmallIntegerField,
        models.IntegerField,
        models.BigIntegerField,
        models.PositiveSmallIntegerField,
        models.PositiveIntegerField,
        models.PositiveBigIntegerField,
        models.DecimalField,
        models.CharField,
        models.TextField,
        models.URLField,
        models.EmailField,
        models.SlugField,
    )


def allocate_ids(model, objs) -> None:
    """Give every object without a primary key the next value of its table's sequence."""
    from django.db import connection

    missing = [obj for obj in objs if obj.pk is None]
    if not missing:
        return
    table, column = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, column, len(missing)],
        )
        for obj, (pk,) in zip(missing, cursor.fetchall(), strict=True):
            obj.pk = pk


def _converter(field, connection):
    """A function from a field's Python value to its ``COPY`` text: plain for the field types
    whose database value is their text, Django's own preparation for any other."""
    from django.db import models

    def nullable(to_text):
        return lambda value: NULL if value is None else to_text(value)

    if field.is_relation:
        return nullable(str)
    kind = type(field)
    if kind is models.BooleanField:
        return nullable(lambda value: "t" if value else "f")
    if kind is models.DateTimeField:
        return nullable(lambda value: value.isoformat(sep=" "))
    if kind in (models.DateField, models.TimeField):
        return nullable(lambda value: value.isoformat())
    if kind is models.JSONField:
        encoder = field.encoder
        as_json = lambda value: json.dumps(value, cls=encoder)  # noqa: E731
        return nullable(as_json) if field.null else as_json
    if kind in _plain():
        return nullable(str)

    def through_django(value):
        prepared = field.get_db_prep_save(value, connection)
        return NULL if prepared is None else str(prepared)

    return through_django


def write(model, objs) -> None:
    """Insert ``objs`` (instances of ``model``) with ``COPY``, ids allocated where missing and
    every foreign key taken from the related object it was given (as ``save`` does)."""
    from django.db import connection

    if not objs:
        return
    allocate_ids(model, objs)
    fields = model._meta.concrete_fields
    plan = []
    for field in fields:
        cached = field.name if field.is_relation else None
        stamp = getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
        plan.append((field, field.attname, cached, stamp, _converter(field, connection)))
    buffer = io.StringIO()
    out = csv.writer(buffer, lineterminator="\n")
    for obj in objs:
        cache = obj._state.fields_cache
        row = []
        for field, attname, cached, stamp, convert in plan:
            if stamp:
                value = field.pre_save(obj, True)
            elif cached is not None and cache.get(cached) is not None:
                value = cache[cached].pk
                setattr(obj, attname, value)
            else:
                value = obj.__dict__.get(attname)
            row.append(convert(value))
        out.writerow(row)
    for obj in objs:
        obj._state.adding, obj._state.db = False, connection.alias
    buffer.seek(0)
    names = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    sql = f"COPY {table} ({names}) FROM STDIN WITH (FORMAT csv, NULL '{NULL}')"
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(sql, buffer)
