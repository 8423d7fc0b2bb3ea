"""Demo organisations, units and members, a price list, a funding source, and bookings of every
kind in every status over the past and coming months, with offers waiting for the demo expert;
then the work after the gigs (``bookings.demo_reports``): reports, check-ins and feedback.

The bookings are written straight to the tables (``seed_demo`` runs inside one transaction, so the
durable services cannot be used) but follow the lifecycle: status-change rows, fees from the price
list, and no expert ever holds two clashing gigs. Idempotent: a booking whose title already exists
in its unit is left alone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from bookings import demo_reports
from bookings.models import (
    Assignment,
    Booking,
    FundingSource,
    Gig,
    Membership,
    Occurrence,
    Organisation,
    PriceList,
    PriceRow,
    PriceUnit,
    StatusChange,
    Unit,
    money,
)
from bookings.selectors import (
    booking_terms,
    candidates_for,
    clashing_gigs,
    gig_fee,
    travel_buffer,
)
from expertbank.demo import DEMO_DOMAIN, demo_user
from expertbank.models import User
from experts.models import ExperienceArea, Expert, Language, WorkKind

K = Organisation.Kind
OPERATOR = "003721291126"
PER_GIG, PER_HOUR = PriceUnit.PER_GIG, PriceUnit.PER_HOUR

ORGANISATIONS = [
    # name, business ID, kind, [(unit, visiting address, cost centre, member e-mail, name)]
    (
        "Vantaan kaupunki",
        "1284613-4",
        K.CITY,
        [
            (
                "Aikuissosiaalityö, Tikkurila",
                "Kielotie 13, 01300 Vantaa",
                "4410",
                f"tilaaja@{DEMO_DOMAIN}",
                "Maria Lehtonen",
            ),
            ("Nuorisopalvelut, Tikkurila", "Lummetie 2, 01300 Vantaa", "5120", "", ""),
        ],
    ),
    (
        "Päihdetyön Tuki ry",
        "1301742-6",
        K.ASSOCIATION,
        [
            (
                "Matalan kynnyksen palvelut",
                "Asematie 6, 01300 Vantaa",
                "",
                f"jarjesto@{DEMO_DOMAIN}",
                "Pekka Laine",
            )
        ],
    ),
    (
        "Vantaan ja Keravan hyvinvointialue",
        "3221355-3",
        K.WELLBEING_COUNTY,
        [
            (
                "Päihde- ja mielenterveyspalvelut, Myyrmäki",
                "Myyrmäenraitti 2, 01600 Vantaa",
                "7310",
                f"hyvinvointialue@{DEMO_DOMAIN}",
                "Laura Salminen",
            ),
            ("Lastensuojelu, Korso", "Urpiaisentie 14, 01450 Vantaa", "7420", "", ""),
            ("Sosiaalipäivystys", "Peltolantie 2, 01300 Vantaa", "7150", "", ""),
        ],
    ),
    (
        "Tikkurilan lukio",
        "2228357-4",
        K.SCHOOL,
        [
            (
                "Opiskeluhuolto",
                "Valkoisenlähteentie 48, 01300 Vantaa",
                "",
                f"koulu@{DEMO_DOMAIN}",
                "Heidi Koskinen",
            )
        ],
    ),
    (
        "Mielenterveysyhdistys Tuuli ry",
        "2071997-9",
        K.ASSOCIATION,
        [("Vertaistoiminta", "Vernissakatu 1, 01300 Vantaa", "", "", "")],
    ),
]

# KoKoA ry's recommendation: talks, panels and trainings 100–600 € a gig, group work 25 €/h.
# fmt: off
PRICES = [
    # work kind, client price, its unit, minimum hours, expert fee, its unit, preparation hours,
    # notice days, client cancellation fee, expert cancellation fee
    ("talk", "350", PER_GIG, "0", "200", PER_GIG, "0", 7, "175", "100"),
    ("training", "600", PER_GIG, "0", "350", PER_GIG, "0", 14, "300", "150"),
    ("customer-panel", "150", PER_GIG, "0", "100", PER_GIG, "0", 7, "75", "50"),
    ("service-development", "60", PER_HOUR, "2", "25", PER_HOUR, "1", 7, "120", "50"),
    ("peer-support", "45", PER_HOUR, "2", "25", PER_HOUR, "0.5", 7, "90", "50"),
    ("co-teaching", "400", PER_GIG, "0", "250", PER_GIG, "0", 14, "200", "125"),
    ("media", "200", PER_GIG, "0", "100", PER_GIG, "0", 7, "100", "50"),
]
# fmt: on
EXEMPTION = "Arvonlisäveroton myynti: yleishyödyllinen yhteisö (AVL 4 §)."

S = Booking.Status
BK = Booking.Kind
TUE, THU = 1, 3  # the pool's usual weekly available days


@dataclass
class Spec:
    title: str
    unit: str
    kind: str
    work: str
    status: str
    day: int  # days from today to the first time
    hour: int
    minutes: int = 90
    experts: int = 1
    areas: list[str] = field(default_factory=list)
    audience: str = Booking.Audience.ADULTS
    size: int | None = 20
    anna: str = ""  # "offer": an open offer to the demo expert; "gig": she is on it
    extra: str = ""  # declined, expired, withdrawn, rescheduled, late, funded, exact (any weekday)
    reason: str = ""
    weekday: int | None = None  # the first date moves to this weekday (0 = Monday)


# fmt: off
SPECS = [
    # requested
    Spec("Kokemuspuheenvuoro henkilöstöpäivillä", "Aikuissosiaalityö, Tikkurila", BK.ONE_OFF,
         "talk", S.REQUESTED, 24, 13, size=80, areas=["substance-use"], weekday=TUE),
    Spec("Asiakasraati: aikuissosiaalityön palvelut", "Päihde- ja mielenterveyspalvelut, Myyrmäki",
         BK.SERIES, "customer-panel", S.REQUESTED, 33, 14, 120, experts=2,
         areas=["social-services"], weekday=THU),
    Spec("Kehittäjäkumppani: sosiaalipäivystyksen asiakaspolku", "Sosiaalipäivystys",
         BK.FIXED_TERM, "service-development", S.REQUESTED, 40, 12, 180, weekday=TUE),
    # staffing
    Spec("Koulutus: kohtaaminen päihdepalveluissa", "Päihde- ja mielenterveyspalvelut, Myyrmäki",
         BK.ONE_OFF, "training", S.STAFFING, 15, 13, 180, experts=2, size=40,
         areas=["substance-use", "mental-health"], anna="offer", weekday=THU),
    Spec("Vertaistukiryhmä nuorille", "Nuorisopalvelut, Tikkurila", BK.SERIES, "peer-support",
         S.STAFFING, 11, 15, 90, experts=2, areas=["youth", "mental-health"],
         audience=Booking.Audience.MINORS, size=10, anna="offer", weekday=THU),
    Spec("Kehittämistyö: matalan kynnyksen kohtaamispaikka", "Matalan kynnyksen palvelut",
         BK.FIXED_TERM, "service-development", S.STAFFING, 19, 12, 150,
         extra="declined expired", weekday=TUE),
    Spec("Puheenvuoro vanhempainillassa", "Opiskeluhuolto", BK.ONE_OFF, "talk", S.STAFFING, 22,
         16, 60, size=60, areas=["family", "substance-use"], anna="offer", extra="declined",
         weekday=THU),
    # confirmed
    Spec("Kokemuspuheenvuoro: asunnottomuus", "Aikuissosiaalityö, Tikkurila", BK.ONE_OFF, "talk",
         S.CONFIRMED, 6, 10, experts=2, areas=["homelessness"], size=50),
    Spec("Asiakasraati: lastensuojelun palvelut", "Lastensuojelu, Korso", BK.SERIES,
         "customer-panel", S.CONFIRMED, 9, 13, 120, areas=["child-welfare"],
         extra="rescheduled"),
    Spec("Kokemusasiantuntija työparina: päihdepoliklinikka",
         "Päihde- ja mielenterveyspalvelut, Myyrmäki", BK.FIXED_TERM, "peer-support",
         S.CONFIRMED, 3, 9, 180, areas=["substance-use"], anna="gig"),
    Spec("Vertaisryhmä: toipumisen tukena", "Vertaistoiminta", BK.FIXED_TERM, "peer-support",
         S.CONFIRMED, 5, 14, 120, experts=2, extra="withdrawn funded"),
    # delivered
    Spec("Mielenterveysviikon paneeli", "Päihde- ja mielenterveyspalvelut, Myyrmäki",
         BK.ONE_OFF, "talk", S.DELIVERED, -12, 13, 120, experts=2, size=120,
         areas=["mental-health"], anna="gig"),
    Spec("Vertaisryhmä: syksyn jakso", "Matalan kynnyksen palvelut", BK.SERIES, "peer-support",
         S.DELIVERED, -45, 12, 90, extra="funded"),
    Spec("Yhteisopettajuus: sosionomiopiskelijat", "Aikuissosiaalityö, Tikkurila",
         BK.FIXED_TERM, "co-teaching", S.DELIVERED, -50, 9, 120),
    # yesterday: the demo expert's gig waits for her report (and tomorrow's reminder)
    Spec("Kokemuspuheenvuoro: toipumisen polku", "Aikuissosiaalityö, Tikkurila", BK.ONE_OFF,
         "talk", S.DELIVERED, -1, 13, 90, size=30, areas=["substance-use"], anna="gig",
         extra="exact"),
    # closed
    Spec("Koulutus: päihteet ja perhe", "Lastensuojelu, Korso", BK.ONE_OFF, "training",
         S.CLOSED, -80, 9, 180, size=35, areas=["family"], anna="gig"),
    Spec("Asiakasraati: aikuissosiaalityön kevät", "Aikuissosiaalityö, Tikkurila", BK.SERIES,
         "customer-panel", S.CLOSED, -110, 14, 120),
    Spec("Kehittämispäivät: nuorten palvelupolku", "Nuorisopalvelut, Tikkurila", BK.FIXED_TERM,
         "service-development", S.CLOSED, -100, 10, 180, areas=["youth"]),
    # rejected
    Spec("Infotilaisuus opiskelijoille", "Opiskeluhuolto", BK.ONE_OFF, "talk", S.REJECTED, 12, 10,
         reason="Sama tilaisuus on jo varattu toisella pyynnöllä (ks. vanhempainilta)."),
    Spec("Radiohaastattelu", "Vertaistoiminta", BK.SERIES, "media", S.REJECTED, 26, 11, 60,
         reason="Mediaan emme nyt löydä halukkaita asiantuntijoita. Kysy uudelleen keväällä."),
    Spec("Työpajasarja: palvelumuotoilu", "Sosiaalipäivystys", BK.FIXED_TERM,
         "service-development", S.REJECTED, 30, 12, 180,
         reason="Hyvinvointialueen oma kehittämishanke hoitaa tämän."),
    # cancelled
    Spec("Puheenvuoro johtoryhmälle", "Päihde- ja mielenterveyspalvelut, Myyrmäki", BK.ONE_OFF,
         "talk", S.CANCELLED, -8, 9, 60, extra="late", reason="Johtoryhmän kokous siirtyi."),
    Spec("Kevään asiakasraati", "Lastensuojelu, Korso", BK.SERIES, "customer-panel",
         S.CANCELLED, 28, 13, 120, reason="Raati yhdistetään syksyn raatiin."),
    Spec("Työparityö: kotikäynnit", "Aikuissosiaalityö, Tikkurila", BK.FIXED_TERM,
         "peer-support", S.CANCELLED, 35, 9, 180, extra="staffing",
         reason="Hanke ei saanut rahoitusta."),
]
# fmt: on


def _weekday(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _times(spec: Spec, today: date) -> list[tuple[datetime, datetime]]:
    first = today + timedelta(days=spec.day)
    while spec.weekday is not None and first.weekday() != spec.weekday:
        first += timedelta(days=1)
    if "exact" not in spec.extra:
        first = _weekday(first)
    length = timedelta(minutes=spec.minutes)

    def at(day: date) -> tuple[datetime, datetime]:
        start = timezone.make_aware(datetime.combine(day, time(spec.hour)))
        return start, start + length

    if spec.kind == BK.ONE_OFF:
        return [at(first)]
    if spec.kind == BK.SERIES:
        return [at(first + timedelta(weeks=n)) for n in range(4)]
    # fixed-term: two working days a week (the first date's weekday and two days later)
    second = (first.weekday() + 2) % 5
    days = []
    day = first
    while len(days) < 8:
        if day.weekday() in (first.weekday(), second):
            days.append(day)
        day += timedelta(days=1)
    return [at(day) for day in days]


class Builder:
    def __init__(self, *, log: Callable[[str], None]):
        self.log = log
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.coordinator = User.objects.filter(email=f"koordinaattori@{DEMO_DOMAIN}").first()
        self.anna = Expert.objects.filter(user__email=f"asiantuntija@{DEMO_DOMAIN}").first()
        self.pool = list(Expert.objects.bookable().select_related("user").order_by("pk"))
        self.turn = 0

    def change(self, obj, booking, to, at, *, by=None, note="", from_status=None):
        links = {}
        if isinstance(obj, Assignment):
            links = {"assignment": obj}
        elif isinstance(obj, Gig):
            links = {"gig": obj, "assignment_id": obj.assignment_id}
        StatusChange.objects.create(
            booking=booking,
            by=by,
            at=min(at, self.now),
            from_status=obj.status if from_status is None else from_status,
            to_status=to,
            note=note,
            **links,
        )
        obj.status = to
        obj.save(update_fields=["status"])

    def free(self, expert: Expert, times) -> bool:
        return not clashing_gigs(expert_id=expert.pk, times=times).exists()

    def pick(self, booking: Booking, times, count: int, *, exclude=()) -> list[Expert]:
        occurrences = list(booking.occurrences.all())
        preferred = list(candidates_for(booking, occurrences=occurrences))
        rest = self.pool[self.turn :] + self.pool[: self.turn]
        chosen: list[Expert] = []
        for expert in [*preferred, *rest]:
            if len(chosen) == count:
                break
            if expert in chosen or expert in exclude or expert == self.anna:
                continue
            if self.free(expert, times):
                chosen.append(expert)
        self.turn = (self.turn + count) % max(len(self.pool), 1)
        return chosen

    def offer(self, booking, expert, at, answer_by) -> Assignment:
        assignment = Assignment.objects.create(
            booking=booking,
            expert=expert,
            answer_by=answer_by,
            offered_at=min(at, self.now),
            offered_by=self.coordinator,
            status="",
        )
        self.change(assignment, booking, Assignment.Status.OFFERED, at, by=self.coordinator)
        return assignment

    def accept(self, assignment, at, row) -> list[Gig]:
        booking = assignment.booking
        assignment.answered_at = min(at, self.now)
        assignment.save(update_fields=["answered_at"])
        self.change(assignment, booking, Assignment.Status.ACCEPTED, at, by=assignment.expert.user)
        gigs = []
        for occurrence in booking.occurrences.all():
            gig = Gig.objects.create(
                booking=booking,
                assignment=assignment,
                occurrence=occurrence,
                expert=assignment.expert,
                start=occurrence.start,
                end=occurrence.end,
                busy_until=occurrence.end + travel_buffer(),
                fee_amount=gig_fee(
                    row, start=occurrence.start, end=occurrence.end, expert=assignment.expert
                ),
                status="",
            )
            self.change(gig, booking, Gig.Status.PLANNED, at, by=assignment.expert.user)
            gigs.append(gig)
        return gigs

    def build(self, spec: Spec, unit: Unit, funding: FundingSource | None) -> None:
        times = _times(spec, self.today)
        first, last = times[0][0], max(end for _start, end in times)
        created = min(first - timedelta(days=30), self.now - timedelta(days=2))
        member = Membership.objects.filter(unit=unit).select_related("user").first()
        booking = Booking.objects.create(
            title=spec.title,
            unit=unit,
            requested_by=member.user if member else self.coordinator,
            work_kind=WorkKind.objects.get(code=spec.work),
            language=Language.objects.filter(code="fi").first(),
            kind=spec.kind,
            place=unit.visiting_address,
            audience=spec.audience,
            audience_size=spec.size,
            experts_wanted=spec.experts,
            own_reference=f"VD-{1000 + SPECS.index(spec)}",
            cost_centre=unit.cost_centre,
            contact_name=unit.contact_name or (member.user.full_name if member else ""),
            contact_phone=unit.contact_phone,
            notes="Kahvitarjoilu. Ilmoittaudu aulan infossa.",
            funding_source=funding if "funded" in spec.extra else None,
            status="",
            first_start=first,
            last_end=last,
            created_at=created,
        )
        booking.areas.set(ExperienceArea.objects.filter(slug__in=spec.areas))
        Occurrence.objects.bulk_create(
            Occurrence(booking=booking, start=s, end=e) for s, e in times
        )
        by = booking.requested_by
        self.change(booking, booking, S.REQUESTED, created, by=by, from_status="")
        if spec.status == S.REQUESTED:
            return
        if spec.status == S.REJECTED:
            self.change(
                booking,
                booking,
                S.REJECTED,
                created + timedelta(days=1),
                by=self.coordinator,
                note=spec.reason,
            )
            return
        row = booking_terms(booking)
        offered_at = created + timedelta(days=2)
        self.change(booking, booking, S.STAFFING, offered_at, by=self.coordinator)
        open_until = max(self.now, offered_at).replace(minute=0, second=0, microsecond=0)
        open_until += timedelta(days=3)
        answer_by = min(first - timedelta(hours=2), open_until)
        staffing_only = spec.status == S.STAFFING or "staffing" in spec.extra
        accepting = spec.experts - (1 if staffing_only and spec.experts > 1 else 0)
        if staffing_only and spec.experts == 1:
            accepting = 0
        with_anna = spec.anna == "gig" and self.anna is not None and self.free(self.anna, times)
        experts = ([self.anna] if with_anna else []) + self.pick(
            booking, times, accepting - (1 if with_anna else 0)
        )
        accepted = []
        for expert in experts[:accepting]:
            assignment = self.offer(booking, expert, offered_at, answer_by)
            self.accept(assignment, offered_at + timedelta(hours=20), row)
            accepted.append(assignment)
        self.extras(spec, booking, times, offered_at, answer_by, accepted)
        if staffing_only and spec.status == S.CANCELLED:
            self.cancel(spec, booking, accepted, first)
            return
        if staffing_only:
            return
        confirmed_at = offered_at + timedelta(days=2)
        self.change(booking, booking, S.CONFIRMED, confirmed_at, by=self.coordinator)
        if "withdrawn" in spec.extra and accepted:
            self.withdraw(booking, accepted[-1], times, answer_by)
        if "rescheduled" in spec.extra and accepted:
            self.reschedule(booking, row)
        if spec.status == S.CANCELLED:
            self.cancel(spec, booking, accepted, first)
        elif spec.status in (S.DELIVERED, S.CLOSED):
            self.deliver(spec, booking, row, last)

    def extras(self, spec, booking, times, offered_at, answer_by, accepted) -> None:
        others = [a.expert for a in accepted]
        if spec.anna == "offer" and self.anna is not None:
            self.offer(booking, self.anna, offered_at, answer_by)
        if "declined" in spec.extra:
            for expert in self.pick(booking, times, 1, exclude=others):
                assignment = self.offer(booking, expert, offered_at, answer_by)
                assignment.answered_at = min(offered_at + timedelta(hours=5), self.now)
                assignment.save(update_fields=["answered_at"])
                self.change(
                    assignment,
                    booking,
                    Assignment.Status.DECLINED,
                    offered_at + timedelta(hours=5),
                    by=expert.user,
                    note="En pääse silloin.",
                )
                others.append(expert)
        if "expired" in spec.extra:
            for expert in self.pick(booking, times, 1, exclude=others):
                past = min(offered_at + timedelta(days=1), self.now - timedelta(hours=1))
                assignment = self.offer(booking, expert, offered_at, past)
                self.change(
                    assignment,
                    booking,
                    Assignment.Status.EXPIRED,
                    past,
                    note="Ei vastausta määräaikaan mennessä.",
                )

    def withdraw(self, booking, assignment, times, answer_by) -> None:
        at = self.now - timedelta(days=1)
        for gig in assignment.gigs.filter(start__gt=self.now):
            gig.fee_amount = 0
            gig.save(update_fields=["fee_amount"])
            self.change(
                gig,
                booking,
                Gig.Status.CANCELLED,
                at,
                by=assignment.expert.user,
                note="Sairastuin.",
            )
        self.change(
            assignment,
            booking,
            Assignment.Status.WITHDRAWN,
            at,
            by=assignment.expert.user,
            note="Sairastuin.",
        )
        taken = [a.expert for a in booking.assignments.all()]
        for expert in self.pick(booking, times, 1, exclude=taken):
            replacement = self.offer(booking, expert, at, answer_by)
            replacement.replacement_for = assignment
            replacement.save(update_fields=["replacement_for"])

    def reschedule(self, booking, row) -> None:
        occurrence = booking.occurrences.order_by("start").last()
        new_start = occurrence.start + timedelta(days=1)
        new_end = occurrence.end + timedelta(days=1)
        gigs = list(occurrence.gigs.filter(status=Gig.Status.PLANNED))
        if any(
            clashing_gigs(
                expert_id=g.expert_id, times=[(new_start, new_end)], exclude_ids=[g.pk]
            ).exists()
            for g in gigs
        ):
            return
        note = "Siirretty seuraavalle päivälle tilan vuoksi."
        at = self.now - timedelta(hours=3)
        occurrence.start, occurrence.end = new_start, new_end
        occurrence.save(update_fields=["start", "end"])
        booking.last_end = max(booking.last_end, new_end)
        booking.save(update_fields=["last_end"])
        StatusChange.objects.create(
            booking=booking,
            by=self.coordinator,
            at=at,
            from_status=booking.status,
            to_status=booking.status,
            note=note,
        )
        for gig in gigs:
            self.change(gig, booking, Gig.Status.RESCHEDULED, at, by=self.coordinator, note=note)
            moved = Gig.objects.create(
                booking=booking,
                assignment=gig.assignment,
                occurrence=occurrence,
                expert=gig.expert,
                start=new_start,
                end=new_end,
                busy_until=new_end + travel_buffer(),
                fee_amount=gig_fee(row, start=new_start, end=new_end, expert=gig.expert),
                time_confirmed=False,
                previous=gig,
                status="",
            )
            self.change(moved, booking, Gig.Status.PLANNED, at, by=self.coordinator, note=note)

    def cancel(self, spec, booking, accepted, first) -> None:
        late = "late" in spec.extra
        at = first - timedelta(days=2) if late else min(self.now, first - timedelta(days=20))
        row = booking_terms(booking)
        fee = money(row.expert_cancellation_fee) if (late and row) else money(0)
        for assignment in accepted:
            for index, gig in enumerate(assignment.gigs.filter(status=Gig.Status.PLANNED)):
                gig.late_cancelled = late
                gig.fee_amount = fee if index == 0 else money(0)
                gig.save(update_fields=["late_cancelled", "fee_amount"])
                self.change(
                    gig,
                    booking,
                    Gig.Status.CANCELLED,
                    at,
                    by=booking.requested_by,
                    note=spec.reason,
                )
        for assignment in booking.assignments.filter(status=Assignment.Status.OFFERED):
            self.change(
                assignment, booking, Assignment.Status.EXPIRED, at, note="Varaus peruttiin."
            )
        booking.cancelled_late = late
        booking.cancellation_fee = (
            money(row.client_cancellation_fee) if late and row and accepted else None
        )
        booking.save(update_fields=["cancelled_late", "cancellation_fee"])
        self.change(booking, booking, S.CANCELLED, at, by=booking.requested_by, note=spec.reason)

    def deliver(self, spec, booking, row, last) -> None:
        self.change(booking, booking, S.DELIVERED, last + timedelta(minutes=20))
        gigs = list(booking.gigs.filter(status=Gig.Status.PLANNED).order_by("start", "pk"))
        for index, gig in enumerate(gigs):
            reported = gig.end + timedelta(days=1)
            if spec.status == S.DELIVERED and index % 3 == 0:
                continue  # not reported yet
            # The report and, once approved, the amounts come in demo_reports.
            self.change(gig, booking, Gig.Status.REPORTED, reported, by=gig.expert.user)
            if spec.status == S.DELIVERED and index % 3 == 1:
                continue
            self.change(
                gig, booking, Gig.Status.APPROVED, reported + timedelta(days=2), by=self.coordinator
            )
            if spec.status == S.CLOSED:
                gig.paid_on = (reported + timedelta(days=20)).date()
                gig.save(update_fields=["paid_on"])
                self.change(gig, booking, Gig.Status.PAID, reported + timedelta(days=20))
        if spec.status == S.CLOSED:
            self.change(booking, booking, S.CLOSED, last + timedelta(days=40), by=self.coordinator)


def _organisations(log: Callable[[str], None]) -> dict[str, Unit]:
    units = {}
    for org_name, business_id, kind, unit_rows in ORGANISATIONS:
        organisation, _created = Organisation.objects.get_or_create(
            name=org_name, defaults={"business_id": business_id, "kind": kind}
        )
        for unit_name, address, cost_centre, email, person in unit_rows:
            digits = organisation.business_id.replace("-", "")
            unit, created = Unit.objects.get_or_create(
                organisation=organisation,
                name=unit_name,
                defaults={
                    "visiting_address": address,
                    "billing_address": f"{org_name}\nOstolaskut\nPL 1000\n00099 Vantaa",
                    "e_invoice_address": f"0037{digits}" if digits else "",
                    "e_invoice_operator": OPERATOR if digits else "",
                    "cost_centre": cost_centre,
                    "contact_name": person,
                    "contact_email": email,
                    "contact_phone": "+358 40 123 4567" if person else "",
                },
            )
            if created:
                log(f"created unit {unit}")
            units[unit_name] = unit
            if email:
                user, _created = demo_user(email=email, full_name=person, log=log)
                Membership.objects.get_or_create(
                    user=user, unit=unit, defaults={"role": Membership.Role.BOOKER}
                )
    return units


def _price_lists() -> None:
    general, _created = PriceList.objects.get_or_create(
        name="Yleinen hinnasto",
        organisation=None,
        defaults={"notes": "KoKoA ry:n suosituksen mukaan."},
    )
    association = Organisation.objects.get(name="Päihdetyön Tuki ry")
    reduced, _created = PriceList.objects.get_or_create(
        name="Järjestöhinnasto",
        organisation=association,
        defaults={"notes": "Yhteistyöjärjestöjen alennettu hinta, ei arvonlisäveroa."},
    )
    kinds = {kind.code: kind for kind in WorkKind.objects.all()}
    for code, price, unit, minimum, fee, fee_unit, prep, notice, cancel, expert_cancel in PRICES:
        if code not in kinds:
            continue
        common = {
            "client_unit": unit,
            "minimum_hours": Decimal(minimum),
            "expert_fee": Decimal(fee),
            "fee_unit": fee_unit,
            "preparation_hours": Decimal(prep),
            "notice_days": notice,
            "client_cancellation_fee": Decimal(cancel),
            "expert_cancellation_fee": Decimal(expert_cancel),
        }
        PriceRow.objects.get_or_create(
            price_list=general,
            work_kind=kinds[code],
            valid_from=date(2024, 1, 1),
            defaults={
                **common,
                "valid_until": date(2025, 12, 31),
                "client_price": money(Decimal(price) * Decimal("0.9")),
            },
        )
        PriceRow.objects.get_or_create(
            price_list=general,
            work_kind=kinds[code],
            valid_from=date(2026, 1, 1),
            defaults={**common, "client_price": Decimal(price)},
        )
        PriceRow.objects.get_or_create(
            price_list=reduced,
            work_kind=kinds[code],
            valid_from=date(2024, 1, 1),
            defaults={
                **common,
                "client_price": money(Decimal(price) * Decimal("0.8")),
                "vat_rate": Decimal("0"),
                "vat_exemption_text": EXEMPTION,
            },
        )


def _funding() -> FundingSource:
    source, _created = FundingSource.objects.get_or_create(
        code="STEA-C4521",
        defaults={
            "name": "Kokemus mukaan -hanke",
            "funder": "STEA",
            "budget": Decimal("40000.00"),
            "valid_from": date(2025, 1, 1),
            "valid_until": date(2027, 12, 31),
            "notes": "Korvaa kokemusasiantuntijoiden palkkiot vertaisryhmissä.",
        },
    )
    return source


def seed(*, log: Callable[[str], None]) -> None:
    units = _organisations(log)
    _price_lists()
    funding = _funding()
    builder = Builder(log=log)
    for spec in SPECS:
        unit = units[spec.unit]
        if Booking.objects.filter(unit=unit, title=spec.title).exists():
            continue
        builder.build(spec, unit, funding)
        log(f"created booking {spec.title}")
    demo_reports.seed(builder, log=log)
