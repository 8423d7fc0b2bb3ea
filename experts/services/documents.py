"""Documents seen or signed, and tax cards. Every record, end and removal is in the expert's
audit log; tax-card rates are sensitive, so the log names only the card's period.

The rules of each live in one ``*_check`` function next to the service; the admin's forms ask
the same function, so a wrong value is a form error there rather than a failed save.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from expertbank.models import User
from expertbank.services.audit import audit_record
from experts.models import Expert, ExpertDocument, TaxCard
from experts.services.pool import ExpertError


def _lock(expert_id: int) -> Expert:
    return Expert.objects.select_for_update().get(pk=expert_id)


# --- Documents -------------------------------------------------------------------------------


def document_check(*, kind: str, dated: date, valid_until: date | None) -> None:
    """A document is of a known kind, not dated in the future, and does not expire before its
    date."""
    if kind not in ExpertDocument.Kind.values:
        raise ExpertError(_("Choose the kind of document."))
    if valid_until is not None and valid_until < dated:
        raise ExpertError(_("A document cannot expire before its date."))
    if dated > timezone.localdate():
        raise ExpertError(_("The date of a document cannot be in the future."))


def document_record_impl(
    *,
    expert: Expert,
    by: User | None,
    kind: str,
    dated: date,
    valid_until: date | None = None,
    note: str = "",
) -> ExpertDocument:
    """``document_record`` inside the caller's transaction (the admin, demo data)."""
    document_check(kind=kind, dated=dated, valid_until=valid_until)
    expert = _lock(expert.pk)
    document = ExpertDocument.objects.create(
        expert=expert, kind=kind, dated=dated, valid_until=valid_until, note=note, recorded_by=by
    )
    audit_record(
        obj=expert,
        actor=by,
        action="document recorded",
        changes={document.kind: ["", f"{dated:%d.%m.%Y}"]},
    )
    return document


@transaction.atomic(durable=True)
def document_record(
    *,
    expert: Expert,
    by: User | None,
    kind: str,
    dated: date,
    valid_until: date | None = None,
    note: str = "",
) -> ExpertDocument:
    """Record a document seen or signed; it cannot expire before its date."""
    return document_record_impl(
        expert=expert, by=by, kind=kind, dated=dated, valid_until=valid_until, note=note
    )


def document_delete_impl(*, document: ExpertDocument, by: User | None) -> None:
    """``document_delete`` inside the caller's transaction (the admin)."""
    expert = _lock(document.expert_id)
    document = ExpertDocument.objects.get(pk=document.pk)
    document.delete()
    audit_record(
        obj=expert,
        actor=by,
        action="document deleted",
        changes={document.kind: [f"{document.dated:%d.%m.%Y}", ""]},
    )


@transaction.atomic(durable=True)
def document_delete(*, document: ExpertDocument, by: User | None) -> None:
    """Remove a document recorded by mistake; the audit log keeps its kind and date."""
    document_delete_impl(document=document, by=by)


# --- Tax cards -------------------------------------------------------------------------------


def tax_card_check(
    *,
    valid_from: date,
    valid_until: date,
    base_rate: Decimal | None,
    additional_rate: Decimal | None,
    income_limit: Decimal | None,
    prepayment_register: bool,
    kind: str = TaxCard.Kind.WAGE,
    income_limit_feb_dec: Decimal | None = None,
) -> None:
    """A tax card ends on or after its first day; it has a base rate unless the payee is in the
    prepayment register (which frees only compensation for work); a card with an income limit
    has the additional rate for income above it; rates are percentages (0–100) and the limits
    are not negative."""
    if kind not in TaxCard.Kind.values:
        raise ExpertError(_("Choose the kind of the tax card."))
    if prepayment_register and kind != TaxCard.Kind.WORK_COMPENSATION:
        raise ExpertError(
            _(
                "The prepayment register frees only compensation for work from withholding: mark "
                "it on a card for compensation for work."
            )
        )
    if valid_until < valid_from:
        raise ExpertError(_("A tax card cannot end before it starts."))
    if base_rate is None and not prepayment_register:
        raise ExpertError(
            _("Enter the base withholding rate, or mark the expert as in the prepayment register.")
        )
    limited = income_limit is not None or income_limit_feb_dec is not None
    if base_rate is not None and limited and additional_rate is None:
        raise ExpertError(_("A tax card with an income limit needs the additional rate."))
    for rate in (base_rate, additional_rate):
        if rate is not None and not Decimal(0) <= rate <= Decimal(100):
            raise ExpertError(_("A withholding rate is a percentage from 0 to 100."))
    for limit in (income_limit, income_limit_feb_dec):
        if limit is not None and limit < 0:
            raise ExpertError(_("The income limit cannot be negative."))


def tax_card_record_impl(
    *,
    expert: Expert,
    by: User | None,
    valid_from: date,
    valid_until: date,
    base_rate: Decimal | None = None,
    additional_rate: Decimal | None = None,
    income_limit: Decimal | None = None,
    prepayment_register: bool = False,
    kind: str = TaxCard.Kind.WAGE,
    income_limit_feb_dec: Decimal | None = None,
) -> TaxCard:
    """``tax_card_record`` inside the caller's transaction (the admin, demo data)."""
    tax_card_check(
        valid_from=valid_from,
        valid_until=valid_until,
        base_rate=base_rate,
        additional_rate=additional_rate,
        income_limit=income_limit,
        prepayment_register=prepayment_register,
        kind=kind,
        income_limit_feb_dec=income_limit_feb_dec,
    )
    expert = _lock(expert.pk)
    card = TaxCard.objects.create(
        expert=expert,
        valid_from=valid_from,
        valid_until=valid_until,
        base_rate=base_rate,
        additional_rate=additional_rate,
        income_limit=income_limit,
        prepayment_register=prepayment_register,
        kind=kind,
        income_limit_feb_dec=income_limit_feb_dec,
    )
    # The rates are sensitive: the log says only that a card for the period was recorded.
    audit_record(
        obj=expert,
        actor=by,
        action="tax card recorded",
        changes={"tax_card": ["", str(card)]},
    )
    return card


@transaction.atomic(durable=True)
def tax_card_record(
    *,
    expert: Expert,
    by: User | None,
    valid_from: date,
    valid_until: date,
    base_rate: Decimal | None = None,
    additional_rate: Decimal | None = None,
    income_limit: Decimal | None = None,
    prepayment_register: bool = False,
    kind: str = TaxCard.Kind.WAGE,
    income_limit_feb_dec: Decimal | None = None,
) -> TaxCard:
    """Record a tax card for fees (the rules: ``tax_card_check``). A later card (a revised
    one) wins from its first day on."""
    return tax_card_record_impl(
        expert=expert,
        by=by,
        valid_from=valid_from,
        valid_until=valid_until,
        base_rate=base_rate,
        additional_rate=additional_rate,
        income_limit=income_limit,
        prepayment_register=prepayment_register,
        kind=kind,
        income_limit_feb_dec=income_limit_feb_dec,
    )


def tax_card_end_check(card: TaxCard, last_day: date) -> None:
    """A card can be ended earlier, never before its first day; it is never lengthened (a new
    period is a new card)."""
    if last_day < card.valid_from:
        raise ExpertError(_("A tax card cannot end before it starts."))
    if last_day > card.valid_until:
        raise ExpertError(
            _("A tax card can only be ended earlier. Record a new card for a later period.")
        )


def tax_card_end_impl(*, card: TaxCard, by: User | None, last_day: date) -> TaxCard:
    """``tax_card_end`` inside the caller's transaction (the admin)."""
    expert = _lock(card.expert_id)
    card = TaxCard.objects.select_for_update().get(pk=card.pk)
    tax_card_end_check(card, last_day)
    if last_day == card.valid_until:
        return card
    before = str(card)
    card.valid_until = last_day
    card.save(update_fields=["valid_until"])
    audit_record(
        obj=expert, actor=by, action="tax card ended", changes={"tax_card": [before, str(card)]}
    )
    return card


@transaction.atomic(durable=True)
def tax_card_end(*, card: TaxCard, by: User | None, last_day: date) -> TaxCard:
    """End a tax card on ``last_day`` (e.g. the tax office revoked it); the log keeps both
    periods."""
    return tax_card_end_impl(card=card, by=by, last_day=last_day)


def tax_card_delete_impl(*, card: TaxCard, by: User | None) -> None:
    """``tax_card_delete`` inside the caller's transaction (the admin)."""
    expert = _lock(card.expert_id)
    card = TaxCard.objects.get(pk=card.pk)
    period = str(card)
    card.delete()
    audit_record(
        obj=expert, actor=by, action="tax card deleted", changes={"tax_card": [period, ""]}
    )


@transaction.atomic(durable=True)
def tax_card_delete(*, card: TaxCard, by: User | None) -> None:
    """Remove a tax card recorded by mistake; the audit log keeps its period."""
    tax_card_delete_impl(card=card, by=by)
