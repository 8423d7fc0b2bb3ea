"""The terms of a booking and the facts a price depends on: frozen when requested, changed only
deliberately, each change in the booking's history.

- ``booking_reprice``: a coordinator gives one booking new terms (the row in force now, another
  row, or terms by hand), saying why; gigs not yet approved are re-estimated.
- ``booking_change``: the unit, the kind of work, the audience or the number of experts, with the
  checks each needs (experts already on the booking must still fit: an audience under 18 needs
  their criminal-record extracts, another organisation needs their disclosure to its kind).
- ``booking_fund``: charge the booking to a funding source, or back to its unit.
- ``terms_change_record``: the history of price lists and funding sources (the admin's edits).
"""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from bookings import money
from bookings.matching import ExclusionReason, rules_broken
from bookings.models import (
    TERMS_FIELDS,
    Assignment,
    Booking,
    BookingTerms,
    FundingSource,
    Gig,
    PriceList,
    PriceRow,
    PriceTerms,
    TermsChange,
    Unit,
)
from bookings.models.bookings import MAX_EXPERTS
from bookings.services.common import (
    BookingError,
    Kind,
    booking_is_panel,
    lock_booking,
    lock_gigs,
    record,
)
from expertbank.models import User
from experts.models import WorkKind

Status = Booking.Status

# A booking's terms can be changed until it is settled.
REPRICEABLE = (*Booking.OPEN, Status.DELIVERED, Status.CANCELLED)


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _diff(before: Mapping[str, object], after: Mapping[str, object]) -> dict[str, list[str]]:
    return {
        name: [_text(before.get(name)), _text(after.get(name))]
        for name in after
        if before.get(name) != after.get(name)
    }


def freeze_terms(
    booking: Booking, *, source: PriceTerms | None, by: User | None, row: PriceRow | None = None
) -> BookingTerms | None:
    """Copy ``source`` onto ``booking`` as its new terms (none without a source)."""
    if source is None:
        return None
    terms = BookingTerms(
        booking=booking, source_row=row, created_by=by, **money.terms_values(source)
    )
    try:
        terms.full_clean(exclude=["booking", "source_row", "created_by"])
    except ValidationError as exc:
        raise BookingError(" ".join(exc.messages)) from exc
    terms.save()
    return terms


def row_in_force(booking: Booking) -> PriceRow | None:
    """The price row in force for ``booking`` today: its organisation, kind and first date."""
    return money.price_row_for(
        organisation_id=booking.unit.organisation_id,
        work_kind_id=booking.work_kind_id,
        day=money.terms_day(booking.first_start),
    )


def _reprice(
    booking: Booking,
    *,
    by: User,
    reason: str,
    row: PriceRow | None = None,
    values: Mapping[str, object] | None = None,
) -> BookingTerms:
    before = money.terms_values(booking.terms) if booking.terms else {}
    if values is not None:
        source = BookingTerms(**{name: values[name] for name in TERMS_FIELDS})
    else:
        source = row
    if source is None:
        raise BookingError(
            _(
                "No price row for %(kind)s is in force for this booking. Add one to a price "
                "list, or give the terms by hand."
            )
            % {"kind": booking.work_kind.name}
        )
    after = money.terms_values(source)
    changes = _diff(before, after)
    if before and not changes:
        raise BookingError(_("Nothing changed: these are the booking's terms already."))
    terms = freeze_terms(booking, source=source, by=by, row=row if values is None else None)
    booking.terms = terms
    booking.save(update_fields=["terms", "updated_at"])
    record(booking, booking=booking, by=by, kind=Kind.TERMS, note=reason, changes=changes)
    _reestimate(booking)
    return terms


def _reestimate(booking: Booking) -> None:
    """Planned gigs carry the fee estimated under the booking's terms (earnings caps read it)."""
    for gig in lock_gigs(Gig.objects.filter(booking=booking, status=Gig.Status.PLANNED)):
        gig.fee_amount = money.gig_fee(
            booking.terms, start=gig.start, end=gig.end, expert=gig.expert
        )
        gig.save(update_fields=["fee_amount"])


def booking_can_reprice(booking: Booking) -> bool:
    """A booking's terms can be changed until it is closed (or if it was rejected)."""
    return booking.status in REPRICEABLE


@transaction.atomic(durable=True)
def booking_reprice(
    *,
    booking: Booking,
    by: User,
    reason: str,
    row: PriceRow | None = None,
    values: Mapping[str, object] | None = None,
) -> BookingTerms:
    """Give one booking new terms, deliberately: from ``row`` (default: the row in force now for
    its organisation, kind of work and first date) or from ``values`` given by hand.

    Refused for a booking that is closed or rejected, without a reason, or when nothing would
    change. The history records who, when, the old and the new terms; gigs already approved keep
    the amounts fixed then, planned gigs are re-estimated.
    """
    booking = lock_booking(booking.pk)
    if not booking_can_reprice(booking):
        raise BookingError(
            _("The terms of a %(status)s booking can no longer be changed.")
            % {"status": booking.get_status_display()}
        )
    reason = reason.strip()
    if not reason:
        raise BookingError(_("Say why the terms change: the history keeps it."))
    if row is not None and row.work_kind_id != booking.work_kind_id:
        raise BookingError(_("Choose a price row for this booking's kind of work."))
    if row is None and values is None:
        row = row_in_force(booking)
    return _reprice(booking, by=by, reason=reason, row=row, values=values)


def _details(booking: Booking) -> dict[str, object]:
    """What ``booking_change`` changes, as the history shows it."""
    return {
        "unit": booking.unit,
        "work_kind": booking.work_kind,
        "audience": booking.get_audience_display(),
        "experts_wanted": booking.experts_wanted,
    }


def booking_panel_change_refusal() -> str:
    """Why a panel's meetings booking's unit, kind, audience and seats are not changed."""
    return _(
        "This booking holds a customer panel's meetings: its unit, kind and seats follow the "
        "panel. Change the meetings and members on the panel's page."
    )


def booking_can_change(booking: Booking) -> bool:
    """The unit, kind of work, audience and seats can change until the booking is delivered,
    except a customer panel's meetings booking's (its seats are the panel's members)."""
    return booking.status in Booking.OPEN and not booking_is_panel(booking)


@transaction.atomic(durable=True)
def booking_change(
    *,
    booking: Booking,
    by: User,
    reason: str,
    unit: Unit | None = None,
    work_kind: WorkKind | None = None,
    audience: str | None = None,
    experts_wanted: int | None = None,
) -> Booking:
    """Change what a booking's price and staffing depend on, with the checks each needs.

    - the **unit**: the experts on the booking must show a wanted area to the new organisation's
      kind of booker;
    - the **audience**: an audience under 18 needs a valid criminal-record extract of every
      expert offered or accepted, at every time that has not begun;
    - the **seats**: never fewer than the experts who have accepted;
    - another unit's organisation or another kind of work takes the terms of the price row in
      force for them (recorded as a change of terms).

    Only before delivery; the history records the old and new values and the reason.
    """
    booking = lock_booking(booking.pk)
    if booking_is_panel(booking):
        raise BookingError(booking_panel_change_refusal())
    if not booking_can_change(booking):
        raise BookingError(
            _("A %(status)s booking can no longer be changed.")
            % {"status": booking.get_status_display()}
        )
    reason = reason.strip()
    if not reason:
        raise BookingError(_("Say why the booking changes: the history keeps it."))
    changes, repriced = apply_details(
        booking, unit=unit, work_kind=work_kind, audience=audience, experts_wanted=experts_wanted
    )
    if not changes:
        raise BookingError(_("Nothing changed."))
    booking.save(update_fields=["unit", "work_kind", "audience", "experts_wanted", "updated_at"])
    record(booking, booking=booking, by=by, kind=Kind.DETAILS, note=reason, changes=changes)
    if repriced:
        reprice_in_force(booking, by=by, reason=reason)
    return booking


def apply_details(
    booking: Booking,
    *,
    unit: Unit | None = None,
    work_kind: WorkKind | None = None,
    audience: str | None = None,
    experts_wanted: int | None = None,
) -> tuple[dict[str, list[str]], bool]:
    """Set the unit, kind of work, audience and seats on the locked ``booking`` (not saved) with
    the checks of ``booking_change``: the changed fields as the history shows them, and whether
    the terms must follow (another organisation or kind of work: ``reprice_in_force``)."""
    before = _details(booking)
    organisation_before = booking.unit.organisation_id
    kind_before = booking.work_kind_id
    if unit is not None:
        booking.unit = unit
    if work_kind is not None:
        booking.work_kind = work_kind
    if audience is not None:
        if audience not in Booking.Audience.values:
            raise BookingError(_("Choose the audience from the list."))
        booking.audience = audience
    live = list(
        booking.assignments.filter(status__in=Assignment.LIVE)
        .select_related("expert__user")
        .order_by("pk")
    )
    if experts_wanted is not None:
        accepted = sum(
            1 for a in live if a.status == Assignment.Status.ACCEPTED and a.partner_of_id is None
        )
        if not 1 <= experts_wanted <= MAX_EXPERTS:
            raise BookingError(
                _("Ask for 1 to %(max)s experts in one booking.") % {"max": MAX_EXPERTS}
            )
        if experts_wanted < accepted:
            raise BookingError(
                ngettext(
                    "%(accepted)s expert has already accepted. Take them off the booking first "
                    "if none is needed.",
                    "%(accepted)s experts have already accepted. Take one off the booking first "
                    "if fewer are needed.",
                    accepted,
                )
                % {"accepted": accepted}
            )
        booking.experts_wanted = experts_wanted
    changes = _diff(before, _details(booking))
    codes = set()
    if booking.audience == Booking.Audience.MINORS:
        codes.add(ExclusionReason.CRIMINAL_RECORD)
    if booking.unit.organisation_id != organisation_before:
        codes.add(ExclusionReason.NOT_DISCLOSED)
    if changes and codes and live:
        broken = rules_broken(booking, experts=[a.expert for a in live], codes=frozenset(codes))
        if broken:
            names = [
                f"{a.expert.name} ({broken[a.expert.pk][0].text})"
                for a in live
                if a.expert.pk in broken
            ]
            raise BookingError(
                _(
                    "%(names)s could not stay on the booking after this change. Take them off "
                    "the booking first, or keep the booking as it is."
                )
                % {"names": ", ".join(names)}
            )
    repriced = (
        booking.unit.organisation_id != organisation_before or booking.work_kind_id != kind_before
    )
    return changes, repriced


def reprice_in_force(booking: Booking, *, by: User, reason: str) -> None:
    """After another organisation or kind of work: the terms of the row in force for them, when
    there is one and it differs (recorded as a change of terms)."""
    row = row_in_force(booking)
    if row is not None and (
        booking.terms is None or money.terms_values(row) != money.terms_values(booking.terms)
    ):
        _reprice(booking, by=by, reason=reason, row=row)


@transaction.atomic(durable=True)
def booking_fund(
    *, booking: Booking, funding_source: FundingSource | None, by: User, reason: str = ""
) -> Booking:
    """Charge the booking to a funded project, or back to its unit (empty)."""
    booking = lock_booking(booking.pk)
    if booking.status not in (*Booking.OPEN, Status.DELIVERED):
        raise BookingError(
            _("The billing of a %(status)s booking can no longer be changed.")
            % {"status": booking.get_status_display()}
        )
    if funding_source is not None and not funding_source.active:
        raise BookingError(_("This funding source is no longer in use."))
    before = booking.funding_source
    if before == funding_source:
        raise BookingError(_("Nothing changed: the booking is billed this way already."))
    booking.funding_source = funding_source
    booking.save(update_fields=["funding_source", "updated_at"])
    record(
        booking,
        booking=booking,
        by=by,
        kind=Kind.FUNDING,
        note=reason.strip(),
        changes={"funding_source": [_text(before), _text(funding_source)]},
    )
    return booking


def terms_change_record(
    *,
    by: User | None,
    kind: str,
    price_list: PriceList | None = None,
    funding_source: FundingSource | None = None,
    note: str = "",
    changes: Mapping[str, list[str]] | None = None,
) -> TermsChange:
    """One history row of a price list or a funding source (the same convention as bookings)."""
    return TermsChange.write(
        price_list=price_list,
        funding_source=funding_source,
        by=by,
        kind=kind,
        note=note,
        changes=changes,
    )


def values_diff(before: Mapping[str, object], after: Mapping[str, object]) -> dict[str, list[str]]:
    """``{field: [before, after]}`` of the fields that differ, as text (for history rows)."""
    return _diff(before, after)
