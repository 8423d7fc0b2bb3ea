"""Demo training data, made through the training services so it is what real use leaves behind
(their ``_impl`` functions: ``seed_demo`` runs every app's demo in one transaction):

- a finished basic-training cohort whose graduates are certified experts (the demo experts of
  the experts app, found by e-mail, plus two more);
- a running cohort taught by the demo trainer, with sessions (one of them today), attendance
  so far and today's list still to tick;
- an open cohort with applications waiting for a decision;
- two work-supervision groups; in each, one expert has not attended for months.

Each part is keyed on its cohort's name: a second run changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from expertbank.demo import DEMO_DOMAIN
from expertbank.models import User
from experts.models import ExperienceArea, Expert, PrivacyNotice
from experts.services.pool import expert_create_impl, expert_update_impl
from training.models import Application, Attendance, Cohort, Enrollment, Programme, Session
from training.services.applications import (
    application_accept_impl,
    application_interview_record_impl,
    application_reject_impl,
    application_submit_impl,
)
from training.services.enrollments import (
    attendance_mark_impl,
    enrollment_complete_impl,
    enrollment_create_impl,
    enrollment_status_set_impl,
    final_assignment_set_impl,
)

FINISHED = "Peruskoulutus, ryhmä A"
RUNNING = "Peruskoulutus, ryhmä B"
OPEN = "Peruskoulutus, ryhmä C"
SUPERVISION_GROUPS = [
    ("Työnohjausryhmä, Tikkurila", "Tikkurilan kirjasto, ryhmähuone 2"),
    ("Työnohjausryhmä, Helsinki", "Kalliolan setlementti, Helsinki"),
]
# Cohort names and descriptions in Swedish and English: name -> (sv, en, description sv, en)
TRANSLATIONS = {
    "Peruskoulutus, ryhmä A": ("Grundutbildning, grupp A", "Basic training, group A", "", ""),
    "Peruskoulutus, ryhmä B": ("Grundutbildning, grupp B", "Basic training, group B", "", ""),
    "Peruskoulutus, ryhmä C": (
        "Grundutbildning, grupp C",
        "Basic training, group C",
        "Tio utbildningsdagar varannan tisdag kl. 9–14. Utbildningen är avgiftsfri och "
        "resekostnaderna ersätts.",
        "Ten training days, every other Tuesday 9–14. The training is free of charge, and travel "
        "costs are paid.",
    ),
    "Työnohjausryhmä, Tikkurila": (
        "Arbetshandledningsgrupp, Dickursby",
        "Work supervision group, Tikkurila",
        "",
        "",
    ),
    "Työnohjausryhmä, Helsinki": (
        "Arbetshandledningsgrupp, Helsingfors",
        "Work supervision group, Helsinki",
        "",
        "",
    ),
}
LAPSED = f"mikko.makinen@{DEMO_DOMAIN}"  # has not come to supervision for months
PLACE = "Järjestötalo, Unikkotie 2, Vantaa"

BASIC_TOPICS = [
    "Tutustuminen ja kokemusasiantuntijuuden perusteet",
    "Oma tarina ja sen rajaaminen",
    "Vuorovaikutus ja esiintyminen",
    "Palvelujärjestelmä ja sen kehittäminen",
    "Asiakasraadit ja yhteiskehittäminen",
    "Eettisyys, vaitiolo ja tietosuoja",
    "Jaksaminen ja oma hyvinvointi",
    "Kokemusasiantuntija ammattilaisten koulutuksessa",
    "Palkkiot, verotus ja sopimukset",
    "Lopputyöt ja päätöstilaisuus",
]

# Graduates of the finished cohort: the experts app's demo experts where they exist, and two
# more. e-mail, name, language, municipality
GRADUATES = [
    (f"asiantuntija@{DEMO_DOMAIN}", "Anna Korhonen", "fi", "Vantaa"),
    (f"mikko.makinen@{DEMO_DOMAIN}", "Mikko Mäkinen", "fi", "Helsinki"),
    (f"johanna.lindholm@{DEMO_DOMAIN}", "Johanna Lindholm", "sv", "Espoo"),
    (f"sari.koskinen@{DEMO_DOMAIN}", "Sari Koskinen", "fi", "Vantaa"),
    (f"timo.hamalainen@{DEMO_DOMAIN}", "Timo Hämäläinen", "fi", "Kerava"),
]
DROPPED_OUT = (f"jari.lehto@{DEMO_DOMAIN}", "Jari Lehto", "fi", "Vantaa")

# Participants of the running cohort: e-mail, name, language, municipality, areas
RUNNING_PEOPLE = [
    (f"kaisa.heinonen@{DEMO_DOMAIN}", "Kaisa Heinonen", "fi", "Vantaa", ["mental-health"]),
    (f"markku.salo@{DEMO_DOMAIN}", "Markku Salo", "fi", "Helsinki", ["substance-use"]),
    (f"elina.jarvinen@{DEMO_DOMAIN}", "Elina Järvinen", "fi", "Vantaa", ["child-welfare"]),
    (f"ahmed.hassan@{DEMO_DOMAIN}", "Ahmed Hassan", "fi", "Espoo", ["social-services"]),
    (f"petra.lindqvist@{DEMO_DOMAIN}", "Petra Lindqvist", "sv", "Sipoo", ["mental-health"]),
    (
        f"tuomas.karjalainen@{DEMO_DOMAIN}",
        "Tuomas Karjalainen",
        "fi",
        "Kerava",
        ["homelessness", "substance-use"],
    ),
]

# Applicants to the open cohort: name, e-mail, phone, municipality, areas, availability, note,
# language, motivation
APPLICANTS = [
    (
        "Tiina Laaksonen",
        "tiina.laaksonen@example.net",
        "040 718 2291",
        "Espoo",
        ["mental-health"],
        "all",
        "",
        "fi",
        "Sairastuin masennukseen kymmenen vuotta sitten ja olen nyt hyvässä kunnossa. Haluan "
        "kertoa, mikä hoidossa auttoi ja mikä ei, jotta palvelut paranisivat.",
    ),
    (
        "Jari Heikkinen",
        "jari.heikkinen@example.net",
        "050 339 4410",
        "Vantaa",
        ["substance-use", "criminal-sanctions"],
        "most",
        "Työvuoro yhtenä tiistaina kuukaudessa.",
        "fi",
        "Olen ollut raittiina kuusi vuotta ja käynyt läpi vankilan ja kuntoutuksen. Haluan "
        "näyttää nuorille, että muutos on mahdollinen.",
    ),
    (
        "Aino Salminen",
        "aino.salminen@example.net",
        "044 902 1187",
        "Helsinki",
        ["child-welfare", "youth"],
        "all",
        "",
        "fi",
        "Kasvoin lastensuojelun sijaishuollossa. Haluan auttaa ammattilaisia ymmärtämään, "
        "miltä sijoitus tuntuu lapsesta.",
    ),
    (
        "Pekka Rantanen",
        "pekka.rantanen@example.net",
        "045 671 3302",
        "Kerava",
        ["homelessness", "substance-use"],
        "unsure",
        "Kuntoutusjakso voi osua alkukevääseen.",
        "fi",
        "Olin asunnoton kolme vuotta. Asunto ensin -periaate muutti elämäni, ja haluan kertoa "
        "siitä päättäjille.",
    ),
    (
        "Henrik Sjöberg",
        "henrik.sjoberg@example.net",
        "040 551 8820",
        "Sibbo",
        ["mental-health"],
        "all",
        "",
        "sv",
        "Jag har levt med bipolär sjukdom i femton år. Jag vill bidra till att vården blir "
        "bättre också på svenska.",
    ),
]
NOT_ACCEPTED = (
    "Marko Laitinen",
    "marko.laitinen@example.net",
    "040 112 9034",
    "Tuusula",
    ["gambling"],
    "unsure",
    "",
    "fi",
    "Haluaisin kertoa rahapeliongelmasta.",
)


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _sessions(
    cohort: Cohort, *, first: date, every_days: int, topics: list[str], hours=(9, 14)
) -> list[Session]:
    return [
        Session.objects.create(
            cohort=cohort,
            starts_at=_at(first + timedelta(days=every_days * i), hours[0]),
            ends_at=_at(first + timedelta(days=every_days * i), hours[1]),
            topic=topic,
            place=cohort.place,
        )
        for i, topic in enumerate(topics)
    ]


def _before(sessions: list[Session], day: date) -> list[Session]:
    return [s for s in sessions if timezone.localdate(s.starts_at) < day]


def _expert(email: str, name: str, language: str, municipality: str, *, by) -> Expert | None:
    """The expert with this e-mail (the experts demo made the known ones), or a new one."""
    user = User.objects.filter(email=email).first()
    if user is not None:
        return Expert.objects.filter(user=user).first()
    return expert_create_impl(
        email=email,
        full_name=name,
        by=by,
        language=language,
        invite=False,
        status=Expert.Status.IN_TRAINING,
        municipality=municipality,
    )


def _areas(slugs: list[str]) -> list[ExperienceArea]:
    return list(ExperienceArea.objects.filter(slug__in=slugs))


def seed(*, log: Callable[[str], None]) -> None:
    coordinator = User.objects.filter(email=f"koordinaattori@{DEMO_DOMAIN}").first()
    trainer = User.objects.filter(email=f"kouluttaja@{DEMO_DOMAIN}").first()
    programmes = {p.code: p for p in Programme.objects.all()}
    today = timezone.localdate()
    _finished_cohort(programmes["basic"], trainer, coordinator, today, log)
    # Pairs (issue 17): from now on a newly certified expert's first three gigs are done
    # beside an experienced one (the finished cohort's graduates came before the setting).
    Programme.objects.filter(code="basic", paired_gigs=0).update(paired_gigs=3)
    _running_cohort(programmes["basic"], trainer, coordinator, today, log)
    _open_cohort(programmes["basic"], trainer, coordinator, today, log)
    _supervision_groups(programmes["supervision"], trainer, coordinator, today, log)
    _translations(log)


def _translations(log) -> None:
    """The demo cohorts' names and descriptions in Swedish and English (only where empty)."""
    for cohort in Cohort.objects.filter(name__in=TRANSLATIONS):
        values = dict(
            zip(
                ("name_sv", "name_en", "description_sv", "description_en"),
                TRANSLATIONS[cohort.name],
                strict=True,
            )
        )
        missing = {f: v for f, v in values.items() if v and not getattr(cohort, f)}
        if missing:
            Cohort.objects.filter(pk=cohort.pk).update(**missing)
            log(f"translated {cohort.name}")


def _finished_cohort(programme, trainer, coordinator, today, log) -> None:
    if Cohort.objects.filter(name=FINISHED).exists():
        return
    people = [_expert(*row, by=coordinator) for row in GRADUATES]
    # Nobody is certified before finishing: the cohort ended on the earliest certification
    # date the experts demo already gave (the others are certified on completion).
    earlier = [e.certified_on for e in people if e is not None and e.certified_on]
    last = min([*earlier, today - timedelta(days=120)])
    first = last - timedelta(days=14 * (len(BASIC_TOPICS) - 1))
    cohort = Cohort.objects.create(
        programme=programme,
        name=FINISHED,
        starts_on=first,
        ends_on=last,
        place=PLACE,
        capacity=12,
    )
    if trainer:
        cohort.trainers.add(trainer)
    sessions = _sessions(cohort, first=first, every_days=14, topics=BASIC_TOPICS)
    graduates = [
        enrollment_create_impl(cohort=cohort, expert=expert, by=coordinator)
        for expert in people
        if expert is not None
    ]
    dropped_expert = _expert(*DROPPED_OUT, by=coordinator)
    dropped = (
        enrollment_create_impl(cohort=cohort, expert=dropped_expert, by=coordinator)
        if dropped_expert
        else None
    )
    marker = trainer or coordinator
    for number, session in enumerate(sessions):
        marks = {e.pk: Attendance.Status.PRESENT for e in graduates}
        if number == 3 and graduates:  # one graduate missed a session and still passed
            marks[graduates[-1].pk] = Attendance.Status.EXCUSED
        if number < 3 and dropped:
            marks[dropped.pk] = Attendance.Status.PRESENT
        attendance_mark_impl(session=session, by=marker, marks=marks, now=session.ends_at)
    if dropped:
        enrollment_status_set_impl(
            enrollment=dropped,
            to=Enrollment.Status.DROPPED,
            by=coordinator,
            note="Muutti toiselle paikkakunnalle.",
        )
        if dropped_expert.status == Expert.Status.IN_TRAINING:
            expert_update_impl(expert=dropped_expert, by=coordinator, status=Expert.Status.PAUSED)
    for enrollment in graduates:
        final_assignment_set_impl(enrollment=enrollment, by=marker, accepted=True, on=last)
        enrollment_complete_impl(enrollment=enrollment, by=marker, on=last)
    log(f"created {FINISHED} with {len(graduates)} graduates")


def _running_cohort(programme, trainer, coordinator, today, log) -> None:
    if Cohort.objects.filter(name=RUNNING).exists():
        return
    first = today - timedelta(days=28)
    cohort = Cohort.objects.create(
        programme=programme,
        name=RUNNING,
        starts_on=first,
        ends_on=first + timedelta(days=7 * (len(BASIC_TOPICS) - 1)),
        place=PLACE,
        capacity=10,
    )
    if trainer:
        cohort.trainers.add(trainer)
    sessions = _sessions(cohort, first=first, every_days=7, topics=BASIC_TOPICS)
    notice = PrivacyNotice.current()
    enrollments = []
    for email, name, language, municipality, areas in RUNNING_PEOPLE:
        if User.objects.filter(email=email).exists():
            continue
        application = Application.objects.create(
            cohort=cohort,
            full_name=name,
            email=email,
            phone="040 000 0000",
            municipality=municipality,
            motivation="Haluan käyttää kokemustani muiden hyväksi.",
            availability=Application.Availability.ALL,
            language=language,
            notice=notice,
            consented_at=timezone.now() - timedelta(days=60),
            created_at=timezone.now() - timedelta(days=60),
        )
        application.areas.set(_areas(areas))
        enrollments.append(application_accept_impl(application=application, by=coordinator))
    marker = trainer or coordinator
    pattern = ["present", "present", "absent", "present", "excused", "present"]
    for number, session in enumerate(_before(sessions, today)):
        marks = {
            e.pk: pattern[(i + number) % len(pattern)] if number else Attendance.Status.PRESENT
            for i, e in enumerate(enrollments)
        }
        attendance_mark_impl(session=session, by=marker, marks=marks, now=session.ends_at)
    log(f"created {RUNNING} with {len(enrollments)} participants")


def _open_cohort(programme, trainer, coordinator, today, log) -> None:
    if Cohort.objects.filter(name=OPEN).exists():
        return
    first = today + timedelta(days=45)
    cohort = Cohort.objects.create(
        programme=programme,
        name=OPEN,
        starts_on=first,
        ends_on=first + timedelta(days=14 * (len(BASIC_TOPICS) - 1)),
        place=PLACE,
        capacity=14,
        open_for_applications=True,
        application_deadline=today + timedelta(days=30),
        description=(
            "Kymmenen koulutuspäivää joka toinen tiistai klo 9–14. Koulutus on maksuton, ja "
            "matkakulut korvataan."
        ),
    )
    if trainer:
        cohort.trainers.add(trainer)
    _sessions(cohort, first=first, every_days=14, topics=BASIC_TOPICS)
    notice = PrivacyNotice.current()
    if notice is None:
        return
    applications = {}
    for name, email, phone, town, areas, availability, note, language, motivation in [
        *APPLICANTS,
        NOT_ACCEPTED,
    ]:
        applications[name] = application_submit_impl(
            cohort=cohort,
            full_name=name,
            email=email,
            phone=phone,
            municipality=town,
            areas=_areas(areas),
            motivation=motivation,
            availability=availability,
            availability_note=note,
            language=language,
            notice=notice,
        )
    if coordinator:
        application_interview_record_impl(
            application=applications["Jari Heikkinen"],
            by=coordinator,
            interview_at=_at(today - timedelta(days=3), 13),
            notes="Vahva motivaatio ja selkeä tarina. Raittiutta kuusi vuotta, tukiverkosto "
            "kunnossa. Puoltaa hyväksymistä.",
        )
        application_reject_impl(
            application=applications["Marko Laitinen"],
            by=coordinator,
            message="Toivomme, että haet uudelleen, kun toipumisesta on kulunut pidempi aika.",
        )
    log(f"created {OPEN} with {len(APPLICANTS)} applications waiting")


def _supervision_groups(programme, trainer, coordinator, today, log) -> None:
    """Two groups of ten, meeting monthly; the finished cohort's graduates first. One expert in
    each group has stopped coming, so the work queue flags them."""
    taken = set(
        Enrollment.objects.filter(cohort__programme__kind=Programme.Kind.SUPERVISION).values_list(
            "expert", flat=True
        )
    )
    graduates = [row[0] for row in GRADUATES]
    candidates = sorted(
        Expert.objects.filter(status=Expert.Status.ACTIVE, certified_on__isnull=False)
        .exclude(pk__in=taken)
        .select_related("user"),
        key=lambda e: (e.user.email not in graduates, e.pk),
    )
    marker = trainer or coordinator
    for index, (name, place) in enumerate(SUPERVISION_GROUPS):
        if Cohort.objects.filter(name=name).exists():
            continue
        first = today - timedelta(days=180 - 7 * index)
        cohort = Cohort.objects.create(
            programme=programme, name=name, starts_on=first, place=place, capacity=10
        )
        if trainer:
            cohort.trainers.add(trainer)
        topics = [f"Työnohjaus {n}" for n in range(1, 9)]  # the last one is still to come
        sessions = _sessions(cohort, first=first, every_days=30, topics=topics, hours=(16, 18))
        members = [
            enrollment_create_impl(cohort=cohort, expert=expert, by=coordinator)
            for expert in candidates[index * 10 : index * 10 + 10]
        ]
        away = next((e for e in members if e.expert.user.email == LAPSED), None)
        away = away or (members[-1] if members else None)
        for number, session in enumerate(_before(sessions, today)):
            marks = {
                e.pk: Attendance.Status.ABSENT
                if e == away and number > 0
                else Attendance.Status.PRESENT
                for e in members
            }
            attendance_mark_impl(session=session, by=marker, marks=marks, now=session.ends_at)
        log(f"created {name} with {len(members)} members")
