"""Journey 3: from a stranger's application to a bookable expert.

An applicant applies to a cohort on the public page, on a phone. The coordinator accepts the
application; the worker mails the invitation, and the applicant sets a password from its link.
The coordinator marks the day's attendance and completes the training: the new expert is
certified and active, and the consent given on the application counts. Once they have told
which languages they work in and when they can work, they are among the candidates of a unit's
booking.

Every page goes through ``visit``/``check_page``: no sideways scroll at 390 px, no serious or
critical axe-core violation.
"""

from __future__ import annotations

import time as clock
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from bookings.matching import rank_candidates
from experts.models import Expert, PrivacyNotice
from tests.bookings.factories import request_booking
from tests.e2e.journeys.helpers import JOURNEY, check_page, mails_to, visit
from tests.training.factories import programme
from training.models import Application, Cohort, Enrollment, Session

pytestmark = JOURNEY


def tr(msgid: str) -> str:
    """``msgid`` as the Finnish pages say it (the catalogue, not a copy of it)."""
    from django.utils import translation

    with translation.override("fi"):
        return translation.gettext(msgid)


DESKTOP = 1280
NEW_PASSWORD = "Kielo-13-Vantaa-2027"


def link_in_mail(address: str, contains: str, timeout: float = 45) -> str:
    """The first link containing ``contains`` in the mails the worker sent to ``address``."""
    deadline = clock.monotonic() + timeout
    while True:
        for mail in mails_to(address, timeout=timeout):
            for link in mail.links:
                if contains in link:
                    return link
        assert clock.monotonic() < deadline, f"no mail to {address} with a {contains} link"
        clock.sleep(0.25)


def also_on_a_phone(page) -> None:
    """A desktop page (the coordinator's) must not scroll sideways on a phone either: the same
    page narrowed to 390 px, checked, and widened back."""
    page.set_viewport_size({"width": 390, "height": 844})
    try:
        check_page(page, axe=False)  # axe already ran at the desktop's width
    finally:
        page.set_viewport_size({"width": DESKTOP, "height": 844})


def test_an_applicant_is_accepted_trained_and_becomes_bookable(ground, open_page):
    if PrivacyNotice.current() is None:
        PrivacyNotice.objects.create(version="2026-1", published_on=date(2026, 1, 1))
    coordinator = ground.coordinator
    today = timezone.localdate()
    cohort = Cohort.objects.create(
        programme=programme("basic"),
        name="Vantaan ryhmä",
        starts_on=today,
        ends_on=today + timedelta(days=60),
        place="Järjestötalo, Vantaa",
        capacity=12,
        open_for_applications=True,
        application_deadline=today,
    )
    now = timezone.localtime()
    session = Session.objects.create(
        cohort=cohort,
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(hours=2),
        topic="Oma tarina voimavarana",
        place="Järjestötalo, Vantaa",
    )

    # 1. The application, on a phone, without logging in.
    phone = open_page(name="applicant")
    visit(phone, "/apply/", "apply")
    phone.locator("#id_full_name").fill("Leena Korhonen")
    phone.locator("#id_email").fill("leena.korhonen@example.net")
    phone.locator("#id_phone").fill("040 765 4321")
    phone.locator("#id_municipality").fill("Vantaa")
    phone.locator("#id_motivation").fill(
        "Olen toipunut päihderiippuvuudesta ja haluan kertoa, mikä minua auttoi."
    )
    phone.locator("input[name=availability]").first.check()
    phone.locator("input[name=consent]").check()
    phone.get_by_role("button", name=tr("Send application")).click()
    phone.wait_for_url("**/apply/thanks/")
    check_page(phone, "apply-thanks")
    application = Application.objects.get(email="leena.korhonen@example.net")
    assert application.cohort == cohort and application.language == "fi"
    mails_to(application.email)  # "we received your application", sent by the worker

    # 2. The coordinator accepts it (desktop).
    desk = open_page(coordinator, name="coordinator", width=DESKTOP)
    visit(desk, "/coordinator/training/applications/", "coordinator-applications")
    also_on_a_phone(desk)
    desk.get_by_role("link", name="Leena Korhonen").click()
    desk.wait_for_url(f"**/coordinator/training/applications/{application.pk}/")
    check_page(desk, "coordinator-application")
    also_on_a_phone(desk)
    desk.locator("input[name=decision][value=accept]").check()
    desk.get_by_role("button", name=tr("Save decision")).click()
    desk.wait_for_url("**/coordinator/training/applications/?cohort=*")
    check_page(desk)
    also_on_a_phone(desk)
    expert = Expert.objects.select_related("user").get(user__email=application.email)
    assert expert.status == Expert.Status.IN_TRAINING
    enrollment = Enrollment.objects.get(cohort=cohort, expert=expert)

    # 3. The invitation from the worker: set a password (phone).
    link = link_in_mail(application.email, "/invitation/")
    visit(phone, link, "invitation-set-password")
    phone.locator("#id_new_password1").fill(NEW_PASSWORD)
    phone.locator("#id_new_password2").fill(NEW_PASSWORD)
    phone.get_by_role("button", name=tr("Save password and log in")).click()
    phone.wait_for_url("**/expert/")
    check_page(phone, "expert-first-login")
    assert tr("Welcome! Your password is set and you are logged in.") in (
        phone.locator("main").inner_text()
    )

    # 4. The coordinator marks the day's attendance and completes the training.
    visit(desk, f"/training/sessions/{session.pk}/", "trainer-attendance")
    also_on_a_phone(desk)
    desk.get_by_role("button", name=tr("Save, others present")).click()
    desk.wait_for_load_state()
    check_page(desk)
    also_on_a_phone(desk)
    visit(desk, f"/training/cohorts/{cohort.pk}/", "coordinator-cohort")
    also_on_a_phone(desk)
    if cohort.programme.final_assignment_required:
        desk.get_by_role("button", name=tr("Accept assignment")).click()
        desk.wait_for_load_state()
        check_page(desk)
        also_on_a_phone(desk)
    desk.get_by_role("button", name=tr("Mark completed")).click()
    desk.wait_for_load_state()
    check_page(desk)
    also_on_a_phone(desk)
    enrollment.refresh_from_db()
    expert.refresh_from_db()
    assert enrollment.status == Enrollment.Status.COMPLETED
    assert expert.status == Expert.Status.ACTIVE and expert.certified_on == today

    # 5. The expert tells their languages and when they can work (phone).
    visit(phone, "/expert/profile/", "expert-profile")
    # Units see an alias unless the expert chooses their name: a new expert writes one.
    phone.locator("#id_public_alias").fill("Leena K.")
    phone.get_by_role("checkbox", name="suomi", exact=True).check()
    phone.get_by_role("button", name=tr("Save"), exact=True).click()
    phone.wait_for_url("**/expert/")
    check_page(phone)
    assert tr("Your profile is saved.") in phone.locator("main").inner_text()
    day = today + timedelta(days=14)
    visit(phone, "/expert/availability/", "expert-availability")
    phone.locator("#id_slot_weekday").select_option(str(day.weekday()))
    phone.locator("#id_slot_start").fill("08:00")
    phone.locator("#id_slot_end").fill("16:00")
    phone.get_by_role("button", name=tr("Add"), exact=True).click()
    phone.wait_for_url("**/expert/availability/")
    check_page(phone)
    assert expert.slots.filter(weekday=day.weekday()).exists()

    # 6. A unit's request: the new expert is among the candidates.
    booker = ground.unit_member
    tz = timezone.get_current_timezone()
    booking = request_booking(
        by=booker,
        title="Kokemuspuheenvuoro päihdetyön koulutuspäivässä",
        times=[
            (
                datetime.combine(day, time(10), tzinfo=tz),
                datetime.combine(day, time(12), tzinfo=tz),
            )
        ],
    )
    found = rank_candidates(booking)
    why = [(e.expert, [str(r) for r in e.reasons]) for e in found.excluded]
    assert expert in [c.expert for c in found.ranked], why
    visit(desk, f"/coordinator/bookings/{booking.pk}/candidates/", "coordinator-candidates")
    also_on_a_phone(desk)
    assert expert.user.full_name in desk.locator("main").inner_text()
