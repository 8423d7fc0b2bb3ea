"""The demo customer panel: "Helsingin lastensuojelun asiakasraati 2026–2027" of the wellbeing
services county's child welfare unit, with eight members of many ages and regions (the demo expert
Anna among them), three past meetings with attendance and minutes, two more to come, two changes
the organiser made because of the panel and three applications waiting in the open call.

Made through the panel services' ``*_impl`` functions (``seed_demo`` runs in one transaction);
the approvals of the first two meetings are written as the demo's other approved gigs are.
Idempotent: a panel of that name is left alone.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from bookings.models import (
    Booking,
    Gig,
    GigReport,
    Membership,
    Panel,
    PanelApplication,
    PanelMeeting,
    PanelMember,
    Unit,
)
from bookings.money import report_amounts
from bookings.services.common import BookingError, change_status
from bookings.services.panels import (
    Criterion,
    panel_application_choose_impl,
    panel_attendance_record_impl,
    panel_change_add_impl,
    panel_create_impl,
    panel_meeting_add_impl,
    panel_member_add_impl,
)
from expertbank.demo import DEMO_DOMAIN, demo_user
from expertbank.models import User
from experts.models import ConsentRecord, Expert, PrivacyNotice

NAME = "Helsingin lastensuojelun asiakasraati 2026–2027"
UNIT = "Lastensuojelu, Korso"
AGE, REGION, SERVICE = "Ikäryhmä", "Alue", "Kokemus palvelusta"
CRITERIA = [
    Criterion(AGE, ("15–17", "18–24", "25–39", "40 tai yli")),
    Criterion(REGION, ("Pohjoinen", "Itä", "Länsi", "Keskusta")),
    Criterion(SERVICE, ("Nuori asiakas", "Vanhempi", "Sijaisperhe", "Jälkihuolto")),
]
# name, e-mail, age group, region, service experience (the seven who came by the open call)
MEMBERS = [
    ("Emilia Saarinen", "emilia.saarinen", "18–24", "Itä", "Jälkihuolto"),
    ("Jari Nieminen", "jari.nieminen", "40 tai yli", "Pohjoinen", "Vanhempi"),
    ("Aino Kallio", "aino.kallio", "15–17", "Keskusta", "Nuori asiakas"),
    ("Tuomas Hirvonen", "tuomas.hirvonen", "25–39", "Länsi", "Vanhempi"),
    ("Sirpa Lindqvist", "sirpa.lindqvist", "40 tai yli", "Länsi", "Sijaisperhe"),
    ("Oskari Mäkelä", "oskari.makela", "18–24", "Pohjoinen", "Jälkihuolto"),
    ("Leena Turunen", "leena.turunen", "25–39", "Itä", "Vanhempi"),
]
WHY = [
    "Olin itse huostaanotettuna ja haluan, että nuorten ääni kuuluu.",
    "Perheemme sai tukea lastensuojelusta. Haluan kertoa, mikä auttoi ja mikä ei.",
    "Haluan vaikuttaa siihen, miten nuorille kerrotaan päätöksistä.",
    "Isänä koin, ettei minua kuultu. Haluan muuttaa sitä.",
    "Olen ollut sijaisvanhempi kymmenen vuotta.",
    "Jälkihuollosta on paljon sanottavaa, hyvää ja huonoa.",
    "Haluan auttaa tekemään kirjeistä ymmärrettäviä.",
]
WAITING = [
    (
        "Venla Koskinen",
        "venla.koskinen@example.fi",
        "15–17",
        "Pohjoinen",
        "Nuori asiakas",
        "Haluan, että nuoria kuunnellaan palavereissa.",
    ),
    (
        "Mikael Rantanen",
        "mikael.rantanen@example.fi",
        "25–39",
        "Keskusta",
        "Jälkihuolto",
        "Jälkihuollon aikana olisin tarvinnut enemmän tietoa asumisesta.",
    ),
    (
        "Hanna Peltola",
        "hanna.peltola@example.fi",
        "40 tai yli",
        "Itä",
        "Vanhempi",
        "Haluan kertoa, miltä ensimmäinen yhteydenotto tuntui vanhemmasta.",
    ),
]
# fmt: off
MEETINGS = [  # days from today, topic, minutes
    (-200, "Raadin aloitus ja toiveet", "Raati tutustui toisiinsa ja lastensuojelun "
     "palveluihin. Toiveiksi nousivat selkeämmät kirjeet ja se, että nuori saa tietää, kuka on "
     "hänen työntekijänsä."),
    (-110, "Asiakaskirjeet", "Raati luki kolme päätöskirjettä. Kirjeet koettiin vaikeiksi: "
     "pitkiä lauseita ja lakiviittauksia. Ehdotus: tiivistelmä kirjeen alkuun selkokielellä."),
    (-20, "Nuoren osallisuus palavereissa", "Nuoret kertoivat, että palaverit tuntuvat "
     "aikuisten keskusteluilta. Ehdotus: nuori saa valita, kuka on mukana ja missä tavataan."),
    (40, "Jälkihuollon asumisen tuki", ""),
    (130, "Vuoden yhteenveto", ""),
]
# fmt: on
ATTENDED = [(0, 1, 2, 3, 4, 5, 6, 7), (0, 1, 2, 4, 5, 7), (0, 1, 3, 4, 6, 7)]
CHANGES = [
    (
        1,
        -80,
        "Päätöskirjeiden alkuun lisättiin selkokielinen tiivistelmä: mitä päätettiin ja "
        "mitä seuraavaksi tapahtuu.",
    ),
    (
        2,
        -5,
        "Nuorelle annetaan ennen palaveria lomake, jolla hän valitsee osallistujat ja "
        "tapaamispaikan.",
    ),
]


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def seed(*, log: Callable[[str], None]) -> None:
    if Panel.objects.filter(name_fi=NAME).exists():
        return
    unit = Unit.objects.filter(name=UNIT).select_related("organisation").first()
    notice = PrivacyNotice.current()
    anna = Expert.objects.filter(user__email=f"asiantuntija@{DEMO_DOMAIN}").first()
    if unit is None or notice is None:
        return
    organiser = (
        Membership.objects.filter(unit__organisation=unit.organisation)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    by = organiser.user if organiser else None
    coordinator = User.objects.filter(email=f"koordinaattori@{DEMO_DOMAIN}").first()
    today = timezone.localdate()
    panel = panel_create_impl(
        unit=unit,
        by=by,
        name_fi=NAME,
        name_sv="Helsingfors barnskyddets kundråd 2026–2027",
        name_en="Helsinki child welfare customer panel 2026–2027",
        purpose=(
            "Raati tuo lastensuojelun asiakkaiden ja perheiden kokemukset palvelujen "
            "kehittämiseen. Raati kokoontuu 4–5 kertaa vuodessa ja arvioi esimerkiksi "
            "asiakaskirjeitä, palavereja ja jälkihuoltoa."
        ),
        term_start=date(today.year if today.month > 6 else today.year - 1, 1, 1),
        term_end=date(today.year + 1 if today.month > 6 else today.year, 12, 31),
        meetings_per_year=5,
        place="Urpiaisentie 14, 01450 Vantaa, kokoushuone Kuusi",
        criteria=CRITERIA,
        call_open=True,
    )
    # Every demo booking carries a brief: what the members bring to the meetings.
    Booking.objects.filter(pk=panel.booking_id).update(
        share_topics=(
            "Oma tai perheen kokemus lastensuojelun asiakkuudesta: mikä auttoi, mikä ei, ja "
            "miten asiakaskirjeet ja palaverit voisi tehdä toisin."
        )
    )
    members = _members(panel, notice, anna, by=by or coordinator, log=log)
    meetings = _meetings(panel, by=by, today=today)
    for index, (meeting, attended) in enumerate(zip(meetings, ATTENDED, strict=False)):
        panel_attendance_record_impl(
            meeting=meeting,
            attended={members[i].pk for i in attended if i < len(members)},
            by=by,
            at=meeting.occurrence.end + timedelta(hours=1),
        )
        meeting.minutes_text = MEETINGS[index][2]
        meeting.save(update_fields=["minutes_text"])
        if index < 2:
            _approve(meeting, coordinator)
    for meeting_index, days, text in CHANGES:
        if meeting_index < len(meetings):
            panel_change_add_impl(
                panel=panel,
                day=today + timedelta(days=days),
                change=text,
                meeting=meetings[meeting_index],
                by=by,
            )
    for name, email, age, region, service, why in WAITING:
        PanelApplication.objects.create(
            panel=panel,
            full_name=name,
            email=email,
            answers={AGE: age, REGION: region, SERVICE: service},
            why=why,
            notice=notice,
            submitted_at=timezone.now() - timedelta(days=len(why) % 9 + 1),
        )
    log(f"created panel {NAME}")


def _members(panel, notice, anna, *, by, log) -> list[PanelMember]:
    members = []
    for (name, local_part, age, region, service), why in zip(MEMBERS, WHY, strict=True):
        user, _created = demo_user(email=f"{local_part}@{DEMO_DOMAIN}", full_name=name, log=log)
        expert = Expert.objects.filter(user=user).first() or Expert.objects.create(
            user=user,
            role=Expert.Role.PANEL_MEMBER,
            status=Expert.Status.ACTIVE,
            shown_as=Expert.ShownAs.NAME,
            municipality="Vantaa",
        )
        application = PanelApplication.objects.create(
            panel=panel,
            full_name=name,
            email=user.email,
            answers={AGE: age, REGION: region, SERVICE: service},
            why=why,
            notice=notice,
            submitted_at=timezone.make_aware(datetime.combine(panel.term_start, time(12)))
            - timedelta(days=20),
        )
        ConsentRecord.objects.get_or_create(expert=expert, notice=notice)
        members.append(panel_application_choose_impl(application=application, by=by))
    if anna is not None:
        members.append(
            panel_member_add_impl(
                panel=panel,
                expert=anna,
                answers={AGE: "25–39", REGION: "Keskusta", SERVICE: "Jälkihuolto"},
                by=by,
            )
        )
    # They were chosen before the term began: their seats count from its first day.
    PanelMember.objects.filter(panel=panel).update(term_start=panel.term_start)
    return members


def _meetings(panel, *, by, today) -> list[PanelMeeting]:
    """The meetings at 17–19, moved a day on where a member already has a gig then; the past
    ones returned for their attendance."""
    past = []
    for days, topic, _minutes in MEETINGS:
        for shift in range(7):
            day = today + timedelta(days=days + shift)
            if day.weekday() >= 5:
                continue
            try:
                meeting = panel_meeting_add_impl(
                    panel=panel, start=_at(day, 17), end=_at(day, 19), by=by, topic=topic
                )
            except BookingError:
                continue
            if days < 0:
                past.append(meeting)
            break
    return past


def _approve(meeting: PanelMeeting, coordinator) -> None:
    """The coordinator approved the first meetings' attendance: fees fixed from the terms."""
    gigs = Gig.objects.filter(
        occurrence=meeting.occurrence, status=Gig.Status.REPORTED
    ).select_related("booking__terms", "expert")
    for gig in gigs:
        report = GigReport.objects.get(gig=gig)
        report.status = GigReport.Status.APPROVED
        report.reviewed_at = meeting.occurrence.end + timedelta(days=2)
        report.reviewed_by = coordinator
        report.save(update_fields=["status", "reviewed_at", "reviewed_by"])
        if gig.booking.terms is not None:
            amounts = report_amounts(gig=gig, report=report, terms=gig.booking.terms)
            gig.fee_amount, gig.billable_amount = amounts.fee, amounts.billable
        change_status(
            gig,
            Gig.Status.APPROVED,
            booking=gig.booking,
            by=coordinator,
            fields=["fee_amount", "billable_amount"],
        )
