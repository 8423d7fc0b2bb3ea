"""Runs that must not overlap (the monthly invoice and fee runs, payment batches) take a named
lock for their transaction: on PostgreSQL a transaction-level advisory lock, released at commit
or rollback; on SQLite every writing transaction is serialised already. The database's unique
constraints keep each run's results once whatever happens; the lock makes the second run wait
and then find nothing left, instead of failing."""

from __future__ import annotations

import zlib

from django.db import connection


def run_lock(name: str) -> None:
    """Wait for, then hold until the end of this transaction, the lock called ``name``."""
    if connection.vendor != "postgresql":
        return
    key = zlib.crc32(name.encode()) & 0x7FFFFFFF
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])
