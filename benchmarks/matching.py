#!/usr/bin/env python
"""How fast is matching? Fill a pool of experts with a realistic calendar and rank them.

    .venv/bin/python benchmarks/matching.py                      # 500 and 5,000, throwaway DB
    .venv/bin/python benchmarks/matching.py --experts 5000 --repeat 10
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python benchmarks/matching.py
    .venv/bin/python benchmarks/matching.py --in-place --create --experts 5000

By default each pool is built in a throwaway database (Django's test database for the configured
backend: a temporary SQLite file, or ``test_<name>`` on PostgreSQL) that is dropped afterwards.
``--in-place`` uses the configured database itself; with ``--create`` it first adds the
benchmark pool there (users ``bench…@bench.invalid``; run it once per size), without it it ranks
the benchmark bookings that an earlier ``--create`` made.

Each pool: experts with two or three experience areas, languages, kinds of work, consent,
disclosures, weekly times, some days off, criminal-record extracts, earnings caps, monthly limits
and rest days; about ten gigs a year each (paid, approved, reported and planned, from 200 days
back to 60 days ahead) and released feedback. Two bookings are ranked: a weekly series of four
for adults and a one-off for minors (which also checks criminal-record extracts). Printed per
booking: the first (cold) run, the median and the best of ``--repeat`` runs, how much of it was
spent in the database, the process's CPU time (the median run's), and the number of queries.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time as clock
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "expertbank.settings")

EMAIL_DOMAIN = "bench.invalid"
MUNICIPALITIES = ["Vantaa", "Helsinki", "Espoo", "Kerava", "Tuusula", "Järvenpää", "Porvoo"]


def _setup_django(throwaway: bool) -> None:
    if throwaway and "postgres" not in os.environ.get("DATABASE_URL", ""):
        # The test database of the SQLite backend is this file; it is removed afterwards.
        handle, name = tempfile.mkstemp(prefix="bench-matching-", suffix=".sqlite3")
        os.close(handle)
        os.environ["TEST_SQLITE_NAME"] = name
    import django

    django.setup()


def _aware(day: date, hour: int) -> datetime:
    from django.utils import timezone

    return timezone.make_aware(datetime.combine(day, time(hour)))


# --- A profile's parts, shared with the national data (``benchmarks/scale.py``) ---------------


def spoken(rng: random.Random) -> set[str]:
    """Finnish (one in twenty Swedish instead), some Swedish or English besides."""
    codes = ["fi"] if rng.random() < 0.95 else ["sv"]
    codes += [code for code, share in (("sv", 0.1), ("en", 0.3)) if rng.random() < share]
    return set(codes)


def shown_to(rng: random.Random) -> list[str]:
    """The kinds of booker an expert shows their areas to: schools by two in five."""
    from experts.models import BookerKind

    kinds = [BookerKind.CITY, BookerKind.WELLBEING_COUNTY, BookerKind.ASSOCIATION]
    if rng.random() < 0.4:
        kinds.append(BookerKind.SCHOOL)
    return kinds


def weekly_slots(rng: random.Random, expert_id: int) -> list:
    """Two, three or five weekdays, 8–18."""
    from experts.models import AvailabilitySlot

    return [
        AvailabilitySlot(expert_id=expert_id, weekday=day, start=time(8), end=time(18))
        for day in rng.sample(range(5), rng.choice([2, 3, 5]))
    ]


def criminal_record(rng: random.Random, today: date, expert_id: int):
    """For three in five, a criminal-record extract of the last 900 days, valid two years."""
    from experts.models import ExpertDocument

    if rng.random() >= 0.6:
        return None
    dated = today - timedelta(days=rng.randrange(900))
    return ExpertDocument(
        expert_id=expert_id,
        kind=ExpertDocument.Kind.CRIMINAL_RECORD,
        dated=dated,
        valid_until=dated + timedelta(days=730),
    )


def create_pool(size: int, *, seed: int = 7, log=print) -> None:
    """Add ``size`` experts with their calendars, and the bookings to rank, in bulk."""
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from bookings.models import (
        Assignment,
        Booking,
        Feedback,
        Gig,
        Occurrence,
        Organisation,
        PriceList,
        PriceRow,
        PriceUnit,
        Unit,
    )
    from expertbank.models import User
    from experts.models import (
        AreaDisclosure,
        AvailabilitySlot,
        Blackout,
        BookerKind,
        ConsentRecord,
        ExperienceArea,
        Expert,
        ExpertDocument,
        Language,
        PrivacyNotice,
        WorkKind,
    )

    rng = random.Random(seed + size)
    today = timezone.localdate()
    started = clock.perf_counter()
    prefix = f"bench{size}-"
    if User.objects.filter(email__startswith=prefix).exists():
        log(f"pool of {size} already there")
        return
    with transaction.atomic():
        notice = PrivacyNotice.current() or PrivacyNotice.objects.create(
            version="bench", published_on=date(2020, 1, 1)
        )
        areas = list(ExperienceArea.objects.all())
        kinds = list(WorkKind.objects.all())
        languages = {language.code: language for language in Language.objects.all()}
        organisations = [
            Organisation.objects.create(name=f"Bench {size} {kind.label}", kind=kind)
            for kind in BookerKind
        ]
        units = [
            Unit.objects.create(organisation=organisation, name=f"Yksikkö {n}")
            for organisation in organisations
            for n in range(3)
        ]
        price_list = PriceList.objects.create(name=f"Bench {size}")
        PriceRow.objects.bulk_create(
            PriceRow(
                price_list=price_list,
                work_kind=kind,
                valid_from=date(2020, 1, 1),
                client_price=Decimal("300.00"),
                expert_fee=Decimal("150.00"),
                fee_unit=PriceUnit.PER_GIG,
                vat_rate=Decimal("25.50"),
            )
            for kind in kinds
        )
        password = make_password("bench-pass")
        users = User.objects.bulk_create(
            User(
                email=f"{prefix}{n}@{EMAIL_DOMAIN}",
                full_name=f"Bench {rng.choice('ABCDEFGHIJKLMNOPRSTUVY')}{n:05d}",
                password=password,
            )
            for n in range(size)
        )
        statuses = [Expert.Status.ACTIVE] * 18 + [Expert.Status.PAUSED, Expert.Status.IN_TRAINING]
        experts = []
        for user in users:
            status = rng.choice(statuses)
            experts.append(
                Expert(
                    user=user,
                    status=status,
                    certified_on=None if status == Expert.Status.IN_TRAINING else date(2023, 5, 1),
                    municipality=rng.choice(MUNICIPALITIES),
                    remote_ok=rng.random() < 0.8,
                    travel_radius_km=rng.choice([None, 10, 30, 50, 100]),
                    earnings_cap_monthly=Decimal("976.59") if rng.random() < 0.2 else None,
                    earnings_cap_yearly=Decimal("11000.00") if rng.random() < 0.1 else None,
                    max_gigs_per_month=rng.choice([None] * 6 + [2, 4]),
                    rest_days_after_heavy=rng.choice([0] * 6 + [1, 2]),
                    expenses_only=rng.random() < 0.03,
                )
            )
        experts = Expert.objects.bulk_create(experts, batch_size=500)
        area_links, language_links, kind_links, disclosures = [], [], [], []
        consents, slots, blackouts, documents = [], [], [], []
        for expert in experts:
            own = rng.sample(areas, rng.choice([2, 2, 3]))
            area_links += [
                Expert.areas.through(expert_id=expert.pk, experiencearea_id=a.pk) for a in own
            ]
            language_links += [
                Expert.languages.through(expert_id=expert.pk, language_id=languages[code].pk)
                for code in spoken(rng)
            ]
            kind_links += [
                Expert.work_kinds.through(expert_id=expert.pk, workkind_id=k.pk)
                for k in rng.sample(kinds, 3)
            ]
            showing = shown_to(rng)
            disclosures += [
                AreaDisclosure(expert=expert, area=a, booker_kind=k) for a in own for k in showing
            ]
            if rng.random() < 0.95:
                consents.append(ConsentRecord(expert=expert, notice=notice))
            slots += weekly_slots(rng, expert.pk)
            if rng.random() < 0.1:
                start = today + timedelta(days=rng.randrange(60))
                blackouts.append(
                    Blackout(expert=expert, start=start, end=start + timedelta(days=7))
                )
            document = criminal_record(rng, today, expert.pk)
            if document is not None:
                documents.append(document)
        for model, rows in (
            (Expert.areas.through, area_links),
            (Expert.languages.through, language_links),
            (Expert.work_kinds.through, kind_links),
            (AreaDisclosure, disclosures),
            (ConsentRecord, consents),
            (AvailabilitySlot, slots),
            (Blackout, blackouts),
            (ExpertDocument, documents),
        ):
            model.objects.bulk_create(rows, batch_size=2000)

        # About ten gigs a year each: one booking (and time) per day and hour, shared by experts.
        days = [today + timedelta(days=offset) for offset in range(-200, 61)]
        days = [day for day in days if day.weekday() < 5]
        times = {}
        bookings = []
        for day in days:
            for hour in (9, 13):
                bookings.append(
                    Booking(
                        title=f"Bench {size} {day} {hour}",
                        unit=rng.choice(units),
                        work_kind=rng.choice(kinds),
                        language=languages["fi"],
                        place="Kielotie 13, Vantaa",
                        status=Booking.Status.CONFIRMED
                        if day >= today
                        else Booking.Status.DELIVERED,
                        first_start=_aware(day, hour),
                        last_end=_aware(day, hour + 2),
                    )
                )
        bookings = Booking.objects.bulk_create(bookings, batch_size=500)
        Booking.areas.through.objects.bulk_create(
            (
                Booking.areas.through(booking_id=b.pk, experiencearea_id=rng.choice(areas).pk)
                for b in bookings
            ),
            batch_size=2000,
        )
        occurrences = Occurrence.objects.bulk_create(
            (Occurrence(booking=b, start=b.first_start, end=b.last_end) for b in bookings),
            batch_size=1000,
        )
        for booking, occurrence in zip(bookings, occurrences, strict=True):
            times[booking.pk] = occurrence
        assignments, gig_rows = [], []
        for expert in experts:
            if expert.status != Expert.Status.ACTIVE:
                continue
            for day in rng.sample(days, 7):
                booking = bookings[days.index(day) * 2 + rng.randrange(2)]
                assignments.append(
                    Assignment(
                        booking=booking,
                        expert=expert,
                        status=Assignment.Status.ACCEPTED,
                        answer_by=booking.first_start,
                    )
                )
                gig_rows.append((booking, expert, day))
        assignments = Assignment.objects.bulk_create(assignments, batch_size=1000)
        gigs = []
        for assignment, (booking, expert, day) in zip(assignments, gig_rows, strict=True):
            if day >= today:
                status, paid_on = Gig.Status.PLANNED, None
            elif day + timedelta(days=25) < today:
                status, paid_on = Gig.Status.PAID, day + timedelta(days=25)
            else:
                status, paid_on = rng.choice([Gig.Status.APPROVED, Gig.Status.REPORTED]), None
            gigs.append(
                Gig(
                    booking=booking,
                    assignment=assignment,
                    occurrence=times[booking.pk],
                    expert=expert,
                    start=booking.first_start,
                    end=booking.last_end,
                    busy_until=booking.last_end + timedelta(minutes=30),
                    status=status,
                    fee_amount=Decimal("0.00") if expert.expenses_only else Decimal("150.00"),
                    paid_on=paid_on,
                )
            )
        Gig.objects.bulk_create(gigs, batch_size=1000)
        Feedback.objects.bulk_create(
            Feedback(
                booking=booking,
                rating=rng.choice([3, 4, 4, 5, 5]),
                released_at=timezone.now(),
            )
            for booking in bookings
            if booking.first_start < timezone.now() and rng.random() < 0.3
        )
        first = today + timedelta(days=14)
        while first.weekday() != 1:
            first += timedelta(days=1)
        wanted = [a for a in areas if a.slug in ("substance-use", "mental-health")]
        series = Booking.objects.create(
            title=f"Bench {size} series",
            unit=units[0],
            work_kind=kinds[0],
            language=languages["fi"],
            place="Kielotie 13, Vantaa",
            kind=Booking.Kind.SERIES,
            status=Booking.Status.STAFFING,
            first_start=_aware(first, 10),
            last_end=_aware(first + timedelta(weeks=3), 12),
        )
        series.areas.set(wanted)
        Occurrence.objects.bulk_create(
            Occurrence(
                booking=series,
                start=_aware(first + timedelta(weeks=n), 10),
                end=_aware(first + timedelta(weeks=n), 12),
            )
            for n in range(4)
        )
        school = next(u for u in units if u.organisation.kind == BookerKind.SCHOOL)
        minors = Booking.objects.create(
            title=f"Bench {size} minors",
            unit=school,
            work_kind=kinds[0],
            language=languages["fi"],
            place="Koulutie 1, Vantaa",
            audience=Booking.Audience.MINORS,
            status=Booking.Status.STAFFING,
            first_start=_aware(first + timedelta(days=2), 12),
            last_end=_aware(first + timedelta(days=2), 14),
        )
        minors.areas.set([a for a in areas if a.slug in ("youth", "family", "substance-use")])
        Occurrence.objects.create(booking=minors, start=minors.first_start, end=minors.last_end)
        # The two ranked bookings carry their frozen terms, as a unit's request would.
        from bookings import money
        from bookings.services.terms import freeze_terms

        for ranked_booking in (series, minors):
            row = money.price_row_for(
                organisation_id=ranked_booking.unit.organisation_id,
                work_kind_id=ranked_booking.work_kind_id,
                day=money.terms_day(ranked_booking.first_start),
            )
            ranked_booking.terms = freeze_terms(ranked_booking, source=row, row=row, by=None)
            ranked_booking.save(update_fields=["terms"])
    from django.db import connection

    with connection.cursor() as cursor:  # fresh statistics, as autovacuum would gather them
        cursor.execute("ANALYZE")
    log(
        f"created {size} experts, {len(gigs)} gigs, {len(bookings) + 2} bookings "
        f"in {clock.perf_counter() - started:.1f} s"
    )


def measure(size: int, repeat: int, log=print) -> list[dict]:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext
    from django.utils import translation

    from bookings.matching import rank_candidates
    from bookings.models import Booking

    rows = []
    for label in ("series", "minors"):
        booking_id = Booking.objects.get(title=f"Bench {size} {label}").pk
        runs, database, cpu = [], [], []
        queries = 0
        for _attempt in range(repeat + 1):
            spent = [0.0]

            def timed(execute, sql, params, many, context, spent=spent):
                begun = clock.perf_counter()
                try:
                    return execute(sql, params, many, context)
                finally:
                    spent[0] += clock.perf_counter() - begun

            reset_queries()
            with (
                translation.override("fi"),
                CaptureQueriesContext(connection) as captured,
                connection.execute_wrapper(timed),
            ):
                begun, used = clock.perf_counter(), clock.process_time()
                booking = Booking.objects.select_related(
                    "unit__organisation", "work_kind", "language"
                ).get(pk=booking_id)
                result = rank_candidates(booking)
                elapsed = clock.perf_counter() - begun
                cpu.append(clock.process_time() - used)
            runs.append(elapsed)
            database.append(spent[0])
            queries = len(captured)
        row = {
            "backend": connection.vendor,
            "pool": size,
            "booking": label,
            "ranked": len(result.ranked),
            "excluded": len(result.excluded),
            "queries": queries,
            "cold_ms": runs[0] * 1000,
            "median_ms": statistics.median(runs[1:]) * 1000,
            "best_ms": min(runs[1:]) * 1000,
            "db_ms": statistics.median(database[1:]) * 1000,
            "cpu_ms": statistics.median(cpu[1:]) * 1000,
        }
        log(
            "{backend:10} pool {pool:>5}  {booking:6}  ranked {ranked:>4}  excluded {excluded:>4}"
            "  queries {queries:>2}  cold {cold_ms:7.1f} ms  median {median_ms:7.1f} ms"
            "  best {best_ms:7.1f} ms  (database {db_ms:6.1f} ms, CPU {cpu_ms:6.1f} ms)".format(
                **row
            )
        )
        rows.append(row)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--experts", type=int, nargs="+", default=[500, 5000])
    parser.add_argument("--repeat", type=int, default=5, help="timed runs after the cold one")
    parser.add_argument("--in-place", action="store_true", help="use the configured database")
    parser.add_argument("--create", action="store_true", help="with --in-place: add the pool")
    parser.add_argument("--keep", action="store_true", help="keep the throwaway database")
    options = parser.parse_args(argv)
    throwaway = not options.in_place
    _setup_django(throwaway)

    from django.db import connection

    original = connection.settings_dict["NAME"]
    for size in options.experts:
        if not throwaway:
            if options.create:
                create_pool(size)
            measure(size, options.repeat)
            continue
        # A fresh database for each size, so that one pool does not swell the next.
        name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
        print(f"throwaway database {name}")
        try:
            create_pool(size)
            measure(size, options.repeat)
        finally:
            if not options.keep:
                connection.creation.destroy_test_db(original, verbosity=0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
