"""Making the demo experts through the pool's services, as real use would leave them.

``seed_demo`` runs every app's demo in one transaction, so these call the services' ``_impl``
functions (which join the caller's transaction) rather than the durable top-level actions.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, time, timedelta
from decimal import Decimal

from django.utils import timezone
from schwifty import IBAN

from expertbank.demo import DEMO_DOMAIN, demo_user
from expertbank.models import User
from experts.demo.people import (
    EVERY_WEEKDAY,
    EXPERTS,
    DemoExpert,
    R,
    T,
    iban,
    identity_code,
)
from experts.models import (
    BookerKind,
    ExperienceArea,
    Expert,
    ExpertDocument,
    Language,
    PrivacyNotice,
    SupportProfile,
    TaxCard,
    WorkKind,
)
from experts.services.availability import blackout_add_impl, slot_add_impl
from experts.services.consent import consent_give_impl, disclosure_set_impl
from experts.services.documents import document_record_impl, tax_card_record_impl
from experts.services.pool import expert_update_impl
from experts.services.support import support_profile_set_impl


def _by_code(model, attribute: str, codes: list[str]) -> list:
    return list(model.objects.filter(**{f"{attribute}__in": codes}))


def _tax_year(today: date) -> tuple[date, date]:
    start_year = today.year if today.month >= 2 else today.year - 1
    return date(start_year, 2, 1), date(start_year + 1, 1, 31)


def _fill(expert: Expert, spec: DemoExpert, *, by: User | None, index: int) -> None:
    """Everything a new demo expert has; called once, when the expert is created."""
    today = timezone.localdate()
    expert_update_impl(
        expert=expert,
        by=by,
        public_alias=spec.alias,
        shown_as=Expert.ShownAs.ALIAS if spec.alias else Expert.ShownAs.NAME,
        municipality=spec.municipality,
        region="Uusimaa",
        areas=_by_code(ExperienceArea, "slug", spec.areas),
        languages=_by_code(Language, "code", spec.languages),
        work_kinds=_by_code(WorkKind, "code", spec.kinds),
        remote_ok=spec.remote_ok,
        travel_radius_km=spec.radius,
        bio=spec.bio,
        status=spec.status,
        status_since=today - timedelta(days=30 + 7 * index),
        certified_on=(
            today - timedelta(days=spec.certified_days_ago)
            if spec.certified_days_ago is not None
            else None
        ),
        identity_code=identity_code(spec.born, spec.individual),
        iban=iban(*spec.bank),
        bic=str(IBAN(iban(*spec.bank)).bic or ""),
        earnings_cap_monthly=Decimal(spec.cap_monthly) if spec.cap_monthly else None,
        earnings_cap_yearly=Decimal(spec.cap_yearly) if spec.cap_yearly else None,
        expenses_only=spec.expenses_only,
        max_gigs_per_month=spec.max_gigs,
        rest_days_after_heavy=spec.rest_days,
    )
    expert.refresh_from_db()
    for weekday, start, end in spec.slots:
        slot_add_impl(expert=expert, by=by, weekday=weekday, start=time(start), end=time(end))
    if spec.blackout:
        starts, days = spec.blackout
        blackout_add_impl(
            expert=expert,
            by=by,
            start=today + timedelta(days=starts),
            end=today + timedelta(days=starts + days),
            note="Loma" if starts > 0 else "",
        )
    if spec.consent and spec.status != R and PrivacyNotice.current() is not None:
        consent_give_impl(expert=expert, by=None if index % 4 else by, on_paper=index % 4 == 0)
        kinds = [BookerKind.CITY, BookerKind.WELLBEING_COUNTY, BookerKind.ASSOCIATION]
        if spec.schools:
            kinds.append(BookerKind.SCHOOL)
        disclosure_set_impl(
            expert=expert,
            by=None,
            pairs=[(area.pk, kind) for area in expert.areas.all() for kind in kinds],
        )
    _documents(expert, spec, by=by, today=today)
    if spec.tax_rate or spec.prepayment:
        valid_from, valid_until = _tax_year(today)
        rate = Decimal(spec.tax_rate) if spec.tax_rate else None
        tax_card_record_impl(
            expert=expert,
            by=by,
            valid_from=valid_from,
            valid_until=valid_until,
            base_rate=rate,
            additional_rate=rate + Decimal("20.00") if rate is not None else None,
            income_limit=Decimal("25000.00") if rate is not None else None,
            prepayment_register=spec.prepayment,
            # A payee in the prepayment register holds it for compensation for work.
            kind=TaxCard.Kind.WORK_COMPENSATION if spec.prepayment else TaxCard.Kind.WAGE,
        )


def _documents(expert: Expert, spec: DemoExpert, *, by: User | None, today: date) -> None:
    if spec.certified_days_ago is None and spec.status == T:
        document_record_impl(
            expert=expert,
            by=by,
            kind=ExpertDocument.Kind.CONFIDENTIALITY,
            dated=today - timedelta(days=60),
        )
        return
    signed = today - timedelta(days=(spec.certified_days_ago or 400) - 10)
    for kind in (ExpertDocument.Kind.CONFIDENTIALITY, ExpertDocument.Kind.AGREEMENT):
        document_record_impl(expert=expert, by=by, kind=kind, dated=signed)
    if spec.record is None:
        return
    seen_days_ago, valid_days = spec.record
    if seen_days_ago < 365:  # a renewed extract: the expired one stays on file
        old = today - timedelta(days=seen_days_ago + 800)
        document_record_impl(
            expert=expert,
            by=by,
            kind=ExpertDocument.Kind.CRIMINAL_RECORD,
            dated=old,
            valid_until=old + timedelta(days=730),
        )
    dated = today - timedelta(days=seen_days_ago)
    document_record_impl(
        expert=expert,
        by=by,
        kind=ExpertDocument.Kind.CRIMINAL_RECORD,
        dated=dated,
        valid_until=dated + timedelta(days=valid_days),
        note="Lasten kanssa työskentelyyn",
    )


def _keep_bookable(expert: Expert, spec: DemoExpert) -> None:
    """The first three experts may predate this demo: make sure bookings can use them."""
    today = timezone.localdate()
    if not expert.areas.exists():
        expert_update_impl(
            expert=expert,
            by=None,
            areas=_by_code(ExperienceArea, "slug", spec.areas),
            languages=_by_code(Language, "code", spec.languages),
            work_kinds=_by_code(WorkKind, "code", spec.kinds),
        )
    if expert.status != Expert.Status.ACTIVE or expert.certified_on is None:
        expert_update_impl(
            expert=expert,
            by=None,
            status=Expert.Status.ACTIVE,
            certified_on=expert.certified_on or today - timedelta(days=365),
        )
    if PrivacyNotice.current() is not None:
        consent_give_impl(expert=expert, by=None)  # returns the open consent if there is one
    if not expert.slots.exists():
        for weekday, start, end in EVERY_WEEKDAY:
            slot_add_impl(expert=expert, by=None, weekday=weekday, start=time(start), end=time(end))


NOTICE_SUMMARIES = {
    "summary_sv": (
        "Dataskyddsbeskrivning: erfarenhetsexpertbankens expertregister. Vi behandlar dina "
        "kontaktuppgifter, din utbildning, dina uppdrag och arvoden samt de erfarenhetsområden "
        "du själv väljer att visa. Du kan när som helst återkalla ditt samtycke."
    ),
    "summary_en": (
        "Privacy notice: the expert register of the experience expert bank. We process your "
        "contact details, your training, your gigs and fees, and the areas of experience you "
        "choose to show. You can withdraw your consent at any time."
    ),
}


def _notice_in_three_languages(log: Callable[[str], None]) -> None:
    """The current privacy notice's summary in Swedish and English too (only where empty)."""
    notice = PrivacyNotice.current()
    if notice is None:
        return
    missing = {
        field: text for field, text in NOTICE_SUMMARIES.items() if not getattr(notice, field)
    }
    if missing:
        PrivacyNotice.objects.filter(pk=notice.pk).update(**missing)
        log(f"translated the summary of privacy notice {notice.version}")


# A support person of the pool (issue 17): never offered gigs, paid the companion fee of the
# gigs he comes to, with an account, a wage tax card and an IBAN like any payee.
COMPANION = "jari.saarinen"


def _companion(*, by: User | None, log: Callable[[str], None]) -> Expert:
    user, _created = demo_user(
        email=f"{COMPANION}@{DEMO_DOMAIN}",
        full_name="Jari Saarinen",
        language="fi",
        phone="+358 40 555 0990",
        phone_verified=True,
        log=log,
    )
    expert, created = Expert.objects.get_or_create(user=user)
    if not created:
        return expert
    today = timezone.localdate()
    account = iban("100", "7654321")
    expert_update_impl(
        expert=expert,
        by=by,
        role=Expert.Role.SUPPORT_PERSON,
        status=Expert.Status.ACTIVE,
        status_since=today - timedelta(days=400),
        shown_as=Expert.ShownAs.NAME,
        municipality="Helsinki",
        region="Uusimaa",
        identity_code=identity_code(date(1962, 4, 9), 417),
        iban=account,
        bic=str(IBAN(account).bic or ""),
        notes="Mikko Mäkisen pitkäaikainen tukihenkilö.",
    )
    expert.refresh_from_db()
    valid_from, valid_until = _tax_year(today)
    tax_card_record_impl(
        expert=expert,
        by=by,
        valid_from=valid_from,
        valid_until=valid_until,
        base_rate=Decimal("15.00"),
        additional_rate=Decimal("35.00"),
        income_limit=Decimal("18000.00"),
        prepayment_register=False,
        kind=TaxCard.Kind.WAGE,
    )
    log("added the support person Jari Saarinen")
    return expert


# Two demo experts with access and support needs: Mikko shares his with the booking unit (it sees
# them on the booking page) and comes with Jari, paid the companion fee; Johanna keeps hers
# between herself and the coordinators and needs a sign-language interpreter.
SUPPORT = {
    "mikko.makinen": {
        "companion": True,
        "no_evenings": True,
        "max_minutes": 120,
        "step_free": True,
        "other": "Tukihenkilöni Jari tulee mukaan ja istuu salissa.",
        "shared_with_unit": ["companion", "no_evenings", "max_minutes"],
    },
    "johanna.lindholm": {
        "interpreter": SupportProfile.Interpreter.SIGN,
        "quiet_room": True,
        "questions_in_advance": True,
        "other": "Jag behöver en kort paus varje timme.",
        "shared_with_unit": [],
    },
}


def _support(*, by: User | None, log: Callable[[str], None]) -> None:
    """The demo experts' support needs (only where none are saved yet); Jari is Mikko's usual
    companion."""
    companion = _companion(by=by, log=log)
    for local, values in SUPPORT.items():
        expert = Expert.objects.filter(user__email=f"{local}@{DEMO_DOMAIN}").first()
        if expert is None or SupportProfile.objects.filter(expert=expert).exists():
            continue
        if values.get("companion"):
            values = {**values, "companion_person": companion}
        support_profile_set_impl(expert=expert, by=by, **values)
        log(f"saved the support needs of {expert.name}")


def seed(*, log: Callable[[str], None]) -> None:
    coordinator = User.objects.filter(email=f"koordinaattori@{DEMO_DOMAIN}").first()
    _notice_in_three_languages(log)
    for index, spec in enumerate(EXPERTS):
        user, _created = demo_user(
            email=spec.email,
            full_name=spec.name,
            language=spec.language,
            phone=f"+358 40 555 {index + 1:04d}",
            phone_verified=True,
            log=log,
        )
        expert, created = Expert.objects.get_or_create(user=user)
        if created:
            _fill(expert, spec, by=coordinator, index=index)
            log(f"filled the profile of {spec.name}")
        if index < 3:
            _keep_bookable(expert, spec)
    _support(by=coordinator, log=log)
    _plain_language(log=log)


# Issue 17: an expert who chose plain language (selkokieli): his pages and his offers, reminders
# and fee messages are short and plain. Chosen before the bookings are built, so the messages
# the bookings demo sends him are plain too.
PLAIN_EXPERT = f"pekka.nieminen@{DEMO_DOMAIN}"


def _plain_language(*, log: Callable[[str], None]) -> None:
    if User.objects.filter(email=PLAIN_EXPERT, plain_language=False).update(plain_language=True):
        log(f"{PLAIN_EXPERT} chose plain language")
