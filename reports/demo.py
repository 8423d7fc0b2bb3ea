"""Two years of past work, so every chart of the dashboard and the funder report has a story.

Written straight into the tables with ``bulk_create`` (fast: a few hundred gigs) for the months
from two years ago until two months ago, before the bookings demo's own recent weeks: delivered
bookings of the demo units, each with its time, its expert's accepted offer (and now and then a
declined or unanswered one), a gig reported and paid on the 15th of the following month, feedback
for most, and the confirmation in the booking's history. Half of the work is paid by a past STEA
project; the rest is billed to the units on monthly invoices that were paid. Busier in spring and
autumn, quiet in July; a few experts do much of the work, as in life.

Idempotent: nothing is done once the history's funding source exists.
"""

from __future__ import annotations

import hashlib
import random
from collections import defaultdict
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from bookings.demo.bookings import demo_brief
from bookings.models import (
    Assignment,
    Booking,
    BookingChange,
    Feedback,
    FundingSource,
    Gig,
    GigReport,
    ImpactAnswer,
    Membership,
    Occurrence,
    Unit,
)
from expertbank.amounts import cents
from expertbank.bank import bank
from experts.models import ExperienceArea, Expert, WorkKind
from invoicing import money
from invoicing.models import IncomingPayment, Invoice, InvoiceLine, NumberSeries, PaymentFile

HISTORY_CODE = "STEA-C3112"
EXEMPTION = "Arvonlisäveroton myynti: yleishyödyllinen yhteisö (AVL 4 §)."
MONTHS = 22  # from this many months back …
GAP = 2  # … until this many months before the current one
# Gigs per month through the year: quiet in the summer, busy in spring and autumn.
SEASON = {1: 14, 2: 18, 3: 22, 4: 20, 5: 18, 6: 10, 7: 3, 8: 9, 9: 22, 10: 24, 11: 22, 12: 11}
# Kind of work: (weight, hours, expert fee, client price, title, audience size range)
KINDS = {
    "talk": (30, 2, "200.00", "315.00", "Kokemuspuheenvuoro", (20, 120)),
    "training": (10, 4, "350.00", "540.00", "Koulutusiltapäivä henkilöstölle", (12, 40)),
    "customer-panel": (20, 2, "100.00", "135.00", "Asiakasraati", (6, 15)),
    "service-development": (15, 3, "75.00", "180.00", "Palvelukehittämisen työpaja", (5, 20)),
    "peer-support": (12, 2, "50.00", "90.00", "Vertaisryhmän tapaaminen", (4, 12)),
    "co-teaching": (8, 3, "250.00", "360.00", "Yhteisopetus ammattikorkeakoulussa", (15, 45)),
    "media": (5, 1, "100.00", "180.00", "Haastattelu paikallislehteen", (None, None)),
}
AREAS = ["mental-health", "substance-use", "homelessness", "child-welfare", "youth", "gambling"]
FEEDBACK_TEXTS = [
    "Puheenvuoro avasi henkilöstön silmät asiakkaan näkökulmalle.",
    "Hyvin valmisteltu ja koskettava, keskustelu jatkui pitkään.",
    "Asiakasraadin ehdotukset otettiin heti käyttöön ajanvarauksessa.",
    "Kiitos! Osallistujat pitivät kokemusasiantuntijan osuutta päivän parhaana.",
    "",
]


C = ImpactAnswer.Change
IMPACT_ANSWERS = [
    (C.PRACTICE, "Muutimme ajanvarauksen ohjeet asiakasraadin ehdotusten mukaisiksi."),
    (C.PRACTICE, "Otimme kokemusasiantuntijan mukaan tiimin kuukausipalaveriin pysyvästi."),
    (C.UNDERSTANDING, "Henkilöstö puhuu päihteistä nyt suoremmin ja vähemmän leimaavasti."),
    (C.UNDERSTANDING, "Uudet työntekijät ymmärtävät paremmin, miksi asiakas ei aina saavu."),
    (C.CLIENTS, "Asiakkaat ovat kertoneet, että vastaanotolle on helpompi tulla."),
    (C.CLIENTS, "Nuoret hakeutuivat ryhmään omatoimisesti puheenvuoron jälkeen."),
    (C.NOT_YET, "Keskustelu jatkuu, konkreettisia muutoksia ei vielä ole."),
    ("", "Palaute käsiteltiin johtoryhmässä ja kehittämistyö on alkanut."),
]


def _month_start(day: date, back: int) -> date:
    year, month = day.year, day.month - back
    while month < 1:
        year, month = year - 1, month + 12
    return date(year, month, 1)


def _moment(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _history_funding(first: date, last: date) -> FundingSource:
    return FundingSource.objects.create(
        code=HISTORY_CODE,
        name="Kokemusasiantuntijat palveluihin -hanke",
        funder="STEA",
        budget=Decimal("45000.00"),
        valid_from=first,
        valid_until=last,
        active=False,
        notes="Edellinen hankekausi: kokemusasiantuntijoiden palkkiot järjestöjen ryhmissä.",
    )


def seed(*, log: Callable[[str], None]) -> None:
    if FundingSource.objects.filter(code=HISTORY_CODE).exists():
        return
    units = list(Unit.objects.select_related("organisation").order_by("pk"))
    experts = list(
        # New experts still doing their first gigs in a pair (bookings.demo.pairs) have no past.
        Expert.objects.filter(
            certified_on__isnull=False, erased_at__isnull=True, paired_gigs_required=0
        ).order_by("pk")
    )
    kinds = {k.code: k for k in WorkKind.objects.filter(code__in=KINDS)}
    areas = {a.slug: a for a in ExperienceArea.objects.filter(slug__in=AREAS)}
    if not units or len(experts) < 3 or not kinds:
        return
    # Repeatable demo data, nothing secret: a seeded pseudo-random generator is right here.
    rng = random.Random(2026)  # nosec B311
    today = timezone.localdate()
    first = _month_start(today, MONTHS)
    last = _month_start(today, GAP) - timedelta(days=1)
    source = _history_funding(first, last)
    # Fair rotation is a goal, not a fact: a third of the pool does most of the work.
    weights = [6 if i % 3 == 0 else 2 if i % 3 == 1 else 1 for i in range(len(experts))]
    unit_weights = [4 if "Vantaan kaupunki" in u.organisation.name else 2 for u in units]
    unit_weights[-1:] = [0]  # the last unit has never booked: the uptake table shows it
    # An expert's days that already hold a gig of the bookings demo are left alone.
    taken = {
        (expert_id, timezone.localdate(start))
        for expert_id, start in Gig.objects.filter(
            status__in=Gig.LIVE, start__gte=_moment(first, 0)
        ).values_list("expert_id", "start")
    }
    plan = []  # (day, hour, unit, expert, kind code, decliner or None)
    month = first
    while month <= last:
        days = [
            month + timedelta(days=d)
            for d in range(31)
            if (month + timedelta(days=d)).month == month.month
            and (month + timedelta(days=d)).weekday() < 5
        ]
        busy: set[tuple[date, int]] = set()
        for _n in range(SEASON[month.month] + rng.randint(-2, 3)):
            day = rng.choice(days)
            expert_index = rng.choices(range(len(experts)), weights=weights)[0]
            if (day, expert_index) in busy or (experts[expert_index].pk, day) in taken:
                continue
            busy.add((day, expert_index))
            code = rng.choices(list(kinds), weights=[KINDS[c][0] for c in kinds])[0]
            decliner = rng.choice(experts) if rng.random() < 0.3 else None
            unit = rng.choices(units, weights=unit_weights)[0]
            plan.append(
                (day, rng.choice((9, 10, 13, 14)), unit, experts[expert_index], code, decliner)
            )
        month = (month + timedelta(days=32)).replace(day=1)

    bookings, occurrences, assignments, gigs = [], [], [], []
    for day, hour, unit, _expert, code, _decliner in plan:
        _weight, hours, _fee, _price, title, (low, high) = KINDS[code]
        start = _moment(day, hour)
        end = start + timedelta(hours=hours)
        funded = unit.organisation.kind in ("association",) or rng.random() < 0.35
        bookings.append(
            Booking(
                title=title,
                unit=unit,
                work_kind=kinds[code],
                place=unit.visiting_address or unit.organisation.name,
                audience_size=rng.randint(low, high) if low and rng.random() < 0.85 else None,
                funding_source=source if funded else None,
                status=Booking.Status.CLOSED,
                **demo_brief(code),
                first_start=start,
                last_end=end,
                created_at=start - timedelta(days=rng.randint(14, 45)),
            )
        )
    Booking.objects.bulk_create(bookings)
    through = Booking.areas.through
    links = []
    for booking in bookings:
        for slug in rng.sample(AREAS, k=rng.choice((1, 1, 2))):
            if slug in areas:
                links.append(through(booking_id=booking.pk, experiencearea_id=areas[slug].pk))
    through.objects.bulk_create(links)
    for booking, (_day, _hour, _unit, _expert, _code, _d) in zip(bookings, plan, strict=True):
        occurrences.append(
            Occurrence(booking=booking, start=booking.first_start, end=booking.last_end)
        )
    Occurrence.objects.bulk_create(occurrences)
    declined = []
    for booking, (_day, _hour, _unit, expert, _code, decliner) in zip(bookings, plan, strict=True):
        offered = booking.created_at + timedelta(days=rng.randint(1, 4))
        assignments.append(
            Assignment(
                booking=booking,
                expert=expert,
                status=Assignment.Status.ACCEPTED,
                offered_at=offered,
                answer_by=offered + timedelta(days=3),
                answered_at=offered + timedelta(hours=rng.randint(2, 60)),
            )
        )
        if decliner is not None and decliner != expert:
            no_answer = rng.random() < 0.3
            declined.append(
                Assignment(
                    booking=booking,
                    expert=decliner,
                    status=Assignment.Status.EXPIRED if no_answer else Assignment.Status.DECLINED,
                    offered_at=offered,
                    answer_by=offered + timedelta(days=3),
                    answered_at=None if no_answer else offered + timedelta(hours=5),
                )
            )
    Assignment.objects.bulk_create(assignments + declined)
    for booking, occurrence, assignment, (day, _h, _u, expert, code, _d) in zip(
        bookings, occurrences, assignments, plan, strict=True
    ):
        _weight, _hours, fee, price, _title, _aud = KINDS[code]
        paid_on = (day.replace(day=1) + timedelta(days=32)).replace(day=15)
        gigs.append(
            Gig(
                booking=booking,
                assignment=assignment,
                occurrence=occurrence,
                expert=expert,
                start=occurrence.start,
                end=occurrence.end,
                busy_until=occurrence.end,
                status=Gig.Status.PAID,
                time_confirmed=True,
                fee_amount=Decimal(fee),
                billable_amount=Decimal(price),
                paid_on=paid_on,
                created_at=assignment.answered_at,
            )
        )
    Gig.objects.bulk_create(gigs)
    GigReport.objects.bulk_create(
        GigReport(
            gig=gig,
            hours=Decimal((gig.end - gig.start).seconds // 3600)
            + rng.choice((Decimal(0), Decimal(0), Decimal(0), Decimal("0.5"), Decimal("-0.5"))),
            status=GigReport.Status.APPROVED,
            submitted_at=gig.end + timedelta(hours=rng.randint(2, 48)),
            reviewed_at=gig.end + timedelta(days=rng.randint(2, 6)),
        )
        for gig in gigs
    )
    BookingChange.objects.bulk_create(
        BookingChange(
            booking=booking,
            from_status=Booking.Status.STAFFING,
            to_status=Booking.Status.CONFIRMED,
            at=assignment.answered_at + timedelta(hours=rng.randint(1, 30)),
        )
        for booking, assignment in zip(bookings, assignments, strict=True)
    )
    ratings = (5, 5, 5, 4, 4, 4, 4, 3, 3, 2)
    Feedback.objects.bulk_create(
        Feedback(
            booking=booking,
            rating=rng.choice(ratings),
            text=rng.choice(FEEDBACK_TEXTS),
            created_at=booking.last_end + timedelta(days=rng.randint(1, 10)),
            released_at=booking.last_end + timedelta(days=12),
        )
        for booking in bookings
        if rng.random() < 0.7
    )
    _impact(bookings, rng=rng)
    invoices = _invoices(gigs, today=today)
    log(
        f"created {len(gigs)} past gigs over {MONTHS - GAP} months "
        f"and {invoices} paid invoices for the dashboard"
    )


def _impact(bookings: list[Booking], *, rng: random.Random) -> None:
    """A third of the units answered "what changed?" after 30 days, some again after 90; most
    let the experts read it."""
    answerers = {m.unit_id: m.user_id for m in Membership.objects.order_by("pk")}
    now = timezone.now()
    answers = []
    for booking in bookings:
        if rng.random() > 0.35:
            continue
        for mark in (30, 90):
            answered = booking.last_end + timedelta(days=mark + rng.randint(0, 6))
            if answered > now or (mark == 90 and rng.random() > 0.4):
                break
            change, text = rng.choice(IMPACT_ANSWERS)
            answers.append(
                ImpactAnswer(
                    booking=booking,
                    day_mark=mark,
                    change=change,
                    text=text,
                    share_with_experts=rng.random() < 0.6,
                    answered_by_id=answerers.get(booking.unit_id),
                    answered_at=answered,
                )
            )
    ImpactAnswer.objects.bulk_create(answers)


def _invoices(gigs: list[Gig], *, today: date) -> int:
    """The units' monthly invoices for the gigs not paid by the project, issued on the 1st of
    the following month and paid; numbered in the year's series after what is there."""
    seller = bank()
    groups: dict[tuple[int, date], list[Gig]] = defaultdict(list)
    for gig in gigs:
        if gig.booking.funding_source_id is None:
            groups[(gig.booking.unit_id, gig.start.date().replace(day=1))].append(gig)
    units = {u.pk: u for u in Unit.objects.select_related("organisation")}
    invoices, lines = [], []
    for (unit_id, month), billed in sorted(
        groups.items(), key=lambda item: (item[0][1], item[0][0])
    ):
        unit = units[unit_id]
        issue_date = (month + timedelta(days=32)).replace(day=1)
        series, _created = NumberSeries.objects.get_or_create(year=issue_date.year)
        series.last += 1
        series.save(update_fields=["last"])
        amounts = [money.line_amounts(g.billable_amount, Decimal("0")) for g in billed]
        net = cents(sum((a.net for a in amounts), Decimal(0)))
        invoice = Invoice(
            unit=unit,
            status=Invoice.Status.PAID,
            year=issue_date.year,
            sequence=series.last,
            number=money.invoice_number(issue_date.year, series.last),
            reference=money.invoice_reference(issue_date.year, series.last),
            period_start=month,
            period_end=issue_date - timedelta(days=1),
            language=unit.invoice_language,
            issue_date=issue_date,
            due_date=issue_date + timedelta(days=unit.payment_terms_days or 14),
            payment_terms_days=unit.payment_terms_days or 14,
            seller_name=seller.name,
            seller_business_id=seller.business_id,
            seller_street=seller.street,
            seller_postcode=seller.postcode,
            seller_city=seller.city,
            seller_iban=seller.iban,
            seller_bic=seller.bic,
            seller_einvoice_address=seller.einvoice_address,
            seller_einvoice_operator=seller.einvoice_operator,
            seller_email=seller.email,
            seller_phone=seller.phone,
            buyer_name=unit.organisation.name,
            buyer_unit=unit.name,
            buyer_business_id=unit.organisation.business_id,
            buyer_address=unit.billing_address,
            buyer_einvoice_address=unit.e_invoice_address,
            buyer_einvoice_operator=unit.e_invoice_operator,
            buyer_contact=unit.contact_name,
            net_total=net,
            vat_total=Decimal("0.00"),
            gross_total=net,
            issued_at=_moment(issue_date, 8),
            created_at=_moment(issue_date, 8),
        )
        invoices.append(invoice)
        for position, (gig, amount) in enumerate(zip(billed, amounts, strict=True), start=1):
            lines.append(
                InvoiceLine(
                    invoice=invoice,
                    position=position,
                    kind=InvoiceLine.Kind.WORK,
                    gig=gig,
                    booking=gig.booking,
                    date=gig.start.date(),
                    description=gig.booking.title,
                    quantity=Decimal(1),
                    quantity_unit=InvoiceLine.QuantityUnit.PIECES,
                    unit_price=amount.net,
                    net=amount.net,
                    vat_rate=Decimal("0"),
                    vat=amount.vat,
                    gross=amount.gross,
                    vat_exemption_text=EXEMPTION,
                )
            )
    Invoice.objects.bulk_create(invoices)
    InvoiceLine.objects.bulk_create(lines)
    # Each paid in full a few days before its due date, as the bank's statements said.
    statement = PaymentFile.objects.create(
        name="tiliote-historia-demo.xml",
        sha256=hashlib.sha256(b"expertbank demo history").hexdigest(),
        version="camt.054.001.02",
        entries=len(invoices),
        new_entries=len(invoices),
    )
    IncomingPayment.objects.bulk_create(
        IncomingPayment(
            entry_reference=f"DEMO-HISTORY-{invoice.number}",
            file=statement,
            amount=invoice.gross_total,
            booking_date=invoice.due_date - timedelta(days=3),
            value_date=invoice.due_date - timedelta(days=3),
            reference=invoice.reference,
            payer_name=invoice.buyer_name,
            invoice=invoice,
            allocated_at=_moment(invoice.due_date - timedelta(days=3), 12),
            created_at=_moment(invoice.due_date - timedelta(days=3), 12),
        )
        for invoice in invoices
    )
    return len(invoices)
