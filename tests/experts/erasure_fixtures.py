"""An expert who has used everything — training, a gig with its report, receipt and check-in, an
invoice, a paid fee statement with its bank files, messages, audit entries, a session — and the
walk over every model that finds the expert's rows and plants a unique value in each personal
field and upload.

``NOT_PERSONAL`` names the text fields of the expert's rows that are not personal and stay after
an erasure, each with its reason. Any other text field of any of the expert's rows — including
one added later — is planted, and the erasure must remove it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.files.base import ContentFile
from django.db import connection, models
from django.db.models import Sum
from django.utils import timezone

from bookings.models import Booking, BookingChange, CheckIn, Feedback, Gig
from expertbank.crypto import EncryptedTextField, encrypted_fields
from expertbank.models import AuditEntry, Invitation, Message, User
from expertbank.services.audit import audit_record, read_record
from experts.models import (
    AreaDisclosure,
    BookerKind,
    ConsentRecord,
    Expert,
    ExpertImport,
    PrivacyNotice,
)
from experts.services import tax_card_record
from invoicing.models import (
    FeeStatement,
    IncomingPayment,
    Invoice,
    InvoiceChange,
    InvoiceLine,
    PaymentBatch,
    PaymentFile,
)
from invoicing.services import fees as fee_services
from invoicing.services import invoices_issue
from tests.bookings.factories import bookable_expert
from tests.experts.factories import GOOD_CODES, GOOD_IBANS, BlackoutFactory, DocumentFactory
from tests.invoicing.factories import after, approved_gig, last_month, month_of
from tests.training.factories import ApplicationFactory, AttendanceFactory, EnrollmentFactory
from training.models import Certificate, EnrollmentStatusChange

# The apps whose tables are walked, and the tables of logins and sessions.
WALKED_APPS = ("expertbank", "experts", "training", "bookings", "invoicing", "account", "sessions")

NOT_PERSONAL = {
    "expertbank.User.password": "a password hash; the erasure makes it unusable",
    "expertbank.Message.key": "an idempotency key made of ids and kinds",
    "expertbank.Message.kind": "the name of a kind of message",
    "expertbank.AuditEntry.object_id": "a primary key",
    "expertbank.AuditEntry.action": "the name of an action",
    "expertbank.ReadEntry.viewer_role": "the viewer's role",
    "expertbank.ReadEntry.object_id": "a primary key",
    "expertbank.ReadEntry.path": "the address of the page opened (ids only)",
    "expertbank.ReadEntry.window_key": "ids and a ten-minute window",
    "bookings.BookingChange.from_status": "a status code",
    "bookings.BookingChange.to_status": "a status code",
    "invoicing.FeeChange.from_status": "a status code",
    "invoicing.FeeChange.to_status": "a status code",
    "invoicing.InvoiceLine.description": (
        "what the unit booked, kept on its invoice; the expert's name is scrubbed from it "
        "(planted separately below)"
    ),
    "invoicing.InvoiceLine.vat_exemption_text": "the law's words on VAT",
    "invoicing.IncomesRegisterReport.report_id": "the Incomes Register's id of a filed report",
    "training.Certificate.number": "a certificate number",
}

# Model fields that make a row the expert's because they point at the person, not at who did
# something: every other foreign key to a user ("by", "actor"…) is followed too, so rows the
# expert wrote are the expert's as well.
CONTENT_TYPE_FIELDS = {"content_type"}


@dataclass
class Planted:
    token: str
    values: dict[str, str] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    rows: int = 0

    def value(self, label: str, max_length: int | None) -> str:
        value = f"{self.token}-{label}"
        if max_length is not None:
            value = value[:max_length]
        self.values[label] = value
        return value


def new_token() -> str:
    return f"ZQX-PLANT-{uuid.uuid4().hex[:12]}"


def walked_models() -> list[type[models.Model]]:
    return [
        model
        for config in apps.get_app_configs()
        if config.label in WALKED_APPS
        for model in config.get_models()
        if not model._meta.proxy
    ]


def owned_rows(user: User, expert: Expert) -> dict[type[models.Model], set]:
    """Every row that points, through any chain of foreign keys, at the expert or their login;
    and the audit entries about any of them."""
    owned: dict[type[models.Model], set] = {User: {user.pk}, Expert: {expert.pk}}
    changed = True
    while changed:
        changed = False
        for model in walked_models():
            for model_field in model._meta.concrete_fields:
                if not model_field.is_relation or model_field.name in CONTENT_TYPE_FIELDS:
                    continue
                target = model_field.related_model
                if model_field.one_to_one and model in owned:
                    # A one-to-one from the expert's row (an enrolment's application) is theirs.
                    ids = set(
                        model._base_manager.filter(pk__in=owned[model])
                        .exclude(**{f"{model_field.attname}__isnull": True})
                        .values_list(model_field.attname, flat=True)
                    )
                    if ids - owned.get(target, set()):
                        owned.setdefault(target, set()).update(ids)
                        changed = True
                if target not in owned:
                    continue
                pks = set(
                    model._base_manager.filter(
                        **{f"{model_field.attname}__in": owned[target]}
                    ).values_list("pk", flat=True)
                )
                new = pks - owned.get(model, set())
                if new:
                    owned.setdefault(model, set()).update(new)
                    changed = True
    about = set()
    for model, pks in owned.items():
        content_type = ContentType.objects.get_for_model(model)
        about.update(
            AuditEntry.objects.filter(
                content_type=content_type, object_id__in=[str(pk) for pk in pks]
            ).values_list("pk", flat=True)
        )
    if about:
        owned.setdefault(AuditEntry, set()).update(about)
    return owned


def _is_text(model_field: models.Field) -> bool:
    return isinstance(model_field, models.CharField | models.TextField | models.JSONField)


def plant_everywhere(planted: Planted, user: User, expert: Expert, keep: set[str]) -> None:
    """A unique value in every personal text field and every upload of the expert's rows.

    ``keep``: fields already holding planted values (or real identifiers the money files were
    made with) that must not be overwritten."""
    owned = owned_rows(user, expert)
    for model, pks in owned.items():
        for model_field in model._meta.concrete_fields:
            label = f"{model._meta.label}.{model_field.name}"
            if label in NOT_PERSONAL or label in keep or model_field.primary_key:
                continue
            if isinstance(model_field, models.FileField):
                for pk in pks:
                    name = model_field.storage.save(
                        f"planted/{planted.token}-{model._meta.model_name}.bin",
                        ContentFile(f"{planted.token} health data".encode()),
                    )
                    model._base_manager.filter(pk=pk).update(**{model_field.attname: name})
                    planted.files.append(name)
                continue
            if not _is_text(model_field) or model_field.choices:
                continue
            for pk in pks:
                value = planted.value(f"{label}#{pk}", getattr(model_field, "max_length", None))
                if isinstance(model_field, models.JSONField):
                    value = {"notes": [value, value]}
                row = model._base_manager.get(pk=pk)
                if isinstance(model_field, EncryptedTextField):
                    setattr(row, model_field.attname, value)
                    row.save(update_fields=[model_field.attname])
                else:
                    model._base_manager.filter(pk=pk).update(**{model_field.attname: value})
                planted.rows += 1


@dataclass
class UsedExpert:
    expert: Expert
    user: User
    planted: Planted
    identity_code: str
    iban: str
    gig: Gig
    statement: FeeStatement
    batch: PaymentBatch
    invoice: Invoice


def books(invoice_ids=None) -> dict:
    """Everything the books add up: totals of invoices, their lines, statements, payments."""
    return {
        "invoices": Invoice.objects.aggregate(
            net=Sum("net_total"), vat=Sum("vat_total"), gross=Sum("gross_total")
        ),
        "lines": (
            InvoiceLine.objects.count(),
            InvoiceLine.objects.aggregate(gross=Sum("gross"))["gross"],
        ),
        "statements": FeeStatement.objects.aggregate(
            wages=Sum("wages"),
            work=Sum("work_compensation"),
            withholding=Sum("withholding"),
            mileage=Sum("mileage"),
            expenses=Sum("expenses"),
            payout=Sum("payout"),
        ),
        "batches": PaymentBatch.objects.aggregate(total=Sum("total")),
        "payments": IncomingPayment.objects.aggregate(amount=Sum("amount")),
    }


def used_expert(*, coordinator, client, media_root) -> UsedExpert:
    """Build the expert through the services where they exist, with a name, alias, e-mail and
    phone planted from the start (so the bank files quote them), then plant the rest."""
    token = new_token()
    planted = Planted(token=token)
    identity_code, iban = GOOD_CODES[1], GOOD_IBANS[1]
    expert = bookable_expert(public_alias=f"{token}-alias")
    user = expert.user
    user.full_name = f"{token}-name"
    user.email = f"{token.lower()}@example.com"
    user.phone = f"{token}-phone"
    user.save()
    user.emailaddress_set.update(email=user.email)
    expert.identity_code, expert.iban = identity_code, iban
    expert.save()
    today = timezone.localdate()

    # The pool: consent, documents, a tax card, disclosures, times, days off.
    DocumentFactory(expert=expert, note="seen")
    BlackoutFactory(expert=expert, note="hospital")
    AreaDisclosure.objects.get_or_create(
        expert=expert, area=expert.areas.first() or _any_area(), booker_kind=BookerKind.CITY
    )
    tax_card_record(
        expert=expert,
        by=coordinator,
        kind="wage",
        valid_from=today.replace(month=1, day=1).replace(year=today.year - 1),
        valid_until=today.replace(month=12, day=31),
        base_rate=Decimal("20"),
        additional_rate=Decimal("40"),
        income_limit=Decimal("10000"),
    )
    if not ConsentRecord.objects.filter(expert=expert).exists():
        ConsentRecord.objects.create(expert=expert, notice=PrivacyNotice.current())

    # Training: an application, the enrolment, attendance, a status note and a certificate.
    application = ApplicationFactory(full_name=user.full_name, email=user.email)
    enrollment = EnrollmentFactory(expert=expert, application=application)
    AttendanceFactory(enrollment=enrollment, session__cohort=enrollment.cohort)
    EnrollmentStatusChange.objects.create(
        enrollment=enrollment, from_status="accepted", to_status="in_progress", by=coordinator
    )
    certificate = Certificate(enrollment=enrollment, number=f"C-{token[-6:]}", issued_on=today)
    certificate.language = "fi"
    certificate.file.save("c.pdf", ContentFile(b"%PDF certificate"), save=False)
    certificate.save()

    # A gig reported with kilometres, a receipt and a check-in, approved, billed and paid.
    gig = approved_gig(
        coordinator=coordinator,
        expert=expert,
        km=20,
        expenses=(("Taxi", "12.50"),),
        ended_ago=last_month(),
    )
    CheckIn.objects.create(gig=gig, feeling=2, wants_debrief=True, message="tired")
    period = month_of(gig)
    (invoice,) = invoices_issue(period=period, by=coordinator, issue_date=after(period)).invoices
    InvoiceChange.objects.create(invoice=invoice, kind="sent", note=f"sent, {user.full_name}")
    bank_file = PaymentFile.objects.create(name="camt.xml", sha256="0" * 64, version="camt.054")
    IncomingPayment.objects.create(
        entry_reference=f"E-{uuid.uuid4().hex}",
        file=bank_file,
        amount=invoice.gross_total,
        booking_date=today,
        reference=invoice.reference,
        payer_name="Vantaan kaupunki",
        invoice=invoice,
    )
    fee_services.fees_run(period=period, by=coordinator)
    result = fee_services.fees_pay(period=period, payment_date=today, by=coordinator)
    fee_services.batch_confirm(batch=result.batch, by=coordinator)
    (statement,) = FeeStatement.objects.filter(expert=expert)

    # Text of others that quotes the expert: the booking, the unit's feedback, its history,
    # an invoice's notes, a message to someone else, the audit log of the booking.
    booking = gig.booking
    Booking.objects.filter(pk=booking.pk).update(notes=f"Ask for {user.full_name}")
    Feedback.objects.create(booking=booking, rating=5, text=f"{expert.public_alias} was great")
    BookingChange.objects.create(
        booking=booking, kind="details", note=f"{user.phone} called", changes={}
    )
    Invoice.objects.filter(pk=invoice.pk).update(notes=f"Expert {user.full_name}")
    InvoiceLine.objects.filter(invoice=invoice).update(description=f"Talk by {user.full_name}")
    other = User.objects.create_user(email=f"other-{token[-6:]}@example.com")
    Message.objects.create(
        key=f"other-{uuid.uuid4().hex}",
        kind="note",
        channel="email",
        recipient=other,
        to=other.email,
        language="fi",
        body=f"{user.full_name} ({user.email}) accepted",
    )
    Message.objects.create(
        key=f"own-{uuid.uuid4().hex}",
        kind="note",
        channel="sms",
        recipient=user,
        to=user.phone,
        language="fi",
        body="Your gig",
    )
    audit_record(
        obj=booking, actor=coordinator, action="changed", changes={"contact": ["", user.email]}
    )
    audit_record(obj=expert, actor=coordinator, action="changed", changes={"phone": ["", "x"]})
    read_record(
        viewer=coordinator,
        kind="profile",
        items=[(expert, user.pk)],
        path=f"/coordinator/experts/{expert.pk}/",
    )
    Invitation.objects.create(
        email=user.email, user=user, invited_by=coordinator, expires_at=timezone.now()
    )
    ExpertImport.objects.create(
        file_name="pool.csv", file_format="csv", content=f"name;email\nX;{user.email}\n"
    )
    client.force_login(user)  # a session of the expert's own
    client.get("/")

    keep = {
        "expertbank.User.full_name",
        "expertbank.User.email",
        "expertbank.User.phone",
        "experts.Expert.public_alias",
        "experts.Expert.identity_code",
        "experts.Expert.iban",
        "account.EmailAddress.email",
    }
    plant_everywhere(planted, user, expert, keep)
    expert.refresh_from_db()
    user.refresh_from_db()
    return UsedExpert(
        expert=expert,
        user=user,
        planted=planted,
        identity_code=identity_code,
        iban=iban,
        gig=gig,
        statement=statement,
        batch=result.batch,
        invoice=invoice,
    )


def _any_area():
    from experts.models import ExperienceArea

    return ExperienceArea.objects.order_by("pk").first()


# --- Looking for what is left -------------------------------------------------------------------


def database_hits(needles: list[str]) -> list[str]:
    """Every column of every table (read raw), and every encrypted field (decrypted), that
    holds one of ``needles`` (case-insensitive)."""
    lowered = [needle.lower() for needle in needles]
    hits = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"SELECT * FROM {quoted}")
            columns = [column[0] for column in cursor.description]
            for row in cursor.fetchall():
                for column, value in zip(columns, row, strict=True):
                    if isinstance(value, memoryview | bytes):
                        value = bytes(value).decode("utf-8", "replace")
                    text = str(value).lower() if value is not None else ""
                    for needle in lowered:
                        if needle in text:
                            hits.append(f"{table}.{column}: {str(value)[:120]}")
    for model, model_field in encrypted_fields():
        for value in model._base_manager.values_list(model_field.attname, flat=True):
            for needle in lowered:
                if value and needle in value.lower():
                    hits.append(f"{model._meta.label}.{model_field.name} (decrypted)")
    for session in Session.objects.all():
        text = str(session.get_decoded()).lower()
        hits += [f"session {session.pk}" for needle in lowered if needle in text]
    return hits


def media_hits(root, needles: list[str]) -> list[str]:
    lowered = [needle.lower() for needle in needles]
    hits = []
    for path in root.rglob("*") if root.exists() else []:
        if path.is_file():
            content = path.read_bytes().decode("utf-8", "replace").lower()
            for needle in lowered:
                if needle in path.name.lower() or needle in content:
                    hits.append(str(path))
    return hits
