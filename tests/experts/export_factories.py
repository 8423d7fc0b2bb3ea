"""An expert with data in every part of the data export: the profile and its pool records,
training, a booking with its gig, report, receipt, check-in and feedback, a fee statement paid
in a batch with its Incomes Register report, an invoice line that names them, messages, an
invitation and the audit and read logs. Made through the services where there is one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from bookings.models import CalendarToken, CheckIn, Feedback, Gig, ImpactAnswer
from expertbank.models import (
    Invitation,
    Message,
    NotificationPreference,
    PhoneVerification,
    ReadEntry,
)
from expertbank.services.audit import audit_record, read_record
from experts.models import AreaDisclosure, BookerKind, Expert, SupportProfile, TaxCard, WorkKind
from invoicing.models import FeeStatement
from invoicing.services import fees as fee_services
from invoicing.services import invoices_issue
from tests.bookings.factories import PriceRowFactory, bookable_expert, member
from tests.experts.factories import (
    GOOD_CODES,
    GOOD_IBANS,
    BlackoutFactory,
    DocumentFactory,
    area,
)
from tests.factories import MembershipFactory
from tests.invoicing.factories import after, approved_gig, last_month, month_of
from tests.training.factories import ApplicationFactory, AttendanceFactory, EnrollmentFactory
from training.models import Certificate, EnrollmentStatusChange

PLANT = "PLANT-export"


@dataclass
class Everything:
    expert: Expert
    gig: Gig
    statement: FeeStatement


def expert_with_data_everywhere(*, coordinator) -> Everything:
    """``coordinator`` approves, pays and bills; the expert is named Anna Export."""
    expert = bookable_expert(public_alias="Anna E.", areas=("substance-use",))
    expert.user.full_name = "Anna Export"
    expert.user.phone = "040 765 4321"
    expert.user.save()
    expert.identity_code, expert.iban = GOOD_CODES[0], GOOD_IBANS[0]
    expert.bic = "NDEAFIHH"
    expert.notes = f"{PLANT} lived experience"
    expert.save()
    # The pool
    expert.work_kinds.set(WorkKind.objects.all()[:1])
    BlackoutFactory(expert=expert, note=f"{PLANT} holiday")
    DocumentFactory(expert=expert, note=f"{PLANT} extract", recorded_by=coordinator)
    AreaDisclosure.objects.get_or_create(
        expert=expert, area=area("substance-use"), booker_kind=BookerKind.CITY
    )
    TaxCard.objects.create(
        expert=expert,
        valid_from=date(2000, 1, 1),
        valid_until=date(2100, 12, 31),
        base_rate=Decimal("12.5"),
        income_limit=Decimal("20000"),
    )
    Invitation.objects.create(
        email=expert.user.email,
        user=expert.user,
        invited_by=coordinator,
        expires_at=timezone.now() + timedelta(days=14),
    )
    Message.objects.create(
        key=f"{PLANT}-message",
        kind="test",
        channel=Message.Channel.EMAIL,
        recipient=expert.user,
        to=expert.user.email,
        language="fi",
        subject="Tervetuloa",
        body=f"{PLANT} body",
    )
    audit_record(obj=expert, actor=coordinator, action="updated", changes={"bio": ["", "x"]})
    read_record(
        viewer=coordinator,
        kind=ReadEntry.Kind.PROFILE,
        items=[(expert, expert.user_id)],
        path="/coordinator/experts/",
    )
    MembershipFactory(user=expert.user)
    # Training
    application = ApplicationFactory(email=expert.user.email.upper(), motivation=f"{PLANT} why")
    enrollment = EnrollmentFactory(expert=expert, application=application)
    EnrollmentStatusChange.objects.create(
        enrollment=enrollment, from_status="accepted", to_status="in_progress", by=coordinator
    )
    AttendanceFactory(enrollment=enrollment, session__cohort=enrollment.cohort)
    Certificate.objects.create(
        enrollment=enrollment,
        number=f"{PLANT}-1",
        issued_on=timezone.localdate(),
        language="fi",
        file=ContentFile(b"%PDF-1.4", name="todistus.pdf"),
    )
    audit_record(obj=enrollment, actor=coordinator, action="final assignment accepted")
    audit_record(obj=application, actor=coordinator, action="interview recorded")
    # Bookings: a gig of last month, reported with travel and a receipt, and approved
    PriceRowFactory()
    gig = approved_gig(
        coordinator=coordinator,
        expert=expert,
        km=24,
        expenses=(("Juna", "12.40"),),
        ended_ago=last_month(),
    )
    CheckIn.objects.create(gig=gig, feeling=2, wants_debrief=True, message=f"{PLANT} tired")
    Feedback.objects.create(
        booking=gig.booking,
        given_by=member(),
        rating=5,
        text=f"{PLANT} thanks",
        released_at=timezone.now(),
        released_by=coordinator,
    )
    CalendarToken.objects.create(expert=expert, token=f"{PLANT}-secret-token")
    ImpactAnswer.objects.create(
        booking=gig.booking,
        day_mark=30,
        text=f"{PLANT} we changed our intake",
        share_with_experts=True,
        answered_by=member(),
    )
    NotificationPreference.objects.create(
        user=expert.user, category="gig_reminders", channel=NotificationPreference.Channel.BOTH
    )
    PhoneVerification.objects.create(
        user=expert.user,
        phone="+358401234567",
        code_hash="0" * 64,
        expires_at=timezone.now() + timedelta(minutes=10),
    )
    SupportProfile.objects.create(expert=expert, quiet_room=True, other=f"{PLANT} a chair")
    _panel_seat(expert, coordinator)
    # Money: the fee statement, paid in a batch with its report, and the unit's invoice
    period = month_of(gig)
    (statement,) = fee_services.fees_run(period=period, by=coordinator).statements
    fee_services.fees_pay(period=period, payment_date=timezone.localdate(), by=coordinator)
    invoices_issue(period=period, by=coordinator, issue_date=after(period))
    statement.refresh_from_db()
    return Everything(expert=expert, gig=gig, statement=statement)


def _panel_seat(expert: Expert, coordinator) -> None:
    """A seat on a customer panel, from an application, with a meeting missed three days ago."""
    from bookings.services import panels
    from experts.models import PrivacyNotice

    organiser = member()
    today = timezone.localdate()
    panel = panels.panel_create(
        unit=organiser.memberships.get().unit,
        by=organiser,
        name_fi="Asiakasraati",
        purpose="Arvioidaan palvelua.",
        term_start=today - timedelta(days=30),
        term_end=today + timedelta(days=300),
        meetings_per_year=4,
        place="Kielotie 13",
        criteria=[panels.Criterion("Alue", ("Pohjoinen", "Etelä"))],
        call_open=True,
    )
    application = panels.panel_application_submit(
        panel=panel,
        full_name=expert.name,
        email=expert.user.email,
        phone="",
        answers={"Alue": "Etelä"},
        why=f"{PLANT} panel why",
        notice=PrivacyNotice.current(),
        language="fi",
    )
    panels.panel_application_choose(application=application, by=coordinator)
    held = timezone.make_aware(
        timezone.datetime.combine(today - timedelta(days=3), timezone.datetime.min.time())
    ) + timedelta(hours=17)
    meeting = panels.panel_meeting_add(
        panel=panel, start=held, end=held + timedelta(hours=2), by=organiser
    )
    panels.panel_attendance_record(meeting=meeting, attended=set(), by=organiser)
