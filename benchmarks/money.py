#!/usr/bin/env python
"""How fast are the monthly money runs? Fill a month with approved gigs and run them.

    .venv/bin/python benchmarks/money.py                         # 500 and 4,000 gigs, throwaway DB
    .venv/bin/python benchmarks/money.py --gigs 4000 --repeat 3
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python benchmarks/money.py
    .venv/bin/python benchmarks/money.py --gigs 4000 --queries     # and the queries repeated
    .venv/bin/python benchmarks/money.py --gigs 4000 --history 11 --steps invoices

Each size is built in a throwaway database (Django's test database for the configured backend:
a temporary SQLite file, or ``test_<name>`` on PostgreSQL) that is dropped afterwards.

The data is what the services would have made, written in bulk: organisations (a tenth of them
associations with their own price list without VAT) and their units, a booker per unit, experts
with valid Finnish IBANs and personal identity codes (a third with a tax card), and for each
month one-off bookings and series with one or two experts, each gig reported (hours, some with
kilometres, some with a receipted expense) and approved with its amounts counted by
``bookings.money`` under the booking's frozen terms, with the history rows the services write.
Before loading, one gig is taken through the real booking services (request, offer, accept,
confirm, deliver, report, approve) and compared field by field with the bulk builder's twin.
The ``--history`` months before the measured one are invoiced, paid and confirmed through the
money services themselves, as a deployment that has run for a while would be.

Measured on last month (each run on the same fresh month: every real run is rolled back):
the invoice run (dry and real), the fee run (dry and real), the fee payment batch with its SEPA
file and Incomes Register reports, and the import of a camt.054 file paying every invoice of
the month by reference. Printed per step: what it made, the number of queries, the first (cold)
run, the median and the best of ``--repeat`` runs, and how much of it was spent in the database.
After every run the results are checked (a line per gig, a statement per expert, the SEPA file's
control sum, every invoice paid), so an empty run cannot pass for a fast one.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import statistics
import sys
import tempfile
import time as clock
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "expertbank.settings")

EMAIL_DOMAIN = "bench.invalid"
HOURS = (9, 13, 17)  # the gigs of a day start at these hours: never closer than the buffer
KINDS = {  # kind of work: share of the gigs, scheduled hours
    "talk": (35, Decimal(2)),
    "training": (15, Decimal(3)),
    "customer-panel": (15, Decimal(2)),
    "service-development": (15, Decimal(3)),
    "peer-support": (12, Decimal(2)),
    "co-teaching": (5, Decimal(3)),
    "media": (3, Decimal(1)),
}
EXPENSES = [
    ("Pysäköinti", Decimal("6.50")),
    ("HSL-lippu", Decimal("3.20")),
    ("Juna", Decimal("24.90")),
]
BANKS = ("500", "123", "800", "470", "339")  # OP, Nordea, Danske, POP, S-Pankki


def _setup_django(throwaway: bool) -> None:
    if throwaway and "postgres" not in os.environ.get("DATABASE_URL", ""):
        # The test database of the SQLite backend is this file; it is removed afterwards.
        handle, name = tempfile.mkstemp(prefix="bench-money-", suffix=".sqlite3")
        os.close(handle)
        os.environ["TEST_SQLITE_NAME"] = name
    import django

    django.setup()


def _configure(media: str) -> None:
    """The bank's own details (the runs refuse without them), keys of this run's own for the
    encrypted IBANs and identity codes, and receipts in a temporary folder."""
    from cryptography.fernet import Fernet
    from django.conf import settings

    from expertbank.crypto import reset_keys

    settings.BANK_NAME = "Kokemusasiantuntijapankki ry"
    settings.BANK_BUSINESS_ID = "2899876-5"
    settings.BANK_STREET = "Asematie 6"
    settings.BANK_POSTCODE = "01300"
    settings.BANK_CITY = "Vantaa"
    settings.BANK_IBAN = "FI4950009420028730"
    settings.BANK_BIC = "OKOYFIHH"
    settings.BANK_EINVOICE_ADDRESS = "003728998765"
    settings.BANK_EINVOICE_OPERATOR = "003721291126"
    settings.BANK_EMAIL = "palkkiot@kokemuspankki.example"
    settings.BANK_PHONE = "+358 40 555 0100"
    settings.FIELD_ENCRYPTION_KEYS = Fernet.generate_key().decode()
    settings.FIELD_HASH_KEY = "bench-money-hash-key"
    settings.MEDIA_ROOT = media
    reset_keys()


# --- Valid Finnish identifiers ------------------------------------------------------------------

HETU_CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"


def identity_code(n: int) -> str:
    """The ``n``-th of a series of distinct valid personal identity codes (born 1950–2004)."""
    born = date(1950, 1, 1) + timedelta(days=(n * 37) % 20000)
    serial = 2 + (n // 540) % 897
    digits = f"{born:%d%m%y}{serial:03d}"
    sign = "-" if born.year < 2000 else "A"
    return f"{born:%d%m%y}{sign}{serial:03d}{HETU_CHECK[int(digits) % 31]}"


def iban(n: int) -> tuple[str, str]:
    """A valid Finnish IBAN (national check digit included) and its bank's BIC."""
    from schwifty import IBAN

    account = IBAN.generate("FI", bank_code=BANKS[n % len(BANKS)], account_code=f"{n:010d}")
    return str(account), str(account.bic or "")


def business_id(n: int) -> str:
    """A valid Y-tunnus (business ID) from a series."""
    from stdnum.fi import ytunnus

    base = 2000000 + n * 7
    while True:
        digits = f"{base:07d}"
        rest = sum(int(d) * w for d, w in zip(digits, (7, 9, 10, 5, 8, 4, 2), strict=True)) % 11
        if rest != 1:
            code = f"{digits}-{0 if rest == 0 else 11 - rest}"
            assert ytunnus.is_valid(code), code
            return code
        base += 1


# --- The world ------------------------------------------------------------------------------


@dataclass
class World:
    """What every month's gigs are made of."""

    coordinator: object
    units: list
    bookers: dict  # unit id → the unit's booker
    experts: list
    weights: list
    kinds: dict  # code → WorkKind
    rows: dict  # (organisation id, work kind id) → the price row in force
    language: object
    references: dict = field(default_factory=dict)  # unit id → the unit's own references


@dataclass
class Month:
    period: object
    gigs: int = 0
    bookings: int = 0
    km: int = 0  # gigs with kilometres
    expenses: int = 0  # gigs with a receipted expense
    experts: set = field(default_factory=set)
    invoices: set = field(default_factory=set)  # (unit, reference, cost centre)


def _aware(day: date, hour: int, minute: int = 0) -> datetime:
    from django.utils import timezone

    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def create_world(
    size: int,
    *,
    years: list[int],
    rng: random.Random,
    log=print,
    counts: tuple[int, int, int] | None = None,
) -> World:
    """Organisations, units, price lists, a coordinator, bookers and experts in bulk
    (``counts``: organisations, units and experts, instead of those made for ``size`` gigs)."""
    from django.contrib.auth.hashers import make_password

    from bookings import money
    from bookings.demo.organisations import EXEMPTION, PRICES
    from bookings.models import Membership, Organisation, PriceList, PriceRow, Unit
    from expertbank.crypto import keyed_hash
    from expertbank.models import User
    from expertbank.roles import Role, role_grant
    from experts.models import BookerKind, Expert, Language, TaxCard, WorkKind

    started = clock.perf_counter()
    organisations_count = max(2, round(size * 40 / 4000))
    units_count = max(organisations_count, round(size * 300 / 4000))
    experts_count = max(20, size // 4)
    if counts is not None:
        organisations_count, units_count, experts_count = counts
    password = make_password("bench-pass")
    kinds = {kind.code: kind for kind in WorkKind.objects.filter(code__in=KINDS)}
    assert set(kinds) == set(KINDS), f"work kinds missing: {set(KINDS) - set(kinds)}"
    coordinator = User.objects.create(
        email=f"coordinator@{EMAIL_DOMAIN}", full_name="Bench Coordinator", password=password
    )
    role_grant(user=coordinator, role=Role.COORDINATOR)

    shares = [BookerKind.CITY] * 4 + [BookerKind.WELLBEING_COUNTY] * 3 + [BookerKind.SCHOOL] * 2
    organisations = Organisation.objects.bulk_create(
        Organisation(
            name=f"Bench organisaatio {n:03d}",
            business_id=business_id(n),
            kind=BookerKind.ASSOCIATION if n % 10 == 9 else shares[n % len(shares)],
        )
        for n in range(organisations_count)
    )
    units = []
    for n in range(units_count):
        organisation = organisations[n % organisations_count]
        digits = organisation.business_id.replace("-", "")
        einvoice = rng.random() < 0.7
        units.append(
            Unit(
                organisation=organisation,
                name=f"Yksikkö {n:03d}",
                visiting_address=f"Kielotie {n % 90 + 1}, 01300 Vantaa",
                billing_address=f"{organisation.name}\nOstolaskut\nPL {n + 100}\n00099 Vantaa",
                e_invoice_address=f"0037{digits}{n:05d}" if einvoice else "",
                e_invoice_operator="003721291126" if einvoice else "",
                cost_centre=f"{4000 + n}" if rng.random() < 0.5 else "",
                payment_terms_days=rng.choice([None] * 8 + [21, 30]),
                invoice_language="sv" if rng.random() < 0.08 else "fi",
                contact_name=f"Yhteyshenkilö {n}",
                contact_email=f"unit{n}@{EMAIL_DOMAIN}",
            )
        )
    units = Unit.objects.bulk_create(units)
    bookers = User.objects.bulk_create(
        User(email=f"booker{n}@{EMAIL_DOMAIN}", full_name=f"Tilaaja {n:03d}", password=password)
        for n in range(units_count)
    )
    Membership.objects.bulk_create(
        Membership(user=user, unit=unit) for user, unit in zip(bookers, units, strict=True)
    )

    # The general price list, and a reduced one without VAT for each association.
    general = PriceList.objects.create(name="Bench yleinen hinnasto")
    price_rows = []
    for code, price, unit, minimum, fee, fee_unit, prep, notice, cancel, expert_cancel in PRICES:
        if code not in kinds:
            continue
        common = {
            "work_kind": kinds[code],
            "valid_from": min(date(2024, 1, 1), date(min(years), 1, 1)),
            "client_unit": unit,
            "minimum_hours": Decimal(minimum),
            "expert_fee": Decimal(fee),
            "fee_unit": fee_unit,
            "preparation_hours": Decimal(prep),
            "notice_days": notice,
            "client_cancellation_fee": Decimal(cancel),
            "expert_cancellation_fee": Decimal(expert_cancel),
        }
        price_rows.append(PriceRow(price_list=general, client_price=Decimal(price), **common))
        for organisation in organisations:
            if organisation.kind != BookerKind.ASSOCIATION:
                continue
            reduced = PriceList.objects.get_or_create(
                name=f"Järjestöhinnasto {organisation.pk}", organisation=organisation
            )[0]
            price_rows.append(
                PriceRow(
                    price_list=reduced,
                    client_price=(Decimal(price) * Decimal("0.8")).quantize(Decimal("0.01")),
                    vat_rate=Decimal(0),
                    vat_exemption_text=EXEMPTION,
                    **common,
                )
            )
    PriceRow.objects.bulk_create(price_rows)
    day = date(min(years), 1, 1)
    rows = {
        (organisation.pk, kind.pk): money.price_row_for(
            organisation_id=organisation.pk, work_kind_id=kind.pk, day=day
        )
        for organisation in organisations
        for kind in kinds.values()
    }

    languages = ["fi"] * 17 + ["sv", "sv", "en"]
    users = User.objects.bulk_create(
        User(
            email=f"expert{n}@{EMAIL_DOMAIN}",
            full_name=f"Asiantuntija {rng.choice('ABDEHIJKLMNOPRSTUV')}{n:05d}",
            language=rng.choice(languages),
            password=password,
        )
        for n in range(experts_count)
    )
    experts = []
    for n, user in enumerate(users):
        account, bic = iban(n)
        code = identity_code(n)
        experts.append(
            Expert(
                user=user,
                status=Expert.Status.ACTIVE,
                certified_on=date(2023, 5, 1),
                municipality="Vantaa",
                public_alias=f"Asiantuntija {n}" if n % 3 else "",
                shown_as=Expert.ShownAs.ALIAS if n % 2 else Expert.ShownAs.NAME,
                identity_code=code,
                identity_code_hash=keyed_hash(code),
                iban=account,
                bic=bic if n % 2 else "",
                expenses_only=rng.random() < 0.03,
            )
        )
    experts = Expert.objects.bulk_create(experts, batch_size=500)
    cards = []
    for expert in experts:
        if rng.random() >= 1 / 3:
            continue
        which = rng.random()
        kinds_held = (
            [TaxCard.Kind.WAGE]
            if which < 0.7
            else [TaxCard.Kind.WORK_COMPENSATION]
            if which < 0.9
            else [TaxCard.Kind.WAGE, TaxCard.Kind.WORK_COMPENSATION]
        )
        for year in years:
            for kind in kinds_held:
                prepayment = kind == TaxCard.Kind.WORK_COMPENSATION and rng.random() < 0.3
                cards.append(
                    TaxCard(
                        expert=expert,
                        kind=kind,
                        valid_from=date(year, 1, 1),
                        valid_until=date(year, 12, 31),
                        base_rate=None if prepayment else Decimal(rng.randrange(5, 36)),
                        additional_rate=None if prepayment else Decimal(rng.randrange(35, 51)),
                        income_limit=Decimal(rng.randrange(5, 41) * 1000),
                        prepayment_register=prepayment,
                    )
                )
    TaxCard.objects.bulk_create(cards, batch_size=1000)
    # Some experts do many gigs a month, most a few.
    weights = [rng.paretovariate(1.5) for _expert in experts]
    world = World(
        coordinator=coordinator,
        units=list(Unit.objects.select_related("organisation").order_by("pk")),
        bookers={unit.pk: user for unit, user in zip(units, bookers, strict=True)},
        experts=experts,
        weights=weights,
        kinds=kinds,
        rows=rows,
        language=Language.objects.get(code="fi"),
    )
    for unit in world.units:
        count = rng.choice([0, 0, 1, 2, 3])
        world.references[unit.pk] = [f"Tilaus {unit.pk}-{k}" for k in range(count)]
    log(
        f"world: {organisations_count} organisations, {units_count} units, "
        f"{experts_count} experts ({len({c.expert_id for c in cards})} with a tax card) "
        f"in {clock.perf_counter() - started:.1f} s"
    )
    return world


# --- A booking as the services leave it -------------------------------------------------------


@dataclass
class Report:
    hours: Decimal
    preparation: Decimal = Decimal(0)
    km: int = 0
    km_from: str = ""
    expenses: tuple = ()
    declined: bool = False


@dataclass
class Rows:
    """One booking's rows, not yet saved, linked to each other as the services link them."""

    booking: object
    terms: object
    occurrences: list = field(default_factory=list)
    assignments: list = field(default_factory=list)
    gigs: list = field(default_factory=list)
    reports: list = field(default_factory=list)
    expenses: list = field(default_factory=list)
    changes: list = field(default_factory=list)


def delivered_booking(
    *,
    world: World,
    unit,
    kind,
    title: str,
    times: list[tuple[datetime, datetime]],
    experts: list,
    reports: dict,
    own_reference: str = "",
    cost_centre: str = "",
) -> Rows:
    """A booking requested by the unit's booker, offered to and accepted by ``experts``,
    confirmed, delivered, every gig reported (``reports[(expert index, time index)]``) and
    approved: the rows and history ``booking_request`` … ``report_approve`` write."""
    from django.utils.translation import gettext as _

    from bookings import money
    from bookings.models import (
        Assignment,
        Booking,
        BookingChange,
        BookingTerms,
        Expense,
        Gig,
        GigReport,
        Occurrence,
    )
    from bookings.selectors.schedule import travel_buffer
    from expertbank.formatting import euros

    booker, coordinator = world.bookers[unit.pk], world.coordinator
    first, last = times[0][0], max(end for _start, end in times)
    requested = first - timedelta(days=30)
    row = world.rows[(unit.organisation_id, kind.pk)]
    booking = Booking(
        title=title,
        unit=unit,
        requested_by=booker,
        work_kind=kind,
        language=world.language,
        kind=Booking.Kind.ONE_OFF if len(times) == 1 else Booking.Kind.SERIES,
        place=unit.visiting_address,
        experts_wanted=len(experts),
        own_reference=own_reference,
        cost_centre=cost_centre or unit.cost_centre,
        first_start=first,
        last_end=last,
        status=Booking.Status.DELIVERED,
        created_at=requested,
    )
    terms = BookingTerms(
        booking=booking,
        source_row=row,
        created_by=booker,
        created_at=requested,
        **money.terms_values(row),
    )
    rows = Rows(booking=booking, terms=terms)
    history = rows.changes.append

    def change(at, to, was="", obj=None, note="", by=coordinator):
        links = {}
        if isinstance(obj, Assignment):
            links = {"assignment": obj}
        elif isinstance(obj, Gig):
            links = {"gig": obj, "assignment": obj.assignment}
        history(
            BookingChange(
                booking=booking, by=by, at=at, from_status=was, to_status=to, note=note, **links
            )
        )

    S, A, G = Booking.Status, Assignment.Status, Gig.Status
    change(requested, S.REQUESTED, by=booker)
    offered = requested + timedelta(days=2)
    change(offered, S.STAFFING, S.REQUESTED)
    rows.occurrences = [Occurrence(booking=booking, start=s, end=e) for s, e in times]
    accepted = offered + timedelta(days=1)
    for expert in experts:
        assignment = Assignment(
            booking=booking,
            expert=expert,
            status=A.ACCEPTED,
            answer_by=offered + timedelta(days=2),
            offered_at=offered,
            offered_by=coordinator,
            answered_at=accepted,
        )
        rows.assignments.append(assignment)
        change(offered, A.OFFERED, obj=assignment)
        change(accepted, A.ACCEPTED, A.OFFERED, obj=assignment, by=expert.user)
        for occurrence in rows.occurrences:
            gig = Gig(
                booking=booking,
                assignment=assignment,
                occurrence=occurrence,
                expert=expert,
                start=occurrence.start,
                end=occurrence.end,
                busy_until=occurrence.end + travel_buffer(),
                time_confirmed=True,
                created_at=accepted,
            )
            rows.gigs.append(gig)
            change(accepted, G.PLANNED, obj=gig, by=expert.user)
    change(accepted, S.CONFIRMED, S.STAFFING)
    change(last, S.DELIVERED, S.CONFIRMED, by=None)
    for gig in rows.gigs:
        expert_index = experts.index(gig.expert)
        time_index = rows.occurrences.index(gig.occurrence)
        wanted = reports[(expert_index, time_index)]
        submitted, reviewed = gig.end + timedelta(hours=3), gig.end + timedelta(days=2)
        report = GigReport(
            gig=gig,
            hours=wanted.hours,
            preparation_hours=wanted.preparation,
            km=wanted.km,
            km_from=wanted.km_from,
            fee_declined=wanted.declined,
            status=GigReport.Status.APPROVED,
            submitted_at=submitted,
            reviewed_at=reviewed,
            reviewed_by=coordinator,
        )
        rows.reports.append(report)
        for what, amount in wanted.expenses:
            rows.expenses.append(
                Expense(
                    report=report,
                    description=what,
                    amount=Decimal(amount),
                    receipt=f"receipts/bench/{len(rows.expenses)}.png",
                    receipt_name="kuitti.png",
                    receipt_type="image/png",
                )
            )
        change(submitted, G.REPORTED, G.PLANNED, obj=gig, by=gig.expert.user)
        amounts = money.report_amounts(gig=gig, report=report, terms=terms)
        gig.fee_amount, gig.billable_amount = amounts.fee, amounts.billable
        gig.status = G.APPROVED
        note = _("Fee %(fee)s, billable %(billable)s.") % {
            "fee": euros(amounts.fee),
            "billable": euros(amounts.billable),
        }
        change(reviewed, G.APPROVED, G.REPORTED, obj=gig, note=note)
    return rows


def save_bookings(all_rows: list[Rows], *, with_copy: bool | None = None) -> None:
    """Write the rows of many bookings in bulk, parents first: with ``COPY`` on PostgreSQL
    (``benchmarks/bulkcopy.py``: the same rows, several times faster), else ``bulk_create``."""
    from django.db import connection

    from benchmarks import bulkcopy
    from bookings.models import Booking, BookingTerms

    children = _children()
    if with_copy is None:
        with_copy = connection.vendor == "postgresql"
    if with_copy:
        bookings, terms = [rows.booking for rows in all_rows], [rows.terms for rows in all_rows]
        bulkcopy.allocate_ids(Booking, bookings)
        bulkcopy.allocate_ids(BookingTerms, terms)
        for rows in all_rows:
            rows.booking.terms = rows.terms
        bulkcopy.write(Booking, bookings)
        bulkcopy.write(BookingTerms, terms)
        for name, model in children:
            bulkcopy.write(model, [item for rows in all_rows for item in getattr(rows, name)])
        return
    bookings = Booking.objects.bulk_create([rows.booking for rows in all_rows], batch_size=500)
    BookingTerms.objects.bulk_create([rows.terms for rows in all_rows], batch_size=500)
    for rows in all_rows:
        rows.booking.terms = rows.terms
    Booking.objects.bulk_update(bookings, ["terms"], batch_size=500)
    for name, model in children:
        items = [item for rows in all_rows for item in getattr(rows, name)]
        model.objects.bulk_create(items, batch_size=1000)


def _children():
    """A booking's rows under it, in the order they are written (each names the ones before)."""
    from bookings.models import (
        Assignment,
        BookingChange,
        Expense,
        Gig,
        GigReport,
        Occurrence,
    )

    return (
        ("occurrences", Occurrence),
        ("assignments", Assignment),
        ("gigs", Gig),
        ("reports", GigReport),
        ("expenses", Expense),
        ("changes", BookingChange),
    )


def create_month(world: World, period, size: int, *, rng: random.Random) -> Month:
    """About ``size`` approved gigs in ``period``: bookings of the units, one or two experts,
    one time or a weekly series of two or three, at 9, 13 or 17 on weekdays."""
    month = Month(period=period)
    days = [
        period.start + timedelta(days=n)
        for n in range((period.end - period.start).days + 1)
        if (period.start + timedelta(days=n)).weekday() < 5
    ]
    busy: set[tuple[int, date]] = set()  # (expert, day): one gig a day each
    codes = list(KINDS)
    kind_weights = [KINDS[code][0] for code in codes]
    all_rows = []
    while month.gigs < size:
        unit = rng.choice(world.units)
        kind = world.kinds[rng.choices(codes, kind_weights)[0]]
        length = KINDS[kind.code][1]
        count = 1 if rng.random() < 0.8 else rng.choice([2, 3])
        first = rng.choice([d for d in days if d + timedelta(weeks=count - 1) <= period.end])
        hour = rng.choice(HOURS)
        dates = [first + timedelta(weeks=n) for n in range(count)]
        wanted = 1 if rng.random() < 0.85 else 2
        experts = []
        while len(experts) < wanted:
            expert = rng.choices(world.experts, world.weights)[0]
            if expert not in experts and not any((expert.pk, d) in busy for d in dates):
                experts.append(expert)
        for expert in experts:
            busy.update((expert.pk, d) for d in dates)
        times = [(_aware(d, hour), _aware(d, hour) + timedelta(hours=float(length))) for d in dates]
        reports = {}
        for e in range(len(experts)):
            for t in range(len(times)):
                km = rng.randrange(4, 121) if rng.random() < 0.4 else 0
                spent = (rng.choice(EXPENSES),) if rng.random() < 0.1 else ()
                reports[(e, t)] = Report(
                    hours=length,
                    preparation=Decimal(1) if rng.random() < 0.3 else Decimal(0),
                    km=km,
                    km_from="Kotoa, Tikkurila" if km else "",
                    expenses=spent,
                    declined=rng.random() < 0.01,
                )
                month.km += bool(km)
                month.expenses += bool(spent)
        references = world.references[unit.pk]
        own = rng.choice(references) if references and rng.random() < 0.4 else ""
        centre = f"{9000 + unit.pk % 7}" if rng.random() < 0.05 else ""
        rows = delivered_booking(
            world=world,
            unit=unit,
            kind=kind,
            title=f"{kind.name} {first:%d.%m.}",
            times=times,
            experts=experts,
            reports=reports,
            own_reference=own,
            cost_centre=centre,
        )
        all_rows.append(rows)
        month.gigs += len(rows.gigs)
        month.bookings += 1
        month.experts.update(e.pk for e in experts)
        booking = rows.booking
        month.invoices.add((unit.pk, booking.own_reference.strip(), booking.cost_centre.strip()))
    save_bookings(all_rows)
    return month


# --- One gig through the services, against its bulk twin -------------------------------------


class _Rollback:
    """A transaction rolled back at its end, in which the services' durable blocks may run
    (as inside Django's ``TestCase``): every real run starts from the same data."""

    def __enter__(self):
        from django.db import transaction

        self.block = transaction.atomic()
        self.block._from_testcase = True  # durable services nest here, as in TestCase
        self.block.__enter__()
        return self

    def __exit__(self, *exc):
        from django.db import transaction

        transaction.set_rollback(True)
        return self.block.__exit__(*exc)


def _values(obj, skip=()) -> dict:
    ignored = {"id", "created_at", "updated_at", *skip}
    return {
        f.attname: getattr(obj, f.attname)
        for f in obj._meta.concrete_fields
        if f.attname not in ignored
    }


def check_twin(world: World, day: date, log=print) -> None:
    """Take one booking through the real services (request in the future, offer, accept,
    confirm, the clock moved on, deliver, report with kilometres and a receipt, approve) and
    check that the bulk builder makes the same rows; rolled back afterwards."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db.models import F
    from django.utils import timezone

    from bookings import services
    from bookings.demo.after import PNG
    from bookings.models import Booking, BookingChange, Expense, Gig, GigReport, Occurrence
    from bookings.services.reports import ExpenseInput
    from experts.models import AvailabilitySlot, ConsentRecord, PrivacyNotice

    unit = world.units[0]
    kind = world.kinds["talk"]
    expert = world.experts[0]
    with _Rollback():
        notice = PrivacyNotice.current() or PrivacyNotice.objects.create(
            version="bench", published_on=date(2020, 1, 1)
        )
        ConsentRecord.objects.create(expert=expert, notice=notice)
        expert.languages.add(world.language)
        expert.work_kinds.add(kind)
        AvailabilitySlot.objects.bulk_create(
            AvailabilitySlot(expert=expert, weekday=d, start=time(0), end=time(23, 59))
            for d in range(7)
        )
        future = timezone.localdate() + timedelta(days=20)
        start = _aware(future, 10)
        booking = services.booking_request(
            unit=unit,
            by=world.bookers[unit.pk],
            title="Twin",
            work_kind=kind,
            times=[(start, start + timedelta(hours=2))],
            place=unit.visiting_address,
            language=world.language,
        )
        (offer,) = services.booking_offer(
            booking=booking,
            experts=[expert],
            answer_by=timezone.now() + timedelta(days=2),
            by=world.coordinator,
        )
        services.assignment_accept(assignment=offer, by=expert.user)
        services.booking_confirm(booking=booking, by=world.coordinator)
        delta = _aware(day, 10) - start  # what the clock would have done
        Occurrence.objects.filter(booking=booking).update(
            start=F("start") + delta, end=F("end") + delta
        )
        Gig.objects.filter(booking=booking).update(
            start=F("start") + delta, end=F("end") + delta, busy_until=F("busy_until") + delta
        )
        Booking.objects.filter(pk=booking.pk).update(
            first_start=F("first_start") + delta, last_end=F("last_end") + delta
        )
        services.booking_deliver(booking=booking)
        gig = Gig.objects.select_related("expert__user").get(booking=booking)
        services.report_submit(
            gig=gig,
            by=expert.user,
            hours=Decimal(2),
            km=24,
            km_from="Kotoa, Tikkurila",
            expenses=[
                ExpenseInput(
                    "Pysäköinti",
                    Decimal("6.50"),
                    SimpleUploadedFile("kuitti.png", PNG, content_type="image/png"),
                )
            ],
        )
        services.report_approve(gig=gig, by=world.coordinator)

        booking = Booking.objects.get(pk=booking.pk)
        gig = Gig.objects.get(pk=gig.pk)
        twin = delivered_booking(
            world=world,
            unit=unit,
            kind=kind,
            title="Twin",
            times=[(gig.start, gig.end)],
            experts=[expert],
            reports={
                (0, 0): Report(
                    hours=Decimal(2),
                    km=24,
                    km_from="Kotoa, Tikkurila",
                    expenses=(("Pysäköinti", Decimal("6.50")),),
                )
            },
        )
        links = {"booking_id", "terms_id", "assignment_id", "occurrence_id", "gig_id"}
        times = {"offered_at", "answered_at", "answer_by", "submitted_at", "reviewed_at"}
        pairs = [
            (booking, twin.booking, links),
            (booking.terms, twin.terms, links),
            (booking.occurrences.get(), twin.occurrences[0], links),
            # the SMS answer code is random, given with the offer
            (booking.assignments.get(), twin.assignments[0], links | times | {"sms_code"}),
            (gig, twin.gigs[0], links),
            (GigReport.objects.get(gig=gig), twin.reports[0], links | times),
            (Expense.objects.get(report__gig=gig), twin.expenses[0], {"report_id", "receipt"}),
        ]
        for made, built, skip in pairs:
            a, b = _values(made, skip), _values(built, skip)
            wrong = {k: (a[k], b[k]) for k in a if a[k] != b[k]}
            assert not wrong, f"{type(made).__name__}: services vs bulk {wrong}"

        def story(changes):
            return sorted(
                (
                    "gig"
                    if c.gig_id or getattr(c, "gig", None)
                    else "assignment"
                    if c.assignment_id or getattr(c, "assignment", None)
                    else "booking",
                    c.kind,
                    c.from_status,
                    c.to_status,
                    c.note,
                    c.by_id if c.by_id is not None else getattr(c.by, "pk", None),
                )
                for c in changes
            )

        made = story(BookingChange.objects.filter(booking=booking))
        built = story(twin.changes)
        assert made == built, f"history: services {made} vs bulk {built}"
    log("one booking through the services matches the bulk builder's rows and history")


# --- Earlier months, through the money services ----------------------------------------------


def growing(months: int) -> bool:
    """Whether the history has grown by about a fifth since the last ``analyze``, after
    ``months`` settled months (months 1–8, 10, 12, 14, 17, 20, 24, 29, 35, 42, 50…):
    autovacuum's rule of thumb, a share of the table changed."""
    mark = 1
    while mark < months:
        mark = max(mark + 1, round(mark * 1.2))
    return mark == months


def analyze() -> None:
    """Fresh statistics, as autovacuum keeps them on a live database (the test machine's
    PostgreSQL runs without it). Settling month after month on the statistics of empty tables,
    the withholding's income sums became nested loops over every fee line: one month of the
    national history took 338 s instead of 30."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def settle_month(period, *, log=print) -> None:
    """What the monthly runs left of a month that is over: invoiced on the 1st, its fee
    statements paid in a batch on the 15th, the batch confirmed and its Incomes Register
    reports sent."""
    from django.db import transaction
    from django.utils import timezone

    from invoicing.services.fees import (
        batch_reports_mark_sent,
        confirm_batch,
        pay_statements,
        run_statements,
    )
    from invoicing.services.issuing import issue_run

    started = clock.perf_counter()
    after = period.end + timedelta(days=1)
    with transaction.atomic():
        issued = issue_run(period=period, by=None, issue_date=after)
        statements = run_statements(period=period, by=None)
        paid = pay_statements(period=period, payment_date=after.replace(day=15), by=None)
        confirm_batch(batch=paid.batch, by=None, today=timezone.localdate())
    if paid.batch.incomes_reports.exists():  # sent to the Incomes Register by their deadline
        batch_reports_mark_sent(batch=paid.batch, by=None)
    log(
        f"  {period.start:%m/%Y}: {len(issued.invoices)} invoices, "
        f"{len(statements.statements)} statements paid "
        f"({clock.perf_counter() - started:.1f} s)"
    )


def create_data(size: int, history: int, *, seed: int = 11, log=print):
    """The world, ``history`` settled months and last month's approved gigs."""
    from django.db import transaction
    from django.utils import timezone

    from bookings.selectors.earnings import Period

    rng = random.Random(seed + size)
    today = timezone.localdate()
    months = []
    month = Period.month_of(today.replace(day=1) - timedelta(days=1))
    for _n in range(history + 1):
        months.insert(0, month)
        month = Period.month_of(month.start - timedelta(days=1))
    years = sorted({m.start.year for m in months} | {today.year, today.year + 1})
    with transaction.atomic():
        world = create_world(size, years=years, rng=rng, log=log)
    check_twin(world, months[-1].start + timedelta(days=9), log=log)
    started = clock.perf_counter()
    built = []
    for period in months:
        with transaction.atomic():
            built.append(create_month(world, period, size, rng=rng))
    measured = built[-1]
    log(
        f"{len(months)} months of ~{size} approved gigs written in "
        f"{clock.perf_counter() - started:.1f} s; last month: {measured.gigs} gigs on "
        f"{measured.bookings} bookings, {len(measured.experts)} experts, {measured.km} with "
        f"kilometres, {measured.expenses} with expenses"
    )
    if history:
        log(f"settling {history} earlier months through the money services:")
    for n, month in enumerate(built[:-1], start=1):
        settle_month(month.period, log=log)
        if growing(n):
            analyze()
    analyze()
    return world, measured


# --- Measuring --------------------------------------------------------------------------------


class Meter:
    """Counts the queries and the time spent in the driver's ``execute``, and (optionally)
    the shapes of the queries, to find those repeated per row."""

    def __init__(self, shapes: bool = False):
        self.queries = 0
        self.spent = 0.0
        self.shapes = Counter() if shapes else None
        self.paused = False

    def __call__(self, execute, sql, params, many, context):
        if self.paused:
            return execute(sql, params, many, context)
        begun = clock.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.spent += clock.perf_counter() - begun
            self.queries += 1
            if self.shapes is not None:
                shape = re.sub(r"(%s|\?)(, (%s|\?))+", "…", sql)
                self.shapes[re.sub(r"'[^']*'|\b\d+\b", "?", shape)[:160]] += 1


class SubTimer:
    """Time spent inside one function of a module, while a step runs (the files of a batch)."""

    def __init__(self, module, name: str):
        self.module, self.name = module, name
        self.original = getattr(module, name)
        self.spent = 0.0

    def __enter__(self):
        def timed(*args, **kwargs):
            begun = clock.perf_counter()
            try:
                return self.original(*args, **kwargs)
            finally:
                self.spent += clock.perf_counter() - begun

        setattr(self.module, self.name, timed)
        return self

    def __exit__(self, *exc):
        setattr(self.module, self.name, self.original)


def measure(
    label: str,
    run,
    check,
    *,
    repeat: int,
    rollback: bool,
    size: int,
    parts=(),
    shapes: bool = False,
    log=print,
) -> dict:
    """Run ``run`` once cold and ``repeat`` times more; ``check(result)`` after each run (inside
    the rolled-back transaction, not timed) says what it made and fails on a wrong result."""
    import contextlib

    from django.db import connection
    from django.utils import translation

    runs, database, queries = [], [], []
    made, sub = "", {}
    top = Counter()
    for attempt in range(repeat + 1):
        meter = Meter(shapes=shapes and attempt == 0)
        with contextlib.ExitStack() as stack:
            stack.enter_context(translation.override("fi"))
            timers = [stack.enter_context(SubTimer(module, name)) for module, name in parts]
            if rollback:
                stack.enter_context(_Rollback())
            with connection.execute_wrapper(meter):
                begun = clock.perf_counter()
                result = run()
                elapsed = clock.perf_counter() - begun
                meter.paused = True
                made = check(result)
        runs.append(elapsed)
        database.append(meter.spent)
        queries.append(meter.queries)
        for timer in timers:
            sub.setdefault(timer.name, []).append(timer.spent)
        if meter.shapes is not None:
            top = meter.shapes
    if len(set(queries)) > 1:
        log(f"  (query counts differ between runs: {queries})")
    row = {
        "backend": connection.vendor,
        "gigs": size,
        "step": label,
        "made": made,
        "queries": queries[-1],
        "cold_ms": runs[0] * 1000,
        "median_ms": statistics.median(runs[1:] or runs) * 1000,
        "best_ms": min(runs[1:] or runs) * 1000,
        "db_ms": statistics.median(database[1:] or database) * 1000,
        "parts": {name: statistics.median(v[1:] or v) * 1000 for name, v in sub.items()},
    }
    extra = "".join(f"; {name} {ms:.0f} ms" for name, ms in row["parts"].items())
    log(
        "{backend:10} {gigs:>5} gigs  {step:24} {made:38} queries {queries:>6}  "
        "cold {cold_ms:8.0f} ms  median {median_ms:8.0f} ms  best {best_ms:8.0f} ms  "
        "(database {db_ms:6.0f} ms)".format(**row)
        + extra
    )
    for shape, count in top.most_common(8):
        if count > 1:
            log(f"      {count:>6} × {shape}")
    return row


STEPS = ("invoices", "fees", "pay", "confirm", "import")


def run_steps(
    size: int,
    measured: Month,
    *,
    repeat: int,
    shapes: bool,
    steps: tuple[str, ...] = STEPS,
    log=print,
) -> list[dict]:
    from django.db.models import Count, Q
    from django.utils import timezone
    from lxml import etree

    from bookings.models import Gig
    from invoicing.bankfiles import camt054
    from invoicing.documents import incomes_register, sepa
    from invoicing.models import (
        FeeLine,
        FeeStatement,
        IncomesRegisterReport,
        Invoice,
        InvoiceLine,
    )
    from invoicing.money import invoice_rf_reference
    from invoicing.services.fees import confirm_batch, fees_pay, fees_run
    from invoicing.services.issuing import invoices_issue
    from invoicing.services.payments import payments_import

    period = measured.period
    today = timezone.localdate()
    payment_date = (
        today.replace(day=15)
        if today.day <= 15
        else ((today.replace(day=28) + timedelta(days=4)).replace(day=15))
    )
    gigs = Gig.objects.filter(start__date__gte=period.start, start__date__lte=period.end)
    assert gigs.count() == measured.gigs
    lines_wanted = measured.gigs + measured.km + measured.expenses
    options = {"repeat": repeat, "size": size, "shapes": shapes, "log": log}
    rows = []

    # 1. Invoices.
    def check_plan(result):
        charges = sum(len(draft.charges) for draft in result.plan.drafts)
        assert len(result.plan.drafts) == len(measured.invoices), len(result.plan.drafts)
        assert charges == lines_wanted, (charges, lines_wanted)
        assert not result.plan.funded and not result.plan.without_terms
        return f"{len(result.plan.drafts):,} invoices, {charges:,} lines"

    def check_invoices(result):
        ids = [invoice.pk for invoice in result.invoices]
        lines = InvoiceLine.objects.filter(invoice_id__in=ids)
        work = lines.filter(kind=InvoiceLine.Kind.WORK)
        assert len(ids) == len(measured.invoices), (len(ids), len(measured.invoices))
        assert lines.count() == lines_wanted, (lines.count(), lines_wanted)
        assert work.count() == measured.gigs == work.values("gig").distinct().count()
        assert set(work.values_list("gig_id", flat=True)) == set(gigs.values_list("pk", flat=True))
        # Sums in Python: SQLite adds decimals as floats.
        gross = sum(invoice.gross_total for invoice in result.invoices)
        assert gross == sum(lines.values_list("gross", flat=True)) > 0
        assert not Invoice.objects.filter(pk__in=ids).exclude(status=Invoice.Status.ISSUED)
        return f"{len(ids):,} invoices, {lines.count():,} lines"

    def issue(dry_run):
        return lambda: invoices_issue(period=period, by=None, dry_run=dry_run)

    if "invoices" in steps:
        dry, real = issue(True), issue(False)
        rows.append(measure("invoices, dry run", dry, check_plan, rollback=False, **options))
        rows.append(measure("invoices", real, check_invoices, rollback=True, **options))

    # 2. Fee statements.
    fee_lines = {
        FeeLine.Kind.FEE: measured.gigs,
        FeeLine.Kind.MILEAGE: measured.km,
        FeeLine.Kind.EXPENSES: measured.expenses,
    }

    def check_fee_plan(result):
        lines = sum(len(lines) for lines in result.plan.lines.values())
        assert set(result.plan.lines) == measured.experts
        assert lines == sum(fee_lines.values()), (lines, fee_lines)
        return f"{len(result.plan.lines):,} statements, {lines:,} lines"

    def check_statements(result):
        ids = [statement.pk for statement in result.statements]
        assert {s.expert_id for s in result.statements} == measured.experts
        assert not result.skipped
        lines = FeeLine.objects.filter(statement_id__in=ids)
        counts = dict(lines.values_list("kind").annotate(n=Count("pk")).order_by())
        assert counts == fee_lines, (counts, fee_lines)
        fee_gigs = lines.filter(kind=FeeLine.Kind.FEE).values("gig").distinct().count()
        assert fee_gigs == measured.gigs, (fee_gigs, measured.gigs)
        gross = sum(s.wages + s.work_compensation for s in result.statements)
        fees = sum(gigs.values_list("fee_amount", flat=True))
        assert gross == fees, (gross, fees)
        assert sum(s.withholding for s in result.statements) > 0
        return f"{len(ids):,} statements, {lines.count():,} lines"

    def fees(dry_run):
        return lambda: fees_run(period=period, by=None, dry_run=dry_run)

    if "fees" in steps:
        dry, real = fees(True), fees(False)
        rows.append(
            measure("fee statements, dry run", dry, check_fee_plan, rollback=False, **options)
        )
        rows.append(measure("fee statements", real, check_statements, rollback=True, **options))
    if not {"pay", "confirm", "import"} & set(steps):
        return rows

    # The month's invoices and statements as the real runs leave them, for what follows.
    invoices_issue(period=period, by=None)
    fees_run(period=period, by=None)
    statements = FeeStatement.objects.filter(period_start=period.start)

    # 3. The payment batch, its SEPA file and the Incomes Register reports.
    def check_batch(result):
        batch = result.batch
        assert batch is not None and not result.missing, result.missing
        assert len(result.statements) == statements.count() == len(measured.experts)
        paying = [s for s in result.statements if s.payout > 0]
        assert batch.total == sum(s.payout for s in paying) > 0
        root = etree.fromstring(batch.sepa_xml.encode())
        ns = {"p": sepa.NAMESPACE}
        header = root.find("p:CstmrCdtTrfInitn/p:GrpHdr", ns)
        assert Decimal(header.findtext("p:CtrlSum", namespaces=ns)) == batch.total
        assert int(header.findtext("p:NbOfTxs", namespaces=ns)) == len(paying)
        reports = IncomesRegisterReport.objects.filter(batch=batch).count()
        reported = [s for s in result.statements if s.gross or s.mileage]
        assert reports == len(reported) > 0
        return f"{len(paying):,} transfers, {reports:,} IR reports"

    if "pay" in steps:
        rows.append(
            measure(
                "fee payment batch",
                lambda: fees_pay(period=period, payment_date=payment_date, by=None),
                check_batch,
                rollback=True,
                parts=[(sepa, "credit_transfer_xml"), (incomes_register, "earnings_report_xml")],
                **options,
            )
        )

    # 3b. The batch confirmed paid, on its payment date: every gig marked paid with its history
    # row, the settled bookings closed, the statements paid.
    def check_confirmed(batch):
        assert batch.status == batch.Status.PAID
        paid = Gig.objects.filter(pk__in=gigs, paid_on=today)
        money_lines = FeeLine.objects.filter(
            statement__batch=batch, kind__in=[FeeLine.Kind.FEE, FeeLine.Kind.CANCELLATION]
        )
        assert paid.count() == money_lines.values("gig").distinct().count() > 0
        assert not batch.statements.exclude(status=FeeStatement.Status.PAID).exists()
        return f"{paid.count():,} gigs paid"

    if "confirm" in steps:
        rows.append(
            measure(
                "fee payment batch and its confirmation",
                lambda: confirm_batch(
                    batch=fees_pay(period=period, payment_date=today, by=None).batch, by=None
                ),
                check_confirmed,
                rollback=True,
                **options,
            )
        )
    if "import" not in steps:
        return rows

    # 4. The bank's camt.054 file paying every invoice of the month by its reference.
    invoices = list(
        Invoice.objects.filter(period_start=period.start, kind=Invoice.Kind.INVOICE).order_by("pk")
    )
    entries = []
    for day in range(5):  # a batch entry of reference payments per banking day
        chunk = invoices[day::5]
        if not chunk:
            continue
        entries.append(
            {
                "ref": f"BENCH{today:%Y%m%d}{day}",
                "booked": today - timedelta(days=5 - day),
                "transactions": [
                    {
                        "ref": f"BENCH{invoice.pk:08d}",
                        "amount": invoice.gross_total,
                        "reference": invoice_rf_reference(invoice.reference)
                        if invoice.pk % 3 == 0
                        else invoice.reference,
                        "payer": invoice.buyer_name,
                        "payer_iban": "FI5450000123456781",
                    }
                    for invoice in chunk
                ],
            }
        )
    data = camt054.build(
        version="02",
        message_id=f"BENCH-{today:%Y%m%d}",
        account_iban=invoices[0].seller_iban,
        entries=entries,
    )

    def check_import(result):
        assert len(result.matched) == len(invoices) and not result.unallocated
        unpaid = Invoice.objects.filter(pk__in=[i.pk for i in invoices]).filter(
            ~Q(status=Invoice.Status.PAID)
        )
        assert not unpaid.exists(), list(unpaid.values_list("number", "status"))
        return f"{len(result.matched):,} payments matched"

    rows.append(
        measure(
            "camt.054 import",
            lambda: payments_import(data=data, name="bench-camt054.xml", by=None),
            check_import,
            rollback=True,
            **options,
        )
    )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gigs", type=int, nargs="+", default=[500, 4000])
    parser.add_argument("--repeat", type=int, default=5, help="timed runs after the cold one")
    parser.add_argument(
        "--history", type=int, default=2, help="earlier months, invoiced and paid (default 2)"
    )
    parser.add_argument(
        "--queries", action="store_true", help="print the queries repeated in each cold run"
    )
    parser.add_argument(
        "--steps", nargs="+", choices=STEPS, default=list(STEPS), help="what to measure"
    )
    parser.add_argument("--keep", action="store_true", help="keep the throwaway database")
    options = parser.parse_args(argv)
    _setup_django(throwaway=True)
    media = tempfile.mkdtemp(prefix="bench-money-media-")
    _configure(media)

    from django.db import connection

    original = connection.settings_dict["NAME"]
    try:
        for size in options.gigs:
            # A fresh database for each size, so that one month does not swell the next.
            name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
            print(f"throwaway database {name}")
            try:
                _world, measured = create_data(size, options.history)
                run_steps(
                    size,
                    measured,
                    repeat=options.repeat,
                    shapes=options.queries,
                    steps=tuple(options.steps),
                )
            finally:
                if not options.keep:
                    connection.creation.destroy_test_db(original, verbosity=0)
    finally:
        shutil.rmtree(media, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
