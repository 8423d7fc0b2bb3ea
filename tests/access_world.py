"""A small world of real objects for the access map: two experts (A and B), two booking units of
two organisations (A and B), a trainer, a coordinator and a superuser, and one of everything a
page can be about, each belonging to expert A or unit A and made through the services.

Used by tests/test_access_map.py: every object URL is asked for with A's objects, so "unit B"
and "expert B" are the strangers who must get 404, and the other roles the 403 of a wrong role.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.core.files.base import ContentFile
from django.utils import timezone

from bookings import services as booking_services
from bookings.models import Gig
from bookings.selectors.earnings import Period
from bookings.services.links import answer_token
from bookings.services.reports import CheckInInput
from expertbank.services.invitations import invitation_create, invitation_token
from experts.models import AvailabilitySlot, Blackout, SupportProfile
from experts.services.importing import expert_import_stage
from invoicing import services as invoicing_services
from invoicing.bankfiles import camt054
from invoicing.models import IncomingPayment
from invoicing.services import fees as fee_services
from tests.bookings.factories import (
    PriceRowFactory,
    at,
    bookable_expert,
    confirmed,
    member,
    offer,
    request_booking,
)
from tests.bookings.reports_factories import ended_gig, move_into_past
from tests.experts.factories import GOOD_CODES, GOOD_IBANS
from tests.factories import CoordinatorFactory, TrainerFactory, UserFactory
from tests.invoicing.factories import approved_gig, last_month, month_of
from tests.training.factories import (
    ApplicationFactory,
    CohortFactory,
    EnrollmentFactory,
    OpenCohortFactory,
    SessionFactory,
)
from training.models import Certificate, Enrollment

ROLES = (
    "anonymous",
    "expert_a",
    "expert_b",
    "unit_a",
    "unit_b",
    "trainer",
    "coordinator",
    "superuser",
)

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@dataclass
class World:
    users: dict[str, Any]
    objects: dict[str, Any] = field(default_factory=dict)
    clients: dict[str, Any] = field(default_factory=dict)

    def __getitem__(self, name: str) -> Any:
        return self.objects[name]


def _months_ago(months: int) -> timedelta:
    """How long ago the 15th, ``months`` months back, at noon was."""
    day = timezone.localdate().replace(day=1)
    for _ in range(months):
        day = (day - timedelta(days=1)).replace(day=1)
    noon = timezone.make_aware(
        timezone.datetime.combine(day.replace(day=15), timezone.datetime.min.time())
    )
    return timezone.now() - noon - timedelta(hours=12)


def build_world() -> World:
    PriceRowFactory()
    coordinator = CoordinatorFactory(language="en")
    superuser = UserFactory(language="en", is_staff=True, is_superuser=True)
    trainer = TrainerFactory(language="en")
    expert_a = bookable_expert(public_alias="Anna A.")
    expert_a.iban, expert_a.identity_code = GOOD_IBANS[0], GOOD_CODES[0]
    expert_a.save()
    # Anna goes with a companion: a support profile for the admin's pages.
    SupportProfile.objects.create(expert=expert_a, companion=True)
    expert_b = bookable_expert(public_alias="Bertta B.")
    unit_a = member()
    unit_b = member()
    users = {
        "anonymous": None,
        "expert_a": expert_a.user,
        "expert_b": expert_b.user,
        "unit_a": unit_a,
        "unit_b": unit_b,
        "trainer": trainer,
        "coordinator": coordinator,
        "superuser": superuser,
    }
    world = World(users=users)
    o = world.objects
    o["unit"] = unit_a.memberships.get().unit

    # Money: a gig two months ago, paid to A in a batch with its Incomes Register report but not
    # yet invoiced (an invoice run could bill it); a gig last month invoiced to unit A and in A's
    # open fee statement; B's gig last month approved with no statement yet (a fee run could make
    # one).
    paid = approved_gig(
        coordinator=coordinator, expert=expert_a, by=unit_a, ended_ago=_months_ago(2), day=21
    )
    fee_services.fees_run(period=month_of(paid), by=coordinator)
    o["batch"] = fee_services.fees_pay(
        period=month_of(paid), payment_date=timezone.localdate(), by=coordinator
    ).batch
    o["ir_report"] = o["batch"].incomes_reports.first()
    o["billable_month"] = f"{month_of(paid).start:%Y-%m}"
    gig = approved_gig(
        coordinator=coordinator,
        expert=expert_a,
        by=unit_a,
        km=24,
        expenses=(("Juna", "12.40"),),
        ended_ago=last_month(),
        day=22,
    )
    o["approved_gig"] = gig
    o["receipt"] = gig.report.expenses.get()
    (o["invoice"],) = invoicing_services.invoices_issue(
        period=month_of(gig), by=coordinator
    ).invoices
    (o["statement"],) = fee_services.fees_run(period=month_of(gig), by=coordinator).statements
    approved_gig(
        coordinator=coordinator, expert=expert_b, by=unit_a, ended_ago=last_month(), day=23
    )
    o["fee_month"] = f"{month_of(gig).start:%Y-%m}"
    o["payment"] = _unmatched_payment(coordinator)

    # A's gig of this month, approved and not yet in a statement: A may move its fee.
    o["movable_gig"] = approved_gig(
        coordinator=coordinator, expert=expert_a, by=unit_a, ended_ago=timedelta(minutes=30), day=24
    )
    # A's report waiting for approval, with a check-in asking for a debrief.
    # (Four hours ago: clear of the gig above and its buffer, which PostgreSQL's exclusion
    # constraint holds to.)
    reported = ended_gig(
        expert=expert_a, coordinator=coordinator, by=unit_a, day=25, ended_ago=timedelta(hours=4)
    )
    booking_services.report_submit(
        gig=reported,
        by=expert_a.user,
        hours=Decimal(2),
        checkin=CheckInInput(feeling=2, wants_debrief=True, message="Raskas päivä"),
    )
    o["reported_gig"] = Gig.objects.get(pk=reported.pk)
    o["checkin"] = o["reported_gig"].checkin
    booking_services.booking_deliver(booking=reported.booking, by=coordinator)
    o["delivered_booking"] = reported.booking
    o["feedback"] = booking_services.feedback_give(
        booking=reported.booking, by=unit_a, rating=4, text="Hyvä"
    )

    # Ahead: A's confirmed gig, A's open offer on unit A's request.
    ahead = confirmed(
        experts=[expert_a], coordinator=coordinator, by=unit_a, times=[(at(26, 10), at(26, 12))]
    )
    o["gig"] = ahead.gigs.get()
    o["booking"] = request_booking(by=unit_a, times=[(at(27, 10), at(27, 12))])
    (o["offer"],) = offer(o["booking"], [expert_a], by=coordinator)
    o["answer_token"] = answer_token(o["offer"])
    o["calendar_token"] = booking_services.calendar_token_get(expert=expert_a).token

    # The expert pool and training.
    o["slot"] = AvailabilitySlot.objects.filter(expert=expert_a).first()
    o["blackout"] = Blackout.objects.create(
        expert=expert_a,
        start=timezone.localdate() + timedelta(days=60),
        end=timezone.localdate() + timedelta(days=61),
    )
    o["expert"] = expert_a
    o["import"] = expert_import_stage(
        file_name="experts.csv",
        content=b"email,full_name\nuusi.asiantuntija@example.com,Uusi Asiantuntija\n",
        by=coordinator,
    )
    cohort = CohortFactory(trainers=[trainer])
    o["cohort"] = cohort
    o["session"] = SessionFactory(cohort=cohort)
    o["enrollment"] = EnrollmentFactory(cohort=cohort, expert=expert_a)
    done = EnrollmentFactory(  # A's earlier training, completed with a certificate
        cohort=CohortFactory(),
        expert=expert_a,
        status=Enrollment.Status.COMPLETED,
        completed_on=timezone.localdate(),
    )
    o["certificate"] = Certificate(
        enrollment=done, number="T-1", issued_on=timezone.localdate(), language="en"
    )
    o["certificate"].file.save("T-1.pdf", ContentFile(PDF), save=True)
    o["application"] = ApplicationFactory(cohort=OpenCohortFactory())
    invitation = invitation_create(email="kutsuttu@example.com", invited_by=coordinator)
    o["invitation_token"] = invitation_token(invitation)
    _panel_objects(world, unit_a, expert_a)
    _admin_only_objects(world, coordinator)
    return world


def _panel_objects(world: World, unit_a, expert_a) -> None:
    """Unit A's customer panel with expert A as a member: a meeting held with its minutes (a
    PDF), one to come, and an application waiting."""
    from bookings.services import panels
    from experts.models import PrivacyNotice

    o = world.objects
    today = timezone.localdate()
    panel = panels.panel_create(
        unit=o["unit"],
        by=unit_a,
        name_fi="Asiakasraati",
        purpose="Asiakkaat arvioivat palvelua.",
        term_start=today - timedelta(days=100),
        term_end=today + timedelta(days=600),
        meetings_per_year=4,
        place="Kielotie 13, Vantaa",
        criteria=[panels.Criterion("Ik\u00e4ryhm\u00e4", ("18\u201329", "30 tai yli"))],
        call_open=True,
    )
    o["panel"] = panel
    o["panel_member"] = panels.panel_member_add(
        panel=panel, expert=expert_a, answers={"Ik\u00e4ryhm\u00e4": "30 tai yli"}, by=unit_a
    )
    held = today - timedelta(days=45)
    o["panel_meeting"] = panels.panel_meeting_add(
        panel=panel,
        start=at((held - today).days, 19),
        end=at((held - today).days, 20, 30),
        by=unit_a,
    )
    panels.panel_minutes_save(
        meeting=o["panel_meeting"],
        text="Muistio",
        upload=ContentFile(PDF, name="muistio.pdf"),
        by=unit_a,
    )
    panels.panel_meeting_add(panel=panel, start=at(40, 17), end=at(40, 19), by=unit_a)
    o["panel_application"] = panels.panel_application_submit(
        panel=panel,
        full_name="Hanna Hakija",
        email="hanna.hakija@example.com",
        phone="",
        answers={"Ik\u00e4ryhm\u00e4": "18\u201329"},
        why="Haluan vaikuttaa.",
        notice=PrivacyNotice.current(),
        language="fi",
    )
    o["panel_token"] = panel.token


def _admin_only_objects(world: World, coordinator) -> None:
    """One row of each model only the admin shows, so its change, delete and history pages have
    an object to be about."""
    from django_celery_beat.models import (
        ClockedSchedule,
        CrontabSchedule,
        IntervalSchedule,
        PeriodicTask,
        SolarSchedule,
    )

    from bookings.models import TermsChange
    from tests.bookings.factories import FundingSourceFactory
    from tests.training.factories import AttendanceFactory

    funding = FundingSourceFactory()
    TermsChange.objects.create(funding_source=funding, by=coordinator, kind="funding_changed")
    AttendanceFactory(session=world["session"], enrollment=world["enrollment"])
    every_day = IntervalSchedule.objects.create(every=1, period=IntervalSchedule.DAYS)
    CrontabSchedule.objects.create(minute="0", hour="3")
    SolarSchedule.objects.create(event="sunset", latitude=60.29, longitude=25.04)
    ClockedSchedule.objects.create(clocked_time=timezone.now() + timedelta(days=1))
    if apps.is_installed("allauth.mfa"):  # someone else's recovery codes, for the admin's pages
        from allauth.mfa.models import Authenticator

        Authenticator.objects.create(
            user=UserFactory(),
            type=Authenticator.Type.RECOVERY_CODES,
            data={"seed": "0" * 40, "used_mask": 0},
        )
    PeriodicTask.objects.create(
        name="access map", task="expertbank.tasks.nothing", interval=every_day
    )


def _unmatched_payment(coordinator) -> IncomingPayment:
    """A payment from unit A's payer whose reference matches no invoice: it waits for a
    coordinator to allocate it."""
    data = camt054.build(
        version="02",
        message_id="ACCESS-1",
        account_iban="FI4950009420028730",
        entries=[
            {
                "ref": "ACCESS-W1",
                "booked": timezone.localdate(),
                "amount": Decimal("100.00"),
                "reference": "RF18539007547034",
                "payer": "Vantaan kaupunki",
            }
        ],
    )
    invoicing_services.payments_import(data=data, name="camt.xml", by=coordinator)
    return IncomingPayment.objects.get(entry_reference="ACCESS-W1", invoice=None)


__all__ = ["ROLES", "Period", "World", "build_world", "move_into_past"]
