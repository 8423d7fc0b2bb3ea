"""Demo data after the gigs: reports (waiting, approved with expenses and receipts, returned),
check-ins (one asking for a debrief), and released and unreleased feedback.

Called by ``bookings.demo.seed`` after the bookings exist. Written straight to the tables like the
bookings (``seed_demo`` runs in one transaction, so the durable services cannot be used), with the
amounts counted by ``bookings.money`` and a history row for every gig that moves.
Idempotent: every piece checks first whether it is already there.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from bookings.models import (
    Booking,
    CheckIn,
    Expense,
    Feedback,
    Gig,
    GigReport,
    PriceUnit,
)
from bookings.money import hours_between, report_amounts
from expertbank.demo import DEMO_DOMAIN
from expertbank.models import User

# A 1×1 PNG and a one-page PDF: enough for a receipt link that opens.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8/5+hHgAHggJ/PchI7wAAAABJRU5ErkJggg=="
)
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 100]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)

RETURN_NOTE = (
    "Tarkista tunnit: ilmoitit neljä tuntia, varaus oli lyhyempi. Korjaa ja lähetä uudelleen."
)

# booking title, member e-mail, rating, text, released
FEEDBACK = [
    (
        "Koulutus: päihteet ja perhe",
        f"hyvinvointialue@{DEMO_DOMAIN}",
        5,
        "Koulutus oli koskettava ja käytännönläheinen. Henkilöstö kiitteli erityisesti "
        "rohkeutta kertoa omasta polusta.",
        True,
    ),
    (
        "Yhteisopettajuus: sosionomiopiskelijat",
        f"tilaaja@{DEMO_DOMAIN}",
        4,
        "Opiskelijat saivat paljon. Ensi kerralla enemmän aikaa kysymyksille.",
        True,
    ),
    (
        "Mielenterveysviikon paneeli",
        f"hyvinvointialue@{DEMO_DOMAIN}",
        5,
        "Paneeli oli viikon puhutuin tilaisuus. Kiitos!",
        False,
    ),
    (
        "Asiakasraati: aikuissosiaalityön kevät",
        f"tilaaja@{DEMO_DOMAIN}",
        3,
        "Hyviä näkökulmia, mutta aikataulu venyi.",
        False,
    ),
]


class AfterGigs:
    def __init__(self, builder, *, log: Callable[[str], None]):
        self.builder = builder
        self.log = log
        self.now = timezone.now()
        self.coordinator = builder.coordinator
        self.anna = builder.anna

    def changed_at(self, gig: Gig, status: str):
        change = gig.changes.filter(to_status=status).order_by("-at").first()
        return change.at if change else min(gig.end + timedelta(days=1), self.now)

    # --- Reports ----------------------------------------------------------------------------------

    def reports(self) -> None:
        """A report for every reported, approved and paid gig that has none; approved ones get
        their amounts fixed from the report."""
        gigs = (
            Gig.objects.filter(
                status__in=[Gig.Status.REPORTED, Gig.Status.APPROVED, Gig.Status.PAID],
                report__isnull=True,
            )
            .select_related("expert__user", "booking__unit", "booking__terms")
            .order_by("pk")
        )
        for gig in gigs:
            row = gig.booking.terms
            per_hour = row is not None and row.fee_unit == PriceUnit.PER_HOUR
            km = (gig.pk * 7) % 30
            report = GigReport.objects.create(
                gig=gig,
                hours=hours_between(gig.start, gig.end).quantize(Decimal("0.01")),
                preparation_hours=row.preparation_hours if per_hour else Decimal("1"),
                km=km,
                km_from="Kotoa, Tikkurila" if km else "",
                status=GigReport.Status.SUBMITTED,
                submitted_at=self.changed_at(gig, Gig.Status.REPORTED),
            )
            if gig.status != Gig.Status.REPORTED:
                report.status = GigReport.Status.APPROVED
                report.reviewed_at = self.changed_at(gig, Gig.Status.APPROVED)
                report.reviewed_by = self.coordinator
                report.save(update_fields=["status", "reviewed_at", "reviewed_by"])
                if row is not None:
                    amounts = report_amounts(gig=gig, report=report, terms=row)
                    gig.fee_amount, gig.billable_amount = amounts.fee, amounts.billable
                    gig.save(update_fields=["fee_amount", "billable_amount"])
            self.log(f"created report {gig}")

    def expenses(self) -> None:
        """Receipts on one waiting and one approved report (once)."""
        if Expense.objects.exists():
            return
        waiting = GigReport.objects.filter(status=GigReport.Status.SUBMITTED).order_by("pk").first()
        approved = GigReport.objects.filter(status=GigReport.Status.APPROVED).order_by("pk").first()
        if waiting is not None:
            self.expense(waiting, "Bussilippu, HSL", "3.20", PNG, "image/png", "bussilippu.png")
        if approved is not None:
            self.expense(approved, "Pysäköinti", "6.00", PDF, "application/pdf", "pysakointi.pdf")
            self.expense(approved, "Taksi kotiin", "24.90", PNG, "image/png", "taksi.png")

    def expense(self, report, description, amount, content, content_type, name) -> None:
        expense = Expense(
            report=report,
            description=description,
            amount=Decimal(amount),
            receipt_name=name,
            receipt_type=content_type,
        )
        expense.receipt.save(name, ContentFile(content), save=False)
        expense.save()
        self.log(f"created expense {description}")

    def returned(self) -> None:
        """One report returned to its expert with a note: the gig is planned again."""
        if GigReport.objects.filter(status=GigReport.Status.RETURNED).exists():
            return
        waiting = list(
            GigReport.objects.filter(status=GigReport.Status.SUBMITTED)
            .exclude(gig__expert=self.anna)
            .select_related("gig__booking", "gig__expert__user")
            .order_by("-gig__start", "-pk")
        )
        if len(waiting) < 3:
            return  # keep reports waiting for the coordinator too
        report = waiting[0]
        gig = report.gig
        at = min(report.submitted_at + timedelta(days=1), self.now)
        report.hours = Decimal("4.00")
        report.status = GigReport.Status.RETURNED
        report.review_note = RETURN_NOTE
        report.reviewed_at, report.reviewed_by = at, self.coordinator
        report.save()
        self.builder.change(
            gig, gig.booking, Gig.Status.PLANNED, at, by=self.coordinator, note=RETURN_NOTE
        )
        self.log(f"returned report {gig}")

    # --- Check-ins --------------------------------------------------------------------------------

    def checkins(self) -> None:
        reported = (
            Gig.objects.filter(status=Gig.Status.REPORTED, checkin__isnull=True)
            .exclude(expert=self.anna)
            .order_by("pk")
        )
        approved = Gig.objects.filter(
            status__in=[Gig.Status.APPROVED, Gig.Status.PAID], checkin__isnull=True
        ).order_by("pk")
        if not CheckIn.objects.filter(wants_debrief=True, handled_at__isnull=True).exists():
            gig = reported.first()
            if gig is not None:
                CheckIn.objects.create(
                    gig=gig,
                    feeling=CheckIn.Feeling.HEAVY,
                    wants_debrief=True,
                    message="Aihe nosti pintaan omia muistoja. Haluaisin jutella jonkun kanssa.",
                    created_at=min(gig.end + timedelta(hours=20), self.now),
                )
                self.log(f"created check-in asking for a debrief {gig}")
        if not CheckIn.objects.filter(handled_at__isnull=False).exists():
            gig = approved.first()
            if gig is not None:
                given = min(gig.end + timedelta(hours=20), self.now)
                CheckIn.objects.create(
                    gig=gig,
                    feeling=CheckIn.Feeling.OKAY,
                    wants_debrief=True,
                    message="Väsyttää, mutta oli hyvä päivä.",
                    created_at=given,
                    handled_at=min(given + timedelta(days=1), self.now),
                    handled_by=self.coordinator,
                    handled_note="Soitin ja juttelimme puoli tuntia. Kaikki hyvin.",
                )
                self.log(f"created arranged debrief {gig}")
        if not CheckIn.objects.filter(wants_debrief=False).exists():
            gig = approved.exclude(checkin__isnull=False).last()
            if gig is not None:
                CheckIn.objects.create(
                    gig=gig,
                    feeling=CheckIn.Feeling.GREAT,
                    created_at=min(gig.end + timedelta(hours=20), self.now),
                )

    # --- Feedback ---------------------------------------------------------------------------------

    def feedback(self) -> None:
        for title, email, rating, text, released in FEEDBACK:
            booking = Booking.objects.filter(title=title).order_by("pk").first()
            user = User.objects.filter(email=email).first()
            if booking is None or user is None:
                continue
            given = min((booking.last_end or self.now) + timedelta(days=2), self.now)
            _feedback, created = Feedback.objects.get_or_create(
                booking=booking,
                given_by=user,
                defaults={
                    "rating": rating,
                    "text": text,
                    "created_at": given,
                    "released_at": min(given + timedelta(days=1), self.now) if released else None,
                    "released_by": self.coordinator if released else None,
                },
            )
            if created:
                self.log(f"created feedback on {title}")


def seed(builder, *, log: Callable[[str], None]) -> None:
    after = AfterGigs(builder, log=log)
    after.reports()
    after.returned()
    after.expenses()
    after.checkins()
    after.feedback()
