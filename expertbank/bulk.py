"""Many rows updated with their own values each, in one statement a batch.

Django's ``bulk_update`` writes ``SET f = CASE WHEN id = 1 THEN … WHEN id = 2 THEN … END`` for
every field: building and compiling those ``When`` expressions costs Python time for each row
and field, and PostgreSQL walks the ``CASE`` for every row it updates, so a batch of 500 costs
about 500 × 500 comparisons a field. The fee run sets eight totals on every statement of a
national month (2,400 statements): ``bulk_update`` was about half of the fee run's and the
payment batch's time. On PostgreSQL ``update_each`` sends ``UPDATE … FROM (VALUES …)``: the
values as parameters, prepared by each field as ``save`` prepares them, joined to the rows by
primary key. Elsewhere (SQLite) it is ``bulk_update``.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connections, router
from django.db.models import Model


def update_each(
    model: type[Model], objs: Sequence[Model], fields: Sequence[str], *, batch_size: int = 1000
) -> None:
    """Write ``fields`` of each of ``objs`` (saved instances of ``model``) to its row."""
    if not objs:
        return
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "postgresql":
        model._default_manager.bulk_update(objs, fields, batch_size=500)
        return
    meta = model._meta
    pk = meta.pk
    changed = [meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    table, key = quote(meta.db_table), quote(pk.column)
    join = f"t.{key} = v.{key}"
    names = ", ".join(quote(field.column) for field in (pk, *changed))
    # Each value is cast to its column's type: a column whose values are all NULL in a batch
    # would otherwise be text.
    sets = ", ".join(
        f"{quote(field.column)} = v.{quote(field.column)}::{field.db_type(connection)}"
        for field in changed
    )
    for first in range(0, len(objs), batch_size):
        batch = objs[first : first + batch_size]
        row = "(" + ", ".join(["%s"] * (len(changed) + 1)) + ")"
        params: list = []
        for obj in batch:
            params.append(pk.get_db_prep_value(obj.pk, connection))
            params += [
                field.get_db_prep_save(getattr(obj, field.attname), connection) for field in changed
            ]
        values = ", ".join([row] * len(batch))
        # Identifiers from the model's own metadata, quoted; every value is a parameter.
        update = f"UPDATE {table} AS t SET {sets}"  # nosec B608
        sql = f"{update} FROM (VALUES {values}) AS v({names}) WHERE {join}"
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
