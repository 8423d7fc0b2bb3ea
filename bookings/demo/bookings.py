"""Demo bookings of every kind in every status over the past and coming months, with offers
waiting for the demo expert.

The bookings are written straight to the tables (``seed_demo`` runs inside one transaction, so the
durable services cannot be used) but follow the lifecycle and its rules: terms frozen from the
price list in force, fees and cancellation amounts from ``bookings.money``, experts chosen by the
ranking (``bookings.matching``), history rows for every change, and no expert ever holds two
clashing gigs. Idempotent: a booking whose title already exists in its unit is left alone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.utils import timezone, translation

from bookings import money
from bookings.matching import rank_candidates
from bookings.models import (
    Assignment,
    Booking,
    BookingChange,
    FundingSource,
    Gig,
    Membership,
    Occurrence,
    Unit,
)
from bookings.selectors.schedule import clashing_gigs, travel_buffer
from bookings.services import notify
from bookings.services.requests import entered_on_behalf_note
from bookings.services.staffing import covered_note, sms_code_new
from bookings.services.terms import freeze_terms
from expertbank.demo import DEMO_DOMAIN
from expertbank.models import Message, User
from experts.models import ExperienceArea, Expert, Language, WorkKind

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
    # "offer": an open offer to the demo expert; "gig": she is on it; "covered": her offer was
    # closed when another expert filled the last seat
    anna: str = ""
    # declined, expired, withdrawn, rescheduled, late, funded, exact (any weekday), on_behalf (a
    # coordinator entered the request for the unit)
    extra: str = ""
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
    # came by phone: the coordinator entered it for the unit
    Spec("Asukasilta: kokemuspuheenvuoro asunnottomuudesta", "Aikuissosiaalityö, Tikkurila",
         BK.ONE_OFF, "talk", S.REQUESTED, 29, 17, size=40, areas=["homelessness"],
         extra="on_behalf", weekday=THU),
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
    Spec("Puheenvuoro: päihdetyön teemapäivä", "Päihde- ja mielenterveyspalvelut, Myyrmäki",
         BK.ONE_OFF, "talk", S.CONFIRMED, 17, 10, size=70, areas=["substance-use"],
         anna="covered", weekday=TUE),
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


# The brief by kind of work: purpose, what the experts are asked to share, a co-presenting
# professional, preparation (minutes), expenses paid besides travel, what to bring.
BRIEFS = {
    "talk": (
        "Henkilöstö kuulee, miltä palvelut näyttävät asiakkaan silmin, ja pohtii, mitä voisi "
        "tehdä toisin.",
        "Oma polku palveluihin: mikä auttoi, mikä vaikeutti ja mitä toivoisit työntekijöiltä.",
        "",
        30,
        "Lounas henkilöstöravintolassa.",
        "Ei mitään. Jos haluat näyttää kuvia, tuo ne muistitikulla.",
    ),
    "training": (
        "Koulutuspäivä työntekijöille: kohtaaminen ja luottamuksen rakentaminen asiakastyössä.",
        "Kokemuksia kohtaamisista, jotka auttoivat tai satuttivat, ja mitä niistä voi oppia.",
        "Päivi Laine, sosiaalityöntekijä",
        60,
        "Lounas ja iltapäiväkahvi.",
        "Omat muistiinpanot. Diat tehdään yhdessä suunnittelupalaverissa.",
    ),
    "customer-panel": (
        "Asiakasraati arvioi palvelun ja antaa kehittämisehdotuksia.",
        "Kokemuksesi palvelun asiakkaana: mikä toimii ja mitä pitäisi muuttaa.",
        "Jukka Mattila, palveluesihenkilö",
        20,
        "Kahvitarjoilu.",
        "Ei mitään.",
    ),
    "service-development": (
        "Kehitämme palvelupolkua yhdessä asiakkaiden kanssa.",
        "Mistä kohdista polulla putoaa ja mikä olisi auttanut pysymään mukana.",
        "Kehittämispäällikkö Riikka Saarinen",
        45,
        "Lounas työpäivinä.",
        "Kannettava tietokone, jos sinulla on.",
    ),
    "peer-support": (
        "Vertaistuki ryhmälle, joka on toipumisen alkuvaiheessa.",
        "Oma toipumisesi ja mikä arjessa auttoi jaksamaan.",
        "Ohjaaja Minna Karjalainen",
        15,
        "",
        "Ei mitään.",
    ),
    "co-teaching": (
        "Sosionomiopiskelijat oppivat kohtaamaan asiakkaan tasavertaisena.",
        "Kokemuksesi sosiaalipalveluista ja mitä toivoisit tulevilta ammattilaisilta.",
        "Lehtori Sanna Koivisto",
        60,
        "",
        "Ei mitään.",
    ),
    "media": (
        "Radio-ohjelma kokemusasiantuntijuudesta.",
        "Mitä kokemusasiantuntijuus sinulle merkitsee.",
        "",
        30,
        "",
        "Ei mitään.",
    ),
}


def demo_brief(work: str) -> dict:
    """The brief of a demo booking of this kind of work (the reports demo uses it too)."""
    values = BRIEFS.get(work, BRIEFS["talk"])
    return dict(zip(Booking.BRIEF_FIELDS, values, strict=True))


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

    def change(self, obj, booking, to, at, *, by=None, note="", from_status=None, fields=()):
        links = {}
        if isinstance(obj, Assignment):
            links = {"assignment": obj}
        elif isinstance(obj, Gig):
            links = {"gig": obj, "assignment_id": obj.assignment_id}
        BookingChange.objects.create(
            booking=booking,
            by=by,
            at=min(at, self.now),
            from_status=obj.status if from_status is None else from_status,
            to_status=to,
            note=note,
            **links,
        )
        obj.status = to
        obj.save(update_fields=["status", *fields])

    def free(self, expert: Expert, times) -> bool:
        return not clashing_gigs(expert_id=expert.pk, times=times).exists()

    def pick(self, booking: Booking, times, count: int, *, exclude=()) -> list[Expert]:
        """The best ranked candidates (the matching rules), then the rest of the pool in turn
        where the ranking finds too few for the demo's story."""
        occurrences = list(booking.occurrences.order_by("start", "pk"))
        asked = min(booking.created_at + timedelta(days=2), self.now)
        ranked = rank_candidates(booking, occurrences=occurrences, now=asked).ranked
        preferred = [candidate.expert for candidate in ranked]
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
            sms_code=sms_code_new(expert),
        )
        self.change(assignment, booking, Assignment.Status.OFFERED, at, by=self.coordinator)
        return assignment

    def accept(self, assignment, at) -> list[Gig]:
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
                fee_amount=money.gig_fee(
                    booking.terms,
                    start=occurrence.start,
                    end=occurrence.end,
                    expert=assignment.expert,
                ),
                status="",
            )
            self.change(gig, booking, Gig.Status.PLANNED, at, by=assignment.expert.user)
            gigs.append(gig)
        return gigs

    def build(self, spec: Spec, unit: Unit, funding: FundingSource | None) -> None:
        booking, times, created = self.create(spec, unit, funding)
        first, last = times[0][0], max(end for _start, end in times)
        if spec.status == S.REQUESTED:
            return
        self.staff(spec, booking, times, created, first, last)

    def create(self, spec: Spec, unit: Unit, funding: FundingSource | None):
        """The requested booking of ``spec`` with its frozen terms and times: (booking, times,
        when it was requested)."""
        times = _times(spec, self.today)
        first, last = times[0][0], max(end for _start, end in times)
        created = min(first - timedelta(days=30), self.now - timedelta(days=2))
        member = Membership.objects.filter(unit=unit).select_related("user").first()
        on_behalf = "on_behalf" in spec.extra  # nobody of the unit is its requester
        booking = Booking.objects.create(
            title=spec.title,
            unit=unit,
            requested_by=None if on_behalf else (member.user if member else self.coordinator),
            work_kind=WorkKind.objects.get(code=spec.work),
            language=Language.objects.filter(code="fi").first(),
            kind=spec.kind,
            place=unit.visiting_address,
            audience=spec.audience,
            audience_size=spec.size,
            experts_wanted=spec.experts,
            own_reference=f"VD-{1000 + SPECS.index(spec)}" if spec in SPECS else "VD-PARI",
            cost_centre=unit.cost_centre,
            contact_name=unit.contact_name or (member.user.full_name if member else ""),
            contact_phone=unit.contact_phone,
            notes="Kahvitarjoilu. Ilmoittaudu aulan infossa.",
            **demo_brief(spec.work),
            funding_source=funding if "funded" in spec.extra else None,
            status="",
            first_start=first,
            last_end=last,
            created_at=created,
        )
        booking.areas.set(ExperienceArea.objects.filter(slug__in=spec.areas))
        row = money.price_row_for(
            organisation_id=unit.organisation_id,
            work_kind_id=booking.work_kind_id,
            day=money.terms_day(first),
        )
        booking.terms = freeze_terms(
            booking, source=row, row=row, by=booking.requested_by or self.coordinator
        )
        booking.save(update_fields=["terms"])
        if booking.terms is not None:
            type(booking.terms).objects.filter(pk=booking.terms.pk).update(created_at=created)
        Occurrence.objects.bulk_create(
            Occurrence(booking=booking, start=s, end=e) for s, e in times
        )
        by = booking.requested_by
        if on_behalf and self.coordinator is not None:
            with translation.override("fi"):
                note = entered_on_behalf_note(self.coordinator)
            self.change(
                booking,
                booking,
                S.REQUESTED,
                created,
                by=self.coordinator,
                from_status="",
                note=note,
            )
        else:
            self.change(booking, booking, S.REQUESTED, created, by=by, from_status="")
        return booking, times, created

    def staff(self, spec: Spec, booking: Booking, times, created, first, last) -> None:
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
            self.accept(assignment, offered_at + timedelta(hours=20))
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
            self.reschedule(booking)
        if spec.status == S.CANCELLED:
            self.cancel(spec, booking, accepted, first)
        elif spec.status in (S.DELIVERED, S.CLOSED):
            self.deliver(spec, booking, last)

    def extras(self, spec, booking, times, offered_at, answer_by, accepted) -> None:
        others = [a.expert for a in accepted]
        if spec.anna == "offer" and self.anna is not None:
            self.offer(booking, self.anna, offered_at, answer_by)
        if spec.anna == "covered" and self.anna is not None and accepted:
            self.covered(booking, accepted[-1], offered_at, answer_by)
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

    def covered(self, booking, last, offered_at, answer_by) -> None:
        """The demo expert was offered the booking too; when ``last`` filled its last seat her
        offer closed at once with the kind message (``services.staffing.offers_close_covered``)."""
        assignment = self.offer(booking, self.anna, offered_at, answer_by)
        at = last.answered_at
        with translation.override("fi"):
            note = covered_note()
        self.change(assignment, booking, Assignment.Status.EXPIRED, at, note=note)
        notify.offer_closed(assignment, note)
        Message.objects.filter(key=f"booking-offer-closed:{assignment.pk}").update(
            status=Message.Status.SENT, created_at=at, sent_at=at, next_attempt_at=None
        )

    def withdraw(self, booking, assignment, times, answer_by) -> None:
        """Cover without blame (issue 17): the expert withdrew without a reason, and the seat was
        offered automatically (by the system, no coordinator) to the next on the reserve list."""
        at = self.now - timedelta(days=1)
        for gig in assignment.gigs.filter(start__gt=self.now):
            gig.fee_amount = 0
            gig.save(update_fields=["fee_amount"])
            self.change(gig, booking, Gig.Status.CANCELLED, at, by=assignment.expert.user)
        self.change(assignment, booking, Assignment.Status.WITHDRAWN, at, by=assignment.expert.user)
        taken = [a.expert for a in booking.assignments.all()]
        for expert in self.pick(booking, times, 1, exclude=taken):
            replacement = self.offer(booking, expert, at, answer_by)
            replacement.replacement_for = assignment
            replacement.offered_by = None
            replacement.save(update_fields=["replacement_for", "offered_by"])

    def reschedule(self, booking) -> None:
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
        BookingChange.objects.create(
            booking=booking,
            by=self.coordinator,
            at=at,
            kind=BookingChange.Kind.RESCHEDULED,
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
                fee_amount=money.gig_fee(
                    booking.terms, start=new_start, end=new_end, expert=gig.expert
                ),
                time_confirmed=False,
                previous=gig,
                status="",
            )
            self.change(moved, booking, Gig.Status.PLANNED, at, by=self.coordinator, note=note)

    def cancel(self, spec, booking, accepted, first) -> None:
        late = "late" in spec.extra
        at = first - timedelta(days=2) if late else min(self.now, first - timedelta(days=20))
        charged = money.cancellation_terms(booking, now=at) if late and accepted else None
        gigs = list(
            Gig.objects.filter(booking=booking, status=Gig.Status.PLANNED).select_related("expert")
        )
        fees = money.expert_cancellation_fees(gigs, terms=booking.terms, late=late)
        for gig in gigs:
            gig.late_cancelled = late
            gig.fee_amount = fees[gig.pk]
            gig.save(update_fields=["late_cancelled", "fee_amount"])
            self.change(
                gig, booking, Gig.Status.CANCELLED, at, by=booking.requested_by, note=spec.reason
            )
        for assignment in booking.assignments.filter(status=Assignment.Status.OFFERED):
            self.change(
                assignment, booking, Assignment.Status.EXPIRED, at, note="Varaus peruttiin."
            )
        booking.cancelled_late = late
        booking.cancellation_fee = charged.client_fee if charged else None
        booking.save(update_fields=["cancelled_late", "cancellation_fee"])
        self.change(booking, booking, S.CANCELLED, at, by=booking.requested_by, note=spec.reason)

    def deliver(self, spec, booking, last) -> None:
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
        # A "closed" booking's gigs are all approved: the fee payments of the demo pay them
        # (``invoicing.demo``), and paying the last one closes the booking, as in real life.
