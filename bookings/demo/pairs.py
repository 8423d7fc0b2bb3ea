"""Demo of pairs (issue 17): two experts certified a month ago do their first three gigs beside
an experienced partner. Each has one gig done in a pair (reported, with the debrief the
coordinator recorded once for both) and one coming (confirmed, both on it). The demo login's
expert, Anna Korhonen, partners one of them when she is free.

Written straight to the tables like the other bookings (``seed_demo`` runs in one transaction)
with the ``Builder``'s history rows. The experts' "first gigs in a pair" is what completing the
basic programme copies onto a new expert (``training.services``); here it is set as that copy
would be. Idempotent: nothing is made twice.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, time, timedelta

from bookings.demo.bookings import BK, Builder, S, Spec, _times
from bookings.models import Assignment, Booking, Unit
from bookings.selectors.pairs import gigs_done
from expertbank.demo import DEMO_DOMAIN
from expertbank.models import User
from experts.models import BookerKind, ExperienceArea, Expert, Language, PrivacyNotice, WorkKind
from experts.services.availability import slot_add_impl
from experts.services.consent import consent_give_impl, disclosure_set_impl
from experts.services.pool import expert_create_impl, expert_update_impl

PAIRED_GIGS = 3  # the basic programme's first gigs in a pair (training.demo sets the same)
CERTIFIED_DAYS_AGO = 30

# e-mail, name, municipality, area, bio; then the two bookings: (title, unit, kind of work,
# days from today, hour) done and coming
NEW_EXPERTS = [
    (
        f"elina.virtanen@{DEMO_DOMAIN}",
        "Elina Virtanen",
        "Vantaa",
        "mental-health",
        "Masennuksesta toipuminen ja paluu opintoihin.",
        ("Pienryhmä: mielenterveys ja opiskelu", "Opiskeluhuolto", "peer-support", -13, 13),
        ("Puheenvuoro: jaksaminen opinnoissa", "Opiskeluhuolto", "talk", 9, 12),
    ),
    (
        f"petri.koskela@{DEMO_DOMAIN}",
        "Petri Koskela",
        "Kerava",
        "substance-use",
        "Päihteistä irti ja työelämään: mikä auttoi ja mikä ei.",
        (
            "Puheenvuoro: päihdetyön aamupäivä",
            "Päihde- ja mielenterveyspalvelut, Myyrmäki",
            "talk",
            -9,
            10,
        ),
        (
            "Koulutus: kohtaaminen päihdeasiakkaan kanssa",
            "Aikuissosiaalityö, Tikkurila",
            "training",
            12,
            9,
        ),
    ),
]

DEBRIEF = (
    "Purku puhelimessa seuraavana päivänä molempien kanssa. Puheenvuoro sujui hyvin; jaoitte "
    "vuorot luontevasti. Seuraavalla kerralla uusi asiantuntija aloittaa ja kokenut täydentää."
)


def _new_expert(email, name, municipality, area, bio, *, today: date) -> Expert:
    user = User.objects.filter(email=email).first()
    if user is not None:
        return Expert.objects.get(user=user)
    expert = expert_create_impl(
        email=email, full_name=name, by=None, language="fi", invite=False, municipality=municipality
    )
    expert_update_impl(
        expert=expert,
        by=None,
        region="Uusimaa",
        shown_as=Expert.ShownAs.NAME,
        areas=list(ExperienceArea.objects.filter(slug=area)),
        languages=list(Language.objects.filter(code="fi")),
        work_kinds=list(WorkKind.objects.filter(code__in=["talk", "training", "peer-support"])),
        bio=bio,
        status=Expert.Status.ACTIVE,
        status_since=today - timedelta(days=CERTIFIED_DAYS_AGO),
        certified_on=today - timedelta(days=CERTIFIED_DAYS_AGO),
        paired_gigs_required=PAIRED_GIGS,
    )
    for weekday in range(5):
        slot_add_impl(expert=expert, by=None, weekday=weekday, start=time(8), end=time(18))
    if PrivacyNotice.current() is not None:
        consent_give_impl(expert=expert, by=None)
        kinds = [BookerKind.CITY, BookerKind.WELLBEING_COUNTY, BookerKind.ASSOCIATION]
        disclosure_set_impl(
            expert=expert,
            by=None,
            pairs=[(a.pk, kind) for a in expert.areas.all() for kind in kinds],
        )
    expert.refresh_from_db()
    return expert


def _partner(builder: Builder, new: Expert, times: list, taken: set[int]) -> Expert | None:
    """The most experienced expert of the pool (most gigs done) who shares an area with
    ``new``, is not in pairs and is free at every time of both bookings; Anna first when she
    can."""
    areas = set(new.areas.values_list("pk", flat=True))
    pool = [
        e
        for e in builder.pool
        if e.pk != new.pk
        and e.pk not in taken
        and not e.paired_gigs_required
        and areas & set(e.areas.values_list("pk", flat=True))
    ]
    done = gigs_done(e.pk for e in pool)
    pool.sort(key=lambda e: (e != builder.anna, -done.get(e.pk, (0, 0))[0], e.pk))
    return next((e for e in pool if builder.free(e, times)), None)


def _pair_booking(builder, spec, unit, new, partner, *, done: bool) -> Booking:
    booking, times, created = builder.create(spec, unit, None)
    first, last = times[0][0], max(end for _start, end in times)
    offered_at = created + timedelta(days=2)
    answer_by = min(first - timedelta(hours=2), builder.now + timedelta(days=3))
    by = builder.coordinator
    builder.change(booking, booking, S.STAFFING, offered_at, by=by)
    mine = builder.offer(booking, new, offered_at, answer_by)
    theirs = builder.offer(booking, partner, offered_at, answer_by)
    theirs.partner_of = mine
    theirs.save(update_fields=["partner_of"])
    builder.accept(mine, offered_at + timedelta(hours=6))
    builder.accept(theirs, offered_at + timedelta(hours=20))
    builder.change(booking, booking, S.CONFIRMED, offered_at + timedelta(days=1), by=by)
    if done:
        builder.change(booking, booking, S.DELIVERED, last + timedelta(minutes=20))
        for gig in booking.gigs.order_by("pk"):
            reported = gig.end + timedelta(days=1)
            builder.change(gig, booking, "reported", reported, by=gig.expert.user)
            builder.change(gig, booking, "approved", reported + timedelta(days=2), by=by)
        Assignment.objects.filter(pk=mine.pk).update(pair_debrief=DEBRIEF)
    return booking


def seed(builder: Builder, units: dict[str, Unit], *, log: Callable[[str], None]) -> None:
    taken: set[int] = set()
    for email, name, municipality, area, bio, past, coming in NEW_EXPERTS:
        new = _new_expert(email, name, municipality, area, bio, today=builder.today)
        specs = [
            Spec(title, unit, BK.ONE_OFF, work, S.CONFIRMED, day, hour, 90, areas=[area])
            for title, unit, work, day, hour in (past, coming)
        ]
        if Booking.objects.filter(assignments__expert=new).exists():
            continue
        times = [t for spec in specs for t in _times(spec, builder.today)]
        partner = _partner(builder, new, times, taken)
        if partner is None or not builder.free(new, times):
            log(f"no free experienced partner for {name}: no pair in the demo")
            continue
        taken.add(partner.pk)
        for spec, done in zip(specs, (True, False), strict=True):
            _pair_booking(builder, spec, units[spec.unit], new, partner, done=done)
            log(f"created pair booking {spec.title}: {name} with {partner.name}")
