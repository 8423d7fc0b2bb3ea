"""National-scale data for ``manage.py seed_scale`` and ``make bench`` (issue 19).

At ``scale=1``: 5,000 experts, 300 organisations with 2,000 units, about 250,000 bookings over
five years (about 400,000 assignments and gigs), the past months invoiced and their fees paid
through the money services (about 60,000 invoices and 200,000 fee lines at that size), and
1,000,000 message-log rows. ``scale=0.01`` makes a hundredth of each.

Built with the bulk builders of ``benchmarks/money.py`` (the rows the booking services write,
checked against one booking taken through the real services), written with ``COPY`` on
PostgreSQL (``benchmarks/bulkcopy.py``; ``bulk_create`` on SQLite), then:

* the months before last are settled by the real money services (invoice run, fee run, payment
  batch confirmed), as a bank that has run for five years would be;
* every expert has a profile (areas shown to the kinds of booker, languages, kinds of work,
  weekly hours) and every booking an experience area, so matching ranks a real pool;
* most experts have consented to the privacy notice in force (98 %), and the units have paid
  their invoices through the payment service (camt.054 notifications imported), most on time,
  some late or short, a few not yet;
* last month's gigs stay approved and not invoiced (``make bench`` times its invoice and fee
  runs, rolled back);
* the coming two months hold bookings in the open states: confirmed with planned gigs, being
  staffed with offers out, and new requests; about 3 % of past bookings were cancelled;
* the message log is written with PostgreSQL's ``COPY`` (bulk inserts on SQLite);
* then ``VACUUM (ANALYZE)`` (``ANALYZE`` inside a transaction or on SQLite).

Every user is ``…@bench.invalid`` (password ``bench-pass``): ``coordinator@`` (also a
superuser, for the admin), ``booker0@`` … and ``expert0@`` …. The command refuses a database
holding any other user than these and the demo's (``…@kokemuspankki.example``).
"""

from __future__ import annotations

import csv
import io
import random
import time as clock
from dataclasses import dataclass
from datetime import timedelta

from benchmarks import money

EMAIL_DOMAIN = money.EMAIL_DOMAIN
ALLOWED_DOMAINS = (EMAIL_DOMAIN, "kokemuspankki.example")
COORDINATOR = f"coordinator@{EMAIL_DOMAIN}"
PASSWORD = "bench-pass"

FULL = {
    "experts": 5000,
    "organisations": 300,
    "units": 2000,
    "bookings": 250_000,
    "months": 60,
    "messages": 1_000_000,
}


class RealData(Exception):
    """The database holds users the scale seed did not make."""


@dataclass
class Sizes:
    experts: int
    organisations: int
    units: int
    bookings: int
    months: int
    messages: int

    @classmethod
    def at(cls, scale: float, months: int = FULL["months"]) -> Sizes:
        def n(key: str, least: int) -> int:
            return max(least, round(FULL[key] * scale))

        return cls(
            experts=n("experts", 20),
            organisations=n("organisations", 2),
            units=n("units", 4),
            bookings=n("bookings", 20),
            months=months,
            messages=n("messages", 50),
        )


def strangers():
    """Users that are neither the scale seed's nor the demo's."""
    from django.db.models import Q

    from expertbank.models import User

    allowed = Q()
    for domain in ALLOWED_DOMAINS:
        allowed |= Q(email__iendswith=f"@{domain}")
    return User.objects.exclude(allowed)


def seeded() -> bool:
    """Whether a whole scale seed is there (its message log is written last)."""
    from expertbank.models import Message, User

    complete = Message.objects.filter(key="scale:0").exists()
    if not complete and User.objects.filter(email=COORDINATOR).exists():
        raise RealData(
            "An earlier seed_scale stopped half-way: drop and re-create this database, "
            "migrate, and run it again."
        )
    return complete


def refuse_real_data() -> None:
    others = strangers()
    count = others.count()
    if count:
        raise RealData(
            f"This database holds {count} users that are not from the scale or demo seed "
            f"(e.g. {others.order_by('pk').first().email}): it looks like real data. "
            "seed_scale writes hundreds of thousands of made-up rows and runs only on a "
            "database of its own (e.g. postgres://…/expertbank_bench)."
        )


def _open_state(rows, state: str) -> None:
    """Turn a delivered booking's rows into a coming one: confirmed with planned gigs, being
    staffed (offers out, no gigs yet) or a new request; its history kept to match."""
    from bookings.models import Assignment, Booking, Gig

    S = Booking.Status
    rows.reports, rows.expenses = [], []
    for gig in rows.gigs:
        gig.status, gig.fee_amount, gig.billable_amount = Gig.Status.PLANNED, 0, None
    keep = {
        "confirmed": {S.REQUESTED, S.STAFFING, S.CONFIRMED, "offered", "accepted", "planned"},
        "staffing": {S.REQUESTED, S.STAFFING, "offered"},
        "requested": {S.REQUESTED},
    }[state]
    rows.changes = [c for c in rows.changes if c.to_status in keep]
    if state == "confirmed":
        rows.booking.status = S.CONFIRMED
        return
    rows.gigs = []
    rows.changes = [c for c in rows.changes if c.gig is None]
    if state == "staffing":
        rows.booking.status = S.STAFFING
        for assignment in rows.assignments:
            assignment.status, assignment.answered_at = Assignment.Status.OFFERED, None
        return
    rows.booking.status = S.REQUESTED
    rows.assignments = []
    rows.changes = [c for c in rows.changes if c.assignment is None]


def _cancelled(rows) -> None:
    from bookings.models import Booking, BookingChange, Gig

    rows.reports, rows.expenses = [], []
    for gig in rows.gigs:
        gig.status, gig.fee_amount, gig.billable_amount = Gig.Status.CANCELLED, 0, None
    rows.booking.status = Booking.Status.CANCELLED
    keep = [c for c in rows.changes if c.to_status not in ("delivered", "reported", "approved")]
    cancelled_at = rows.booking.first_start - timedelta(days=10)
    keep.append(
        BookingChange(
            booking=rows.booking,
            by=rows.booking.requested_by,
            at=cancelled_at,
            from_status=Booking.Status.CONFIRMED,
            to_status=Booking.Status.CANCELLED,
        )
    )
    rows.changes = keep


def _mileage_from(day) -> None:
    """The Tax Administration's kilometre allowance back to the history's first day (the
    migrations hold it from 2024): 0.53 € a km before that (2022–2023 were 0.46–0.53)."""
    from decimal import Decimal

    from bookings.models import MileageRate

    first = day.replace(month=1, day=1)
    if not MileageRate.objects.filter(valid_from__lte=first).exists():
        MileageRate.objects.create(
            valid_from=first, per_km=Decimal("0.53"), source="seed_scale: the years before 2024"
        )


def build_month(world, period, bookings: int, rng: random.Random, *, state: str = "delivered"):
    """About ``bookings`` bookings with times in ``period`` (the monthly builder of
    ``benchmarks/money.py``, whose size counts gigs: about 1.4 a booking)."""
    from django.db import transaction

    saved = money.save_bookings
    caught = []
    money.save_bookings = caught.extend
    try:
        money.create_month(world, period, max(1, round(bookings * 1.4)), rng=rng)
    finally:
        money.save_bookings = saved
    for rows in caught:
        if state == "delivered":
            if rng.random() < 0.03:
                _cancelled(rows)
        else:
            _open_state(rows, rng.choices(["confirmed", "staffing", "requested"], [6, 3, 1])[0])
    with transaction.atomic():
        saved(caught)
    return len(caught), sum(len(rows.gigs) for rows in caught)


def consent_most(rng: random.Random, share: float = 0.98) -> int:
    """Most experts have consented to the privacy notice in force; a few have not yet, so the
    work queue's "gigs without consent" lists a live bank's handful, not every coming gig."""
    from experts.models import ConsentRecord, Expert, PrivacyNotice

    notice = PrivacyNotice.current()
    rows = [
        ConsentRecord(expert_id=pk, notice=notice)
        for pk in Expert.objects.order_by("pk").values_list("pk", flat=True)
        if rng.random() < share
    ]
    ConsentRecord.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


# The experience areas' shares of experts and bookings, as a bank's pool leans (the rest 1 each).
AREA_WEIGHTS = {"substance-use": 6, "mental-health": 6, "social-services": 2, "youth": 2}


def _write(model, objs) -> None:
    """``COPY`` on PostgreSQL, ``bulk_create`` elsewhere."""
    from django.db import connection

    from benchmarks import bulkcopy

    for first in range(0, len(objs), 50_000):
        batch = objs[first : first + 50_000]
        if connection.vendor == "postgresql":
            bulkcopy.write(model, batch)
        else:
            model.objects.bulk_create(batch, batch_size=5000)


def give_profiles(rng: random.Random, log=print) -> int:
    """Every expert a profile as a live pool has one (as ``benchmarks/matching.py``'s): two or
    three experience areas, shown to the kinds of booker, Finnish (some Swedish or English
    too), three kinds of work, two to five weekdays' available hours and, for most, a criminal
    record extract; and every booking one experience area (some two). Without them the
    matching page ranks nobody, or everybody, and the dashboard's areas are empty. Returns the
    experts given a profile: only the bench's experts and bookings without one."""
    from django.db import transaction
    from django.utils import timezone

    from benchmarks.matching import criminal_record, shown_to, spoken, weekly_slots
    from bookings.models import Booking
    from experts.models import (
        AreaDisclosure,
        AvailabilitySlot,
        ExperienceArea,
        Expert,
        ExpertDocument,
        Language,
        WorkKind,
    )

    started = clock.perf_counter()
    today = timezone.localdate()
    areas = list(ExperienceArea.objects.order_by("pk"))
    weights = [AREA_WEIGHTS.get(area.slug, 1) for area in areas]
    kinds = list(WorkKind.objects.filter(code__in=money.KINDS).order_by("pk"))
    languages = {language.code: language.pk for language in Language.objects.all()}

    def some_areas(count: int) -> set:
        chosen: set = set()
        while len(chosen) < count:
            chosen.add(rng.choices(areas, weights)[0])
        return chosen

    own_areas, spoken_links, done, shown, slots, documents = [], [], [], [], [], []
    bare = Expert.objects.filter(user__email__endswith=f"@{EMAIL_DOMAIN}", areas__isnull=True)
    expert_ids = list(bare.order_by("pk").values_list("pk", flat=True))
    for pk in expert_ids:
        own = some_areas(rng.choice([2, 2, 3]))
        own_areas += [Expert.areas.through(expert_id=pk, experiencearea_id=a.pk) for a in own]
        spoken_links += [
            Expert.languages.through(expert_id=pk, language_id=languages[code])
            for code in spoken(rng)
        ]
        done += [
            Expert.work_kinds.through(expert_id=pk, workkind_id=kind.pk)
            for kind in rng.sample(kinds, min(3, len(kinds)))
        ]
        showing = shown_to(rng)
        shown += [
            AreaDisclosure(expert_id=pk, area=area, booker_kind=kind)
            for area in own
            for kind in showing
        ]
        slots += weekly_slots(rng, pk)
        document = criminal_record(rng, today, pk)
        if document is not None:
            documents.append(document)
    wanted = [
        Booking.areas.through(booking_id=pk, experiencearea_id=area.pk)
        for pk in Booking.objects.filter(
            areas__isnull=True, requested_by__email__endswith=f"@{EMAIL_DOMAIN}"
        )
        .order_by("pk")
        .values_list("pk", flat=True)
        .iterator(10_000)
        for area in some_areas(1 if rng.random() < 0.8 else 2)
    ]
    with transaction.atomic():
        for model, rows in (
            (Expert.areas.through, own_areas),
            (Expert.languages.through, spoken_links),
            (Expert.work_kinds.through, done),
            (AreaDisclosure, shown),
            (AvailabilitySlot, slots),
            (ExpertDocument, documents),
            (Booking.areas.through, wanted),
        ):
            _write(model, rows)
    log(
        f"profiles: {len(expert_ids):,} experts, {len(wanted):,} bookings' areas "
        f"in {clock.perf_counter() - started:.0f} s"
    )
    return len(expert_ids)


def pay_invoices(today, rng: random.Random, log=print) -> int:
    """The units paid their invoices as a bank's account shows them after five years: the
    credits in camt.054 notifications imported through the payment service
    (``payments_import``), which matches each to its invoice by the reference. Most paid a few
    days before the due date, some late, a few short; a few of the last two months and one in
    five hundred older ones not yet (the work queue's overdue invoices)."""
    from collections import defaultdict

    from invoicing.bankfiles import camt054
    from invoicing.models import Invoice
    from invoicing.money import invoice_rf_reference
    from invoicing.services.payments import payments_import

    started = clock.perf_counter()
    files = defaultdict(list)
    account = ""
    open_invoices = (
        Invoice.objects.filter(
            kind=Invoice.Kind.INVOICE, status__in=Invoice.OPEN, due_date__lt=today
        )
        .order_by("due_date", "pk")
        .values_list("pk", "reference", "gross_total", "due_date", "buyer_name", "seller_iban")
    )
    for pk, reference, total, due, payer, iban in open_invoices.iterator(chunk_size=5000):
        account = iban
        draw = rng.random()
        if draw < (0.03 if due >= today - timedelta(days=60) else 0.002) or total <= 0:
            continue  # not paid yet
        if draw < 0.06:  # late
            booked = due + timedelta(days=rng.randrange(3, 45))
        else:
            booked = due - timedelta(days=rng.randrange(0, 10))
        booked = min(booked, today - timedelta(days=1))
        short = draw > 0.997 and total > 100
        files[booked.replace(day=1)].append(
            {
                "ref": f"SCALE{pk:012d}",
                "booked": booked,
                "amount": total - 100 if short else total,
                "reference": invoice_rf_reference(reference) if pk % 3 == 0 else reference,
                "payer": payer,
            }
        )
    paid = 0
    for month, entries in sorted(files.items()):
        for first in range(0, len(entries), 2000):  # a notification stays well under 10 MB
            data = camt054.build(
                version="02",
                message_id=f"SCALE-{month:%Y%m}-{first}",
                account_iban=account,
                entries=entries[first : first + 2000],
            )
            result = payments_import(data=data, name=f"scale-{month:%Y-%m}.xml", by=None)
            paid += len(result.matched)
    log(f"units' payments: {paid:,} imported in {clock.perf_counter() - started:.0f} s")
    return paid


def write_messages(count: int, rng: random.Random, log=print) -> None:
    """``count`` rows of the message log over the five years, most sent, a few failed or
    skipped, for the experts and bookers: ``COPY`` on PostgreSQL."""
    from django.db import connection
    from django.utils import timezone

    from expertbank.models import Message, User

    users = list(User.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}").values_list("pk", "email"))
    kinds = ["gig_reminder", "booking_received", "offer_made", "gig_confirmed", "digest"]
    now = timezone.now()
    span = 5 * 365 * 24 * 3600
    statuses = ["sent"] * 95 + ["failed"] + ["skipped"] * 4
    columns = (
        "key",
        "kind",
        "channel",
        "recipient_id",
        "to",
        "language",
        "subject",
        "body",
        "html",
        "status",
        "attempts",
        "error",
        "created_at",
        "claimed_at",
        "next_attempt_at",
        "sent_at",
    )

    def row(n: int):
        pk, email = users[n % len(users)]
        created = now - timedelta(seconds=rng.randrange(span))
        status = rng.choice(statuses)
        sms = n % 5 == 0
        return (
            f"scale:{n}",
            kinds[n % len(kinds)],
            "sms" if sms else "email",
            pk,
            f"+35840{n % 10_000_000:07d}" if sms else email,
            "fi",
            "" if sms else "Muistutus: keikka huomenna",
            "Hei! Keikkasi alkaa huomenna klo 9.00. Terveisin Kokemuspankki",
            "",
            status,
            1,
            "550 mailbox unavailable" if status == "failed" else "",
            created,
            created,
            None,
            created if status == "sent" else None,
        )

    started = clock.perf_counter()
    if connection.vendor == "postgresql":
        table = Message._meta.db_table
        names = ", ".join(f'"{c}"' for c in columns)
        sql = f"COPY {table} ({names}) FROM STDIN WITH (FORMAT csv, NULL '\\N')"
        with connection.cursor() as cursor:
            for first in range(0, count, 50_000):
                buffer = io.StringIO()
                out = csv.writer(buffer)
                for n in range(first, min(count, first + 50_000)):
                    out.writerow(["\\N" if v is None else v for v in row(n)])
                buffer.seek(0)
                cursor.cursor.copy_expert(sql, buffer)
    else:
        batch = []
        for n in range(count):
            batch.append(Message(**dict(zip(columns, row(n), strict=True))))
            if len(batch) == 5000:
                Message.objects.bulk_create(batch)
                batch = []
        Message.objects.bulk_create(batch)
    log(f"messages: {count:,} rows in {clock.perf_counter() - started:.1f} s")


def seed(
    scale: float = 1.0,
    *,
    months: int = 60,
    seed: int = 19,
    settle: int | None = None,
    sizes: dict | None = None,
    log=print,
):
    """Build the national data set at ``scale`` into the configured database: ``settle``
    months before last through the money services (all when None), ``sizes`` to set the
    number of experts, organisations or units apart from the scale."""
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction
    from django.utils import timezone

    from bookings.selectors.earnings import Period
    from expertbank.models import User

    refuse_real_data()
    if seeded():
        log("The scale data is already there (coordinator@bench.invalid): nothing to do.")
        return None
    given = {key: value for key, value in (sizes or {}).items() if value}
    sizes = Sizes(**{**Sizes.at(scale, months).__dict__, **given})
    rng = random.Random(seed)
    today = timezone.localdate()
    past = []
    month = Period.month_of(today.replace(day=1) - timedelta(days=1))
    for _n in range(sizes.months):
        past.insert(0, month)
        month = Period.month_of(month.start - timedelta(days=1))
    coming = [Period.month_of(today.replace(day=1) + timedelta(days=40 * n + 35)) for n in (0, 1)]
    years = sorted({m.start.year for m in past + coming} | {today.year})
    started = clock.perf_counter()
    with transaction.atomic():
        world = money.create_world(
            0,
            years=years,
            rng=rng,
            log=log,
            counts=(sizes.organisations, sizes.units, sizes.experts),
        )
        User.objects.filter(pk=world.coordinator.pk).update(
            is_staff=True, is_superuser=True, password=make_password(PASSWORD)
        )
    per_month = sizes.bookings / (sizes.months + len(coming))
    made = gigs = 0
    for period in past:
        b, g = build_month(world, period, round(per_month), rng)
        made, gigs = made + b, gigs + g
    for period in coming:
        b, g = build_month(world, period, round(per_month), rng, state="open")
        made, gigs = made + b, gigs + g
    log(
        f"bookings: {made:,} ({gigs:,} gigs) over {len(past)} months and the coming two, "
        f"in {clock.perf_counter() - started:.0f} s"
    )
    _mileage_from(past[0].start)
    to_settle = past[:-1] if settle is None else past[:-1][len(past) - 1 - settle :]
    if to_settle:
        log(f"settling {len(to_settle)} months before last through the money services:")
        for n, period in enumerate(to_settle, start=1):
            money.settle_month(period, log=log)
            if money.growing(n):
                money.analyze()
    log(f"consents: {consent_most(rng):,} experts")
    give_profiles(rng, log=log)
    pay_invoices(today, rng, log=log)
    write_messages(sizes.messages, rng, log=log)
    # The database's triggers logged a row for every gig, report and offer written (the
    # dashboard's kept figures, reports.figures): folded to a row a month and table, as the
    # nightly task does, so the first visit does not sum hundreds of thousands of rows.
    from reports.figures import figure_changes_collapse

    log(f"figures' change log folded: {figure_changes_collapse():,} rows")
    with connection.cursor() as cursor:
        # VACUUM too where it can run (PostgreSQL, outside a transaction): a live database's
        # autovacuum keeps the visibility map, and without it every index-only count reads
        # the table as well (the work queue's 10,000 failed messages: 8,500 pages, 30-110 ms).
        vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
        cursor.execute("VACUUM (ANALYZE)" if vacuum else "ANALYZE")
    log(f"scale data ({scale:g}) written in {clock.perf_counter() - started:.0f} s")
    return world


def counts() -> dict[str, int]:
    """What the database holds, for the benchmark's report."""
    from bookings.models import Assignment, Booking, Gig, Unit
    from expertbank.models import Message
    from experts.models import Expert
    from invoicing.models import FeeLine, Invoice

    return {
        "experts": Expert.objects.count(),
        "units": Unit.objects.count(),
        "bookings": Booking.objects.count(),
        "assignments": Assignment.objects.count(),
        "gigs": Gig.objects.count(),
        "invoices": Invoice.objects.count(),
        "fee lines": FeeLine.objects.count(),
        "messages": Message.objects.count(),
    }
