"""The coordinator's register of who books and on what terms: organisations, units, price lists
and funding sources.

- Nothing is deleted: an organisation, unit, price list or funding source is **deactivated**. A
  deactivated unit (or any unit of a deactivated organisation) requests no new bookings and leaves
  the pickers; its bookings, invoices and members stay.
- A price list changes by **a new dated version** (``price_list_version_add``): the rows in force
  are ended the day before and new rows start on the version's date. The terms of a row are never
  changed, so a booking's frozen terms always match the row they came from.
- Every change is recorded: organisations and units in the audit log, price lists and funding
  sources in their own history (``TermsChange``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from bookings import money
from bookings.models import (
    FundingSource,
    Organisation,
    PriceList,
    PriceRow,
    TermsChange,
    Unit,
)
from bookings.services.common import BookingError
from bookings.services.terms import terms_change_record, values_diff
from expertbank.models import User
from expertbank.services.audit import audit_record, changes_between, snapshot
from experts.models import WorkKind

AUDITED = {
    Organisation: ("name", "business_id", "kind", "active"),
    Unit: (
        "organisation",
        "name",
        "visiting_address",
        "billing_address",
        "e_invoice_address",
        "e_invoice_operator",
        "cost_centre",
        "payment_terms_days",
        "invoice_language",
        "contact_name",
        "contact_email",
        "contact_phone",
        "active",
    ),
}


def _short(day: date) -> str:
    return formats.date_format(day, "SHORT_DATE_FORMAT")


# --- Organisations and units ---------------------------------------------------------------------


@transaction.atomic(durable=True)
def register_save(*, instance: Organisation | Unit, by: User) -> Organisation | Unit:
    """Save a new or edited organisation or unit (validated by its form) with an audit entry."""
    fields = AUDITED[type(instance)]
    created = instance.pk is None
    before = {} if created else snapshot(type(instance).objects.get(pk=instance.pk), fields)
    instance.save()
    changes = changes_between(before, snapshot(instance, fields))
    if created or changes:
        audit_record(
            obj=instance, actor=by, action="created" if created else "changed", changes=changes
        )
    return instance


@transaction.atomic(durable=True)
def register_set_active(
    *, instance: Organisation | Unit | PriceList | FundingSource, active: bool, by: User
) -> None:
    """Deactivate (or activate again) an organisation, unit, price list or funding source.

    Deactivating keeps every booking, invoice and member; it only takes the thing out of use
    from now on. Refused when nothing would change.
    """
    model = type(instance)
    instance = model.objects.select_for_update().get(pk=instance.pk)
    if instance.active == active:
        raise BookingError(
            _("It is already in use.") if active else _("It is already deactivated.")
        )
    instance.active = active
    instance.save(update_fields=["active"])
    changes = {"active": [str(not active), str(active)]}
    if model is PriceList:
        terms_change_record(
            by=by, kind=TermsChange.Kind.LIST_CHANGED, price_list=instance, changes=changes
        )
    elif model is FundingSource:
        terms_change_record(
            by=by,
            kind=TermsChange.Kind.FUNDING_CHANGED,
            funding_source=instance,
            changes=changes,
        )
    else:
        audit_record(
            obj=instance,
            actor=by,
            action="activated" if active else "deactivated",
            changes=changes,
        )


# --- Price lists ---------------------------------------------------------------------------------


def _row_values(row: PriceRow) -> dict[str, object]:
    return {"valid_from": row.valid_from, "valid_until": row.valid_until, **money.terms_values(row)}


@transaction.atomic(durable=True)
def price_list_save(*, price_list: PriceList, by: User, changed: list[str]) -> PriceList:
    """Save a price list's name, organisation and notes (validated by its form), with history.

    The organisation decides whose bookings take these prices: once a booking took terms from
    the list, the organisation stays.
    """
    created = price_list.pk is None
    if not created:
        stored = PriceList.objects.select_for_update().get(pk=price_list.pk)
        if stored.organisation_id != price_list.organisation_id and price_list_in_use(stored):
            raise BookingError(
                _("Bookings took their terms from this price list: its organisation stays.")
            )
    price_list.save()
    if created or changed:
        terms_change_record(
            by=by,
            kind=TermsChange.Kind.LIST_CHANGED,
            price_list=price_list,
            changes={name: ["", str(getattr(price_list, name) or "")] for name in changed},
        )
    return price_list


def price_list_in_use(price_list: PriceList) -> bool:
    """A booking's terms were copied from one of the list's rows."""
    return PriceRow.objects.filter(price_list=price_list, booking_terms__isnull=False).exists()


def price_list_next_version_day(price_list: PriceList, *, today: date | None = None) -> date:
    """The earliest day a new version of ``price_list`` can start: today, and after its latest
    version (one version a day)."""
    today = today or timezone.localdate()
    latest = price_list.rows.aggregate(latest=models.Max("valid_from"))["latest"]
    if latest is not None and latest >= today:
        return latest + timedelta(days=1)
    return today


@transaction.atomic(durable=True)
def price_list_version_add(
    *,
    price_list: PriceList,
    valid_from: date,
    rows: Mapping[WorkKind, Mapping[str, Any] | None],
    by: User,
    note: str = "",
    today: date | None = None,
) -> list[PriceRow]:
    """Add a dated version of a price list: from ``valid_from`` each kind of work in ``rows``
    with terms costs what they say; a kind given ``None`` is no longer priced by this list.

    The frozen-terms rule: no row's terms change. The rows in force on ``valid_from`` are ended
    the day before (bookings keep the terms copied from them); a version starts today or later
    and after the list's latest version, so it never rewrites what was already in force.
    """
    return _version_add(
        price_list=price_list, valid_from=valid_from, rows=rows, by=by, note=note, today=today
    )


@transaction.atomic(durable=True)
def price_list_create(
    *,
    price_list: PriceList,
    valid_from: date,
    rows: Mapping[WorkKind, Mapping[str, Any] | None],
    by: User,
    note: str = "",
    today: date | None = None,
) -> PriceList:
    """A new price list (validated by its form) with its first version; neither is saved when
    the version is refused."""
    price_list.save()
    terms_change_record(by=by, kind=TermsChange.Kind.LIST_CHANGED, price_list=price_list)
    _version_add(
        price_list=price_list, valid_from=valid_from, rows=rows, by=by, note=note, today=today
    )
    return price_list


def _version_add(
    *,
    price_list: PriceList,
    valid_from: date,
    rows: Mapping[WorkKind, Mapping[str, Any] | None],
    by: User,
    note: str,
    today: date | None,
) -> list[PriceRow]:
    price_list = PriceList.objects.select_for_update().get(pk=price_list.pk)
    earliest = price_list_next_version_day(price_list, today=today)
    if valid_from < earliest:
        raise BookingError(
            _("A new version can start on %(day)s at the earliest.") % {"day": _short(earliest)}
        )
    if not any(values is not None for values in rows.values()):
        raise BookingError(_("Give the prices of at least one kind of work."))
    open_rows = list(
        PriceRow.objects.select_for_update()
        .filter(price_list=price_list, work_kind__in=list(rows))
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=valid_from))
        .select_related("work_kind")
        .order_by("pk")
    )
    day_before = valid_from - timedelta(days=1)
    for row in open_rows:
        before = _row_values(row)
        row.valid_until = day_before
        row.save(update_fields=["valid_until"])
        terms_change_record(
            by=by,
            kind=TermsChange.Kind.ROW_CHANGED,
            price_list=price_list,
            note=f"{row.work_kind} {_short(row.valid_from)}",
            changes=values_diff(before, _row_values(row)),
        )
    added = []
    for work_kind, values in rows.items():
        if values is None:
            continue
        row = PriceRow(price_list=price_list, work_kind=work_kind, valid_from=valid_from, **values)
        try:
            row.full_clean()
        except ValidationError as exc:
            raise BookingError(f"{work_kind.name}: {' '.join(exc.messages)}") from exc
        row.save()
        terms_change_record(
            by=by,
            kind=TermsChange.Kind.ROW_ADDED,
            price_list=price_list,
            note=" ".join(part for part in (f"{work_kind} {_short(valid_from)}", note) if part),
            changes=values_diff({}, _row_values(row)),
        )
        added.append(row)
    return added


# --- Funding sources -----------------------------------------------------------------------------

FUNDING_FIELDS = ("name", "code", "funder", "budget", "valid_from", "valid_until", "notes")


@transaction.atomic(durable=True)
def funding_source_save(*, funding_source: FundingSource, by: User) -> FundingSource:
    """Save a new or edited funding source (validated by its form), with its history."""
    created = funding_source.pk is None
    before = (
        {} if created else snapshot(FundingSource.objects.get(pk=funding_source.pk), FUNDING_FIELDS)
    )
    funding_source.save()
    changes = values_diff(before, snapshot(funding_source, FUNDING_FIELDS))
    if created or changes:
        terms_change_record(
            by=by,
            kind=TermsChange.Kind.FUNDING_CHANGED,
            funding_source=funding_source,
            changes=changes,
        )
    return funding_source
