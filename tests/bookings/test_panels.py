"""Standing customer panels: the open call's public page (good and bad input, the rate limit),
choosing members, meetings with a seat for every member, attendance as the work report (the fee
line of income type 210 and the unit's invoice line), minutes and changes, who sees what (others'
panels answer 404), and list pages that take a constant number of queries."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from bookings import services as booking_services
from bookings.models import (
    Gig,
    Panel,
    PanelApplication,
    PanelAttendance,
    PanelMember,
)
from bookings.selectors import after as selectors_after
from bookings.selectors.earnings import Period
from bookings.services import BookingError
from bookings.services import panels as services
from bookings.views import panels as views
from expertbank.models import Invitation, Message
from experts.models import Expert, PrivacyNotice
from invoicing import fees
from invoicing import services as invoicing_services
from invoicing.models import IncomeType
from tests.bookings.factories import PriceRowFactory, bookable_expert, member, work_kind
from tests.factories import CoordinatorFactory, OrganisationFactory, UnitFactory
from tests.test_page_queries import assert_constant, queries_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_pages")]

CRITERIA = [
    services.Criterion("Age group", ("18–29", "30–49", "50+")),
    services.Criterion("Region", ("North", "South")),
]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def local(day, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def last_month_day():
    """The 15th of last month: a month that is over, so its invoices and fees can run."""
    return (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=15)


@pytest.fixture
def panel_terms(db):
    """The general price row for customer panels: 300 € to the unit, 100 € a meeting."""
    return PriceRowFactory(
        work_kind=work_kind("customer-panel"),
        client_price=Decimal("300.00"),
        expert_fee=Decimal("100.00"),
    )


@pytest.fixture
def notice(db):
    return PrivacyNotice.current() or PrivacyNotice.objects.create(
        version="test", published_on=timezone.localdate() - timedelta(days=400)
    )


@pytest.fixture
def organiser(db):
    return member()


def new_panel(organiser, **kwargs) -> Panel:
    unit = kwargs.pop("unit", None) or organiser.memberships.first().unit
    values = {
        "name_fi": "Lastensuojelun asiakasraati",
        "name_en": "Child welfare customer panel",
        "purpose": "Asiakkaat arvioivat palvelua.",
        "term_start": last_month_day() - timedelta(days=30),
        "term_end": timezone.localdate() + timedelta(days=700),
        "meetings_per_year": 4,
        "place": "Hakaniemenranta 1, Helsinki",
        "criteria": CRITERIA,
        "call_open": True,
    }
    values.update(kwargs)
    return services.panel_create(unit=unit, by=organiser, **values)


def application(panel, notice, *, email="hakija@example.net", **answers) -> PanelApplication:
    return services.panel_application_submit(
        panel=panel,
        full_name="Hanna Hakija",
        email=email,
        phone="040 123 4567",
        answers=answers or {"Age group": "18–29", "Region": "North"},
        why="Haluan, että nuoria kuullaan.",
        notice=notice,
        language="fi",
    )


def apply_form(**overrides) -> dict:
    data = {
        "full_name": "Hanna Hakija",
        "email": "hanna@example.net",
        "phone": "040 123 4567",
        "mix_0": "30–49",
        "mix_1": "South",
        "why": "Haluan kertoa, miltä palvelu näyttää asiakkaan silmin.",
        "consent": "on",
        "website": "",
    }
    data.update(overrides)
    return data


# --- The open call -------------------------------------------------------------------------------


def test_a_person_applies_on_the_public_page_without_logging_in(
    client, organiser, panel_terms, notice
):
    panel = new_panel(organiser)
    url = reverse("panels_public:apply", args=[panel.token])
    page = client.get(url)
    assert page.status_code == 200
    assert "Age group" in page.content.decode() and 'name="csrfmiddlewaretoken"' in (
        page.content.decode()
    )
    response = client.post(url, apply_form())
    assert response.status_code == 302
    assert response["Location"] == reverse("panels_public:thanks", args=[panel.token])
    saved = PanelApplication.objects.get()
    assert saved.answers == {"Age group": "30–49", "Region": "South"}
    assert saved.notice == notice and saved.status == PanelApplication.Status.NEW


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"consent": ""}, "only with your consent"),
        ({"mix_0": "99+"}, "Choose one of the options shown."),
        ({"mix_1": ""}, "Choose one option."),
        ({"email": "not-an-address"}, "Enter a valid email address."),
        ({"why": ""}, "This field is required."),
    ],
)
def test_bad_input_is_told_clearly_and_saves_nothing(
    client, organiser, panel_terms, notice, overrides, message
):
    panel = new_panel(organiser)
    response = client.post(
        reverse("panels_public:apply", args=[panel.token]), apply_form(**overrides)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not PanelApplication.objects.exists()


def test_a_closed_call_takes_no_application(client, organiser, panel_terms, notice):
    panel = new_panel(organiser, call_open=False)
    url = reverse("panels_public:apply", args=[panel.token])
    assert "not taking applications" in client.get(url).content.decode()
    client.post(url, apply_form())
    assert not PanelApplication.objects.exists()
    with pytest.raises(BookingError, match="not taking applications"):
        application(panel, notice)


def test_an_unknown_panel_address_answers_404(client, db):
    assert client.get("/panel/00000000-0000-0000-0000-000000000000/").status_code == 404


def test_the_same_address_cannot_wait_twice(organiser, panel_terms, notice):
    panel = new_panel(organiser)
    application(panel, notice)
    with pytest.raises(BookingError, match="already waiting"):
        application(panel, notice, email="HAKIJA@example.net")


def test_a_robot_filling_the_trap_is_thanked_and_nothing_is_saved(
    client, organiser, panel_terms, notice
):
    panel = new_panel(organiser)
    response = client.post(
        reverse("panels_public:apply", args=[panel.token]), apply_form(website="spam")
    )
    assert response.status_code == 302
    assert not PanelApplication.objects.exists()


def test_one_address_can_send_only_so_many_applications_an_hour(
    client, organiser, panel_terms, notice, monkeypatch
):
    monkeypatch.setattr(views, "APPLY_LIMIT", 2)
    panel = new_panel(organiser)
    url = reverse("panels_public:apply", args=[panel.token])
    for number in range(2):
        assert client.post(url, apply_form(email=f"h{number}@example.net")).status_code == 302
    response = client.post(url, apply_form(email="third@example.net"))
    assert response.status_code == 429
    assert "Too many applications" in response.content.decode()
    assert PanelApplication.objects.count() == 2


def test_the_criteria_must_make_sense(organiser, panel_terms):
    with pytest.raises(BookingError, match="at least two options"):
        new_panel(organiser, criteria=[services.Criterion("Age group", ("18–29",))])
    with pytest.raises(BookingError, match="4–6 times a year"):
        new_panel(organiser, meetings_per_year=12)
    with pytest.raises(BookingError, match="end after it starts"):
        new_panel(organiser, term_end=timezone.localdate() - timedelta(days=400))
    assert not Panel.objects.exists()


# --- Members and meetings ------------------------------------------------------------------------


def test_a_chosen_applicant_becomes_a_panel_member_invited_to_every_coming_meeting(
    organiser, panel_terms, notice
):
    panel = new_panel(organiser)
    soon = timezone.localdate() + timedelta(days=10)
    meeting = services.panel_meeting_add(
        panel=panel, start=local(soon, 17), end=local(soon, 19), by=organiser
    )
    chosen = services.panel_application_choose(application=application(panel, notice), by=organiser)
    expert = chosen.expert
    assert expert.role == Expert.Role.PANEL_MEMBER
    assert expert.user.email == "hakija@example.net"
    assert not Expert.objects.bookable().filter(pk=expert.pk).exists()  # no other gigs offered
    assert Invitation.objects.filter(user=expert.user).exists()
    assert expert.consents.filter(notice=notice).exists()
    gig = Gig.objects.get(expert=expert)
    assert gig.occurrence == meeting.occurrence and gig.status == Gig.Status.PLANNED
    assert gig.fee_amount == Decimal("100.00")
    assert Message.objects.filter(recipient=expert.user, kind="booking_confirmed_expert").exists()
    assert PanelApplication.objects.get().status == PanelApplication.Status.CHOSEN
    # A meeting added later seats every member too.
    later = soon + timedelta(days=60)
    services.panel_meeting_add(
        panel=panel, start=local(later, 17), end=local(later, 19), by=organiser
    )
    assert Gig.objects.filter(expert=expert, status=Gig.Status.PLANNED).count() == 2


def test_a_certified_expert_joins_as_they_are(organiser, panel_terms, coordinator):
    panel = new_panel(organiser)
    anna = bookable_expert()
    member_ = services.panel_member_add(
        panel=panel, expert=anna, answers={"Age group": "50+", "Region": "North"}, by=coordinator
    )
    anna.refresh_from_db()
    assert anna.role == Expert.Role.EXPERT and member_.is_current
    with pytest.raises(BookingError, match="already a member"):
        services.panel_member_add(
            panel=panel,
            expert=anna,
            answers={"Age group": "50+", "Region": "North"},
            by=coordinator,
        )


def test_the_mix_counts_members_and_applicants_per_option(client, organiser, panel_terms, notice):
    panel = new_panel(organiser)
    services.panel_application_choose(application=application(panel, notice), by=organiser)
    application(
        panel, notice, email="toinen@example.net", **{"Age group": "50+", "Region": "North"}
    )
    client.force_login(organiser)
    page = client.get(reverse("bookings:panel", args=[panel.pk]))
    mix = {
        c.label: {r.option: (r.members, r.applicants) for r in c.rows} for c in page.context["mix"]
    }
    assert mix["Age group"] == {"18–29": (1, 0), "30–49": (0, 0), "50+": (0, 1)}
    assert mix["Region"]["North"] == (1, 1)


def test_choosing_through_the_page_and_declining(client, organiser, panel_terms, notice):
    panel = new_panel(organiser)
    first = application(panel, notice)
    second = application(panel, notice, email="toinen@example.net")
    client.force_login(organiser)
    url = lambda a: reverse("bookings:panel_application", args=[a.pk])  # noqa: E731
    assert client.post(url(first), {"decision": "choose"}).status_code == 302
    assert client.post(url(second), {"decision": "decline"}).status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("chosen", "not_chosen")
    assert PanelMember.objects.filter(panel=panel).count() == 1
    response = client.post(url(second), {"decision": "choose"}, follow=True)
    assert "already been decided" in response.content.decode()
    assert PanelMember.objects.filter(panel=panel).count() == 1


def test_a_member_who_leaves_loses_their_later_seats_without_a_fee(
    organiser, panel_terms, coordinator
):
    panel = new_panel(organiser)
    soon = timezone.localdate() + timedelta(days=10)
    services.panel_meeting_add(
        panel=panel, start=local(soon, 17), end=local(soon, 19), by=organiser
    )
    anna = bookable_expert()
    seat = services.panel_member_add(
        panel=panel, expert=anna, answers={"Age group": "50+", "Region": "North"}, by=coordinator
    )
    services.panel_member_leave(member=seat, by=organiser)
    gig = Gig.objects.get(expert=anna)
    assert gig.status == Gig.Status.CANCELLED and gig.fee_amount == 0 and not gig.late_cancelled
    seat.refresh_from_db()
    assert seat.left_on == timezone.localdate()
    with pytest.raises(BookingError, match="already left"):
        services.panel_member_leave(member=seat, by=organiser)


def test_a_meeting_outside_the_term_is_refused(organiser, panel_terms):
    panel = new_panel(organiser)
    far = panel.term_end + timedelta(days=5)
    with pytest.raises(BookingError, match="within the panel's term"):
        services.panel_meeting_add(
            panel=panel, start=local(far, 17), end=local(far, 19), by=organiser
        )


# --- Attendance, fees and the invoice ------------------------------------------------------------


def held_meeting(organiser, coordinator):
    """A panel with two members and a meeting held on the 15th of last month."""
    panel = new_panel(organiser)
    came, absent = bookable_expert(), bookable_expert()
    for expert in (came, absent):
        services.panel_member_add(
            panel=panel,
            expert=expert,
            answers={"Age group": "30–49", "Region": "South"},
            by=coordinator,
        )
    day = last_month_day()
    meeting = services.panel_meeting_add(
        panel=panel, start=local(day, 17), end=local(day, 19), by=organiser
    )
    return panel, meeting, came, absent


def test_attendance_is_the_work_report_and_the_fee_is_a_meeting_fee_of_type_210(
    organiser, panel_terms, coordinator
):
    panel, meeting, came, absent = held_meeting(organiser, coordinator)
    seat = PanelMember.objects.get(expert=came)
    services.panel_attendance_record(meeting=meeting, attended={seat.pk}, by=organiser)
    gig = Gig.objects.get(expert=came)
    assert gig.status == Gig.Status.REPORTED and gig.report.hours == Decimal("2")
    missed = Gig.objects.get(expert=absent)
    assert missed.status == Gig.Status.CANCELLED and missed.fee_amount == 0
    assert PanelAttendance.objects.filter(meeting=meeting, attended=True).count() == 1
    # The normal path: a coordinator approves, the fee run and the invoice run take it.
    gig = booking_services.report_approve(gig=gig, by=coordinator)
    assert gig.fee_amount == Decimal("100.00") and gig.billable_amount == Decimal("300.00")
    (line,) = fees.gig_lines(gig)
    assert line.income_type == IncomeType.MEETING_FEE == "210"
    assert line.amount == Decimal("100.00")
    period = Period.month_of(last_month_day())
    (invoice,) = invoicing_services.invoices_issue(
        period=period, by=coordinator, issue_date=period.end + timedelta(days=1)
    ).invoices
    assert invoice.unit == panel.unit
    (work,) = [line for line in invoice.lines.all() if line.kind == "work"]
    assert work.net == Decimal("300.00")


def test_attendance_is_recorded_once_and_not_before_the_meeting(
    organiser, panel_terms, coordinator
):
    panel, meeting, _came, _absent = held_meeting(organiser, coordinator)
    services.panel_attendance_record(meeting=meeting, attended=set(), by=organiser)
    with pytest.raises(BookingError, match="already recorded"):
        services.panel_attendance_record(meeting=meeting, attended=set(), by=organiser)
    soon = timezone.localdate() + timedelta(days=3)
    coming = services.panel_meeting_add(
        panel=panel, start=local(soon, 17), end=local(soon, 19), by=organiser
    )
    with pytest.raises(BookingError, match="once the meeting has started"):
        services.panel_attendance_record(meeting=coming, attended=set(), by=organiser)
    assert Gig.objects.filter(occurrence=coming.occurrence, status=Gig.Status.PLANNED).count() == 2


def test_the_attendance_page_ticks_who_came(client, organiser, panel_terms, coordinator):
    _panel, meeting, came, absent = held_meeting(organiser, coordinator)
    seat = PanelMember.objects.get(expert=came)
    client.force_login(organiser)
    url = reverse("bookings:panel_meeting", args=[meeting.pk])
    assert came.name in client.get(url).content.decode()
    response = client.post(url, {"attendance": "1", "attended": [str(seat.pk)]})
    assert response.status_code == 302
    assert Gig.objects.get(expert=came).status == Gig.Status.REPORTED
    assert Gig.objects.get(expert=absent).status == Gig.Status.CANCELLED


def test_ticking_someone_who_is_not_a_member_changes_nothing(
    client, organiser, panel_terms, coordinator
):
    _panel, meeting, _came, _absent = held_meeting(organiser, coordinator)
    client.force_login(organiser)
    response = client.post(
        reverse("bookings:panel_meeting", args=[meeting.pk]),
        {"attendance": "1", "attended": ["999999"]},
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Gig.objects.filter(status=Gig.Status.REPORTED).exists()


# --- Minutes and changes -------------------------------------------------------------------------


def test_minutes_are_a_pdf_seen_by_the_members_only(
    client, organiser, panel_terms, coordinator, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    panel, meeting, came, _absent = held_meeting(organiser, coordinator)
    with pytest.raises(BookingError, match="not a PDF"):
        services.panel_minutes_save(
            meeting=meeting,
            text="",
            upload=SimpleUploadedFile("muistio.pdf", b"<html>hi</html>"),
            by=organiser,
        )
    meeting.refresh_from_db()
    assert not meeting.minutes_file
    services.panel_minutes_save(
        meeting=meeting,
        text="Raati toivoi selkeämpiä kirjeitä.",
        upload=SimpleUploadedFile("muistio.pdf", PDF),
        by=organiser,
    )
    url = reverse("bookings_expert:panel_minutes", args=[meeting.pk])
    client.force_login(came.user)
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    page = client.get(reverse("bookings_expert:panel", args=[panel.pk])).content.decode()
    assert "Raati toivoi selkeämpiä kirjeitä." in page
    client.force_login(bookable_expert().user)
    assert client.get(url).status_code == 404


def test_a_change_is_recorded_for_the_members_and_the_unit_to_see(
    client, organiser, panel_terms, coordinator
):
    panel, meeting, came, _absent = held_meeting(organiser, coordinator)
    with pytest.raises(BookingError, match="cannot be in the future"):
        services.panel_change_add(
            panel=panel,
            day=timezone.localdate() + timedelta(days=1),
            change="Tulevaisuus",
            meeting=None,
            by=organiser,
        )
    client.force_login(organiser)
    response = client.post(
        reverse("bookings:panel_change_add", args=[panel.pk]),
        {
            "day": timezone.localdate().isoformat(),
            "change": "Kirjeet selkokielelle.",
            "meeting": meeting.pk,
        },
    )
    assert response.status_code == 302
    assert (
        "Kirjeet selkokielelle."
        in client.get(reverse("bookings:panel", args=[panel.pk])).content.decode()
    )
    client.force_login(came.user)
    assert (
        "Kirjeet selkokielelle."
        in client.get(reverse("bookings_expert:panel", args=[panel.pk])).content.decode()
    )


# --- Who sees what -------------------------------------------------------------------------------


def test_another_organisations_panels_answer_404(
    client, organiser, panel_terms, notice, coordinator
):
    panel, meeting, came, _absent = held_meeting(organiser, coordinator)
    waiting = application(panel, notice)
    stranger = member(unit=UnitFactory(organisation=OrganisationFactory()))
    client.force_login(stranger)
    for url in (
        reverse("bookings:panel", args=[panel.pk]),
        reverse("bookings:panel_applications", args=[panel.pk]),
        reverse("bookings:panel_meeting", args=[meeting.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert (
        client.post(
            reverse("bookings:panel_application", args=[waiting.pk]), {"decision": "choose"}
        ).status_code
        == 404
    )
    seat = PanelMember.objects.get(expert=came)
    assert client.post(reverse("bookings:panel_member_leave", args=[seat.pk])).status_code == 404
    assert (
        client.post(
            reverse("bookings:panel_change_add", args=[panel.pk]),
            {"day": timezone.localdate().isoformat(), "change": "x"},
        ).status_code
        == 404
    )
    assert panel.name not in client.get(reverse("bookings:panels")).content.decode()
    waiting.refresh_from_db()
    seat.refresh_from_db()
    assert waiting.status == "new" and seat.left_on is None and not panel.changes.exists()
    # A unit member is not a coordinator, an expert not in the panel sees nothing of it.
    assert client.get(reverse("bookings_coordinator:panels")).status_code == 403
    client.force_login(bookable_expert().user)
    assert client.get(reverse("bookings_expert:panel", args=[panel.pk])).status_code == 404


def test_the_coordinator_sees_every_panel_and_the_member_their_own(
    client, organiser, panel_terms, coordinator
):
    panel, _meeting, came, _absent = held_meeting(organiser, coordinator)
    client.force_login(coordinator)
    assert panel.name in client.get(reverse("bookings_coordinator:panels")).content.decode()
    assert client.get(reverse("bookings_coordinator:panel", args=[panel.pk])).status_code == 200
    client.force_login(came.user)
    assert panel.name in client.get(reverse("bookings_expert:panels")).content.decode()


# --- Queries -------------------------------------------------------------------------------------


def test_the_panel_lists_take_constant_queries(client, organiser, panel_terms, notice):
    unit = organiser.memberships.first().unit
    coordinator = CoordinatorFactory(language="en")
    new_panel(organiser)
    client.force_login(organiser)
    unit_one = queries_of(client, reverse("bookings:panels"))
    client.force_login(coordinator)
    desk_one = queries_of(client, reverse("bookings_coordinator:panels"))
    for number in range(49):
        panel = new_panel(organiser, unit=unit, name_fi=f"Raati {number}")
        application(panel, notice)
    client.force_login(organiser)
    assert_constant(unit_one, queries_of(client, reverse("bookings:panels")))
    client.force_login(coordinator)
    assert_constant(desk_one, queries_of(client, reverse("bookings_coordinator:panels")))


def test_the_applications_page_takes_constant_queries(client, organiser, panel_terms, notice):
    panel = new_panel(organiser)
    application(panel, notice, email="h0@example.net")
    client.force_login(organiser)
    url = reverse("bookings:panel_applications", args=[panel.pk])
    one = queries_of(client, url)
    for number in range(1, 50):
        application(panel, notice, email=f"h{number}@example.net")
    assert_constant(one, queries_of(client, url))


# --- The member's portal -------------------------------------------------------------------------


def test_a_member_does_not_report_a_meeting_the_organiser_records_it(
    client, organiser, panel_terms, coordinator
):
    _panel, meeting, came, _absent = held_meeting(organiser, coordinator)
    gig = Gig.objects.get(expert=came)
    with pytest.raises(BookingError, match="organiser records who came"):
        booking_services.report_submit(gig=gig, by=came.user, hours=Decimal(2))
    assert not selectors_after.expert_gigs_to_report(came).exists()
    assert not selectors_after.report_reminders_due(
        ended_after=meeting.occurrence.end - timedelta(days=1),
        ended_before=meeting.occurrence.end + timedelta(days=1),
    ).exists()
    client.force_login(came.user)
    page = client.get("/expert/").content.decode()
    assert "Fill in the report" not in page
    assert reverse("bookings_expert:panel", args=[_panel.pk]) in page
    assert _panel.name not in page  # the start page does not say what the panel is about


def test_a_panel_members_gig_page_shows_no_offers(client, organiser, panel_terms, notice):
    panel = new_panel(organiser)
    chosen = services.panel_application_choose(application=application(panel, notice), by=organiser)
    client.force_login(chosen.expert.user)
    page = client.get(reverse("bookings_expert:home")).content.decode()
    assert "Offers waiting for your answer" not in page
    assert reverse("bookings_expert:panels") in page


# --- Erasure -------------------------------------------------------------------------------------


def test_erasing_a_panel_member_clears_their_mix_and_application_and_the_purge_releases_them(
    organiser, panel_terms, notice, coordinator, settings, run_on_commit
):
    from cryptography.fernet import Fernet

    from expertbank.crypto import reset_keys
    from experts.erasure import erase_expert, experts_erased_purge

    settings.FIELD_ENCRYPTION_KEYS = Fernet.generate_key().decode()
    settings.FIELD_HASH_KEY = "panel-erasure-hash-key"
    reset_keys()
    panel = new_panel(organiser)
    day = last_month_day()
    meeting = services.panel_meeting_add(
        panel=panel, start=local(day, 17), end=local(day, 19), by=organiser
    )
    seat = services.panel_application_choose(application=application(panel, notice), by=organiser)
    services.panel_attendance_record(meeting=meeting, attended=set(), by=organiser)
    services.panel_member_leave(member=seat, by=organiser)
    with run_on_commit():
        erase_expert(expert=seat.expert, by=coordinator)
    seat.refresh_from_db()
    joined = PanelApplication.objects.get(member=seat)
    assert seat.answers == {}
    assert (joined.email, joined.phone, joined.why, joined.answers) == ("", "", "", {})
    assert "Hanna" not in joined.full_name
    # Once the books let the rows go, the seat and its attendance go with the gigs.
    experts_erased_purge(now=timezone.now() + timedelta(days=365 * 12), dry_run=False)
    assert not PanelMember.objects.filter(pk=seat.pk).exists()
    assert not PanelAttendance.objects.filter(meeting=meeting).exists()
    reset_keys()


def test_a_coordinator_corrects_attendance_until_the_fee_is_approved(
    client, organiser, panel_terms, coordinator
):
    _panel, meeting, came, absent = held_meeting(organiser, coordinator)
    seat = PanelMember.objects.get(expert=came)
    services.panel_attendance_record(meeting=meeting, attended={seat.pk}, by=organiser)
    missed = PanelAttendance.objects.get(member__expert=absent)
    # The unit cannot correct; the coordinator can, from the meeting's page.
    client.force_login(organiser)
    assert (
        client.post(
            reverse("bookings:panel_attendance", args=[missed.pk]), {"came": "1"}
        ).status_code
        == 404
    )
    client.force_login(coordinator)
    response = client.post(
        reverse("bookings_coordinator:panel_attendance", args=[missed.pk]), {"came": "1"}
    )
    assert response.status_code == 302
    missed.refresh_from_db()
    assert missed.attended and missed.gig.status == Gig.Status.REPORTED
    assert Gig.objects.filter(expert=absent, status=Gig.Status.CANCELLED).count() == 1
    # Approved: the attendance no longer changes.
    booking_services.report_approve(gig=missed.gig, by=coordinator)
    with pytest.raises(BookingError, match="can no longer change"):
        services.panel_attendance_correct(attendance=missed, came=False, by=coordinator)
    # Came after all → did not come: the report goes and the seat is cancelled without a fee.
    row = PanelAttendance.objects.get(member=seat)
    services.panel_attendance_correct(attendance=row, came=False, by=coordinator)
    row.refresh_from_db()
    assert not row.attended and row.gig.status == Gig.Status.CANCELLED
    assert row.gig.fee_amount == 0 and not has_report(row.gig)


def has_report(gig) -> bool:
    from bookings.models import GigReport

    return GigReport.objects.filter(gig=gig).exists()


def test_a_settled_meetings_booking_opens_again_for_the_next_meeting(
    organiser, panel_terms, coordinator
):
    panel, meeting, _came, _absent = held_meeting(organiser, coordinator)
    services.panel_attendance_record(meeting=meeting, attended=set(), by=organiser)
    booking = panel.booking
    booking_services.booking_deliver(booking=booking, by=coordinator)
    booking_services.booking_close(booking=booking, by=coordinator)
    booking.refresh_from_db()
    assert booking.status == "closed"
    soon = timezone.localdate() + timedelta(days=20)
    services.panel_meeting_add(
        panel=panel, start=local(soon, 17), end=local(soon, 19), by=organiser
    )
    booking.refresh_from_db()
    assert booking.status == "confirmed"
    assert Gig.objects.filter(booking=booking, status=Gig.Status.PLANNED).count() == 2


def test_a_member_who_left_has_no_panel_card_on_the_start_page(
    client, organiser, panel_terms, coordinator
):
    panel, _meeting, came, _absent = held_meeting(organiser, coordinator)
    client.force_login(came.user)
    url = reverse("bookings_expert:panel", args=[panel.pk])
    assert url in client.get("/expert/").content.decode()
    services.panel_member_leave(member=PanelMember.objects.get(expert=came), by=organiser)
    assert url not in client.get("/expert/").content.decode()
    assert client.get(url).status_code == 200  # the past meetings and fees stay readable


def test_applications_not_chosen_are_removed_after_the_retention_period(
    organiser, panel_terms, notice, settings
):
    from expertbank.retention import retention_run

    panel = new_panel(organiser)
    waiting = application(panel, notice)
    declined = services.panel_application_decline(
        application=application(panel, notice, email="toinen@example.net"), by=organiser
    )
    chosen = services.panel_application_choose(
        application=application(panel, notice, email="kolmas@example.net"), by=organiser
    ).application
    later = timezone.now() + timedelta(days=31 * (settings.RETENTION_APPLICATION_MONTHS + 1))
    assert retention_run(now=later, dry_run=True)["panel_applications"] == 2
    assert retention_run(now=timezone.now(), keys=["panel_applications"]) == {
        "panel_applications": 0
    }
    assert retention_run(now=later, keys=["panel_applications"]) == {"panel_applications": 2}
    remaining = set(PanelApplication.objects.values_list("pk", flat=True))
    assert remaining == {chosen.pk} and waiting.pk not in remaining and declined.pk not in remaining


def test_the_panels_admin_is_read_only(client, organiser, panel_terms, notice, coordinator):
    from django.contrib import admin

    from bookings.models import Panel, PanelApplication
    from tests.admin_checks import delete_via_admin, model_admin, walk_change_form

    panel = new_panel(organiser)
    application(panel, notice)
    before = (list(Panel.objects.values()), list(PanelApplication.objects.values()))
    client.force_login(coordinator)
    for model in (Panel, PanelApplication):
        obj = model.objects.first()
        model_admin_ = model_admin(admin.site, model)

        def check(probe, response):
            now = (list(Panel.objects.values()), list(PanelApplication.objects.values()))
            assert now == before, probe

        walk_change_form(client, model_admin_, obj, check=check)
        delete_via_admin(client, model_admin_, obj)
        assert model.objects.filter(pk=obj.pk).exists()
