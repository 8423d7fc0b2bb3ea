"""Every money rule of fee payments, one function per rule.

- **What a gig pays** (``gig_lines``): its fee (at the income type of its kind of work: 214
  lecture fee, 210 meeting fee, 336 compensation for work; a fee of 0 when the expert takes
  expenses only or declined it), or its late-cancellation fee; its kilometres at the tax-free
  allowance of the trip's date (311, reported with the kilometres); its expenses against
  receipts (tax-free, not reported); and the companion fee of an approved gig whose expert
  came with a support person of the pool (hours × the terms' companion fee,
  ``bookings.money.gig_support``), a 210 meeting fee paid on the companion's own statement
  (``Line.payee``) under the same withholding rules. Fees outside employment carry withholding
  only: no TyEL, unemployment or health-insurance contributions.
- **The tax card** (``card_for``): the card valid on the payment date, of the right kind — a
  wage card for 210/214, a *työkorvaus* card for 336 (a wage card cannot be used for 336). No
  valid card: the no-card rate (``NoCardRate``, 60 %). The prepayment register frees only 336
  from withholding; 210 and 214 are always withheld.
- **The limit** (``limit_for``): the card's yearly limit counts income paid from 1 January of
  the payment's year; a card with only a February–December limit counts from 1 February.
  Income paid before this payment in that period (``TaxFacts.income_before``) decides how much
  of it the base rate covers; ``expertbank.finnish.withholding`` does the arithmetic, per payment,
  rounded half up to the cent.
- **A statement** (``totals``): gross per income type − withholding + reimbursements = payout.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db.models import QuerySet, Sum
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from bookings.models import Gig
from bookings.money import gig_support, hours_between
from expertbank.amounts import ZERO, cents
from expertbank.bulk import update_each
from expertbank.finnish import withholding
from expertbank.formatting import euros, plain_number
from experts.models import Expert, TaxCard
from invoicing.models import FeeLine, FeeStatement, IncomeType, NoCardRate
from invoicing.money import mileage_allowance, mileage_rate

Kind = FeeLine.Kind
WAGE_TYPES = IncomeType.wages()
WORK_TYPES = (IncomeType.WORK_COMPENSATION,)


def income_type_of(gig: Gig, *, companion: bool = False) -> str:
    """The income type of a gig's fee: its kind of work's, 336 if it names none we pay. A
    companion takes part in the meeting, not in the talk or the work: their fee is a 210
    meeting fee whatever the gig's kind."""
    if companion:
        return IncomeType.MEETING_FEE
    code = gig.booking.work_kind.income_type
    return code if code in (*WAGE_TYPES, *WORK_TYPES) else IncomeType.WORK_COMPENSATION


@dataclass
class Line:
    kind: str
    gig: Gig
    date: date
    description: str
    income_type: str
    amount: Decimal
    km: int = 0
    # Paid to someone other than the gig's expert: the companion (``None``: the expert).
    payee: Expert | None = None


def gig_lines(gig: Gig, *, rates: dict[date, Decimal] | None = None) -> list[Line]:
    """What one gig pays its expert (see the module). ``rates``: the kilometre allowance of each
    day read so far, kept by a run so that it reads each day's once."""
    day = timezone.localdate(gig.start)
    booking = gig.booking
    income_type = income_type_of(gig)
    if gig.status == Gig.Status.CANCELLED:
        return [
            Line(
                Kind.CANCELLATION,
                gig,
                day,
                _("Late cancellation: %(title)s") % {"title": booking.title},
                income_type,
                cents(gig.fee_amount),
            )
        ]
    report = getattr(gig, "report", None)
    hours = report.hours if report is not None else hours_between(gig.start, gig.end)
    description = _("%(kind)s: %(title)s, %(hours)s h") % {
        "kind": booking.work_kind.name,
        "title": booking.title,
        "hours": plain_number(hours),
    }
    if report is not None and report.preparation_hours:
        description += " + " + _("%(hours)s h preparation") % {
            "hours": plain_number(report.preparation_hours)
        }
    lines = [Line(Kind.FEE, gig, day, description, income_type, cents(gig.fee_amount))]
    if report is not None and report.km:
        rates = {} if rates is None else rates
        if day not in rates:
            rates[day] = mileage_rate(day)
        lines.append(
            Line(
                Kind.MILEAGE,
                gig,
                day,
                _("%(km)s km from %(place)s") % {"km": report.km, "place": report.km_from},
                IncomeType.KILOMETRE_ALLOWANCE,
                mileage_allowance(km=report.km, trip_date=day, rate=rates[day]),
                km=report.km,
            )
        )
    if report is not None:
        spent = sum((expense.amount for expense in report.expenses.all()), ZERO)
        if spent:
            what = ", ".join(expense.description for expense in report.expenses.all())
            lines.append(Line(Kind.EXPENSES, gig, day, what[:300], "", cents(spent)))
    support = gig_support(gig)
    if support is not None and support.companion_fee:
        companion = support.companion
        # The companion reads it on their own statement: in their language.
        with translation.override(companion.user.language or settings.LANGUAGE_CODE):
            what = _("Companion: %(title)s, %(hours)s h") % {
                "title": booking.title,
                "hours": plain_number(support.hours),
            }
        lines.append(
            Line(
                Kind.COMPANION,
                gig,
                day,
                what[:300],
                income_type_of(gig, companion=True),
                support.companion_fee,
                payee=companion,
            )
        )
    return lines


def no_card_rate(day: date) -> Decimal:
    rate = (
        NoCardRate.objects.filter(valid_from__lte=day)
        .order_by("-valid_from")
        .values_list("rate", flat=True)
        .first()
    )
    return Decimal(60) if rate is None else rate


def valid_cards(day: date) -> QuerySet[TaxCard]:
    """The tax cards valid on ``day``, the newest first."""
    return TaxCard.objects.filter(valid_from__lte=day, valid_until__gte=day).order_by(
        "-valid_from", "-pk"
    )


def paid_income(*, income_types: tuple[str, ...], since: date, until: date) -> QuerySet[FeeLine]:
    """Lines of ``income_types`` paid from ``since`` to before ``until``: statements paid, and
    those in a batch paid earlier (not yet confirmed), by payment date."""
    return FeeLine.objects.filter(
        statement__status__in=[FeeStatement.Status.IN_PAYMENT, FeeStatement.Status.PAID],
        statement__payment_date__gte=since,
        statement__payment_date__lt=until,
        income_type__in=income_types,
    )


class TaxFacts:
    """What withholding reads from the database: each expert's valid tax cards, the no-card rate
    and the income paid before a payment. ``TaxFacts()`` reads one expert's when asked;
    ``TaxFacts(expert_ids)`` reads those experts' all at once, a few queries a payment day
    instead of four a statement (the monthly fee run and the payment batch). Read once: what
    the caller then writes is not seen, so a run reads them before it changes any statement."""

    def __init__(self, expert_ids: Iterable[int] | None = None):
        self.expert_ids = None if expert_ids is None else sorted(set(expert_ids))
        self._cards: dict[date, dict[int, list[TaxCard]]] = {}
        self._income: dict[tuple, dict[int, Decimal]] = {}
        self._rates: dict[date, Decimal] = {}

    def cards(self, expert: Expert, day: date) -> list[TaxCard]:
        """The expert's cards valid on ``day``, the newest first."""
        if self.expert_ids is None:
            return list(valid_cards(day).filter(expert=expert))
        if day not in self._cards:
            by_expert: dict[int, list[TaxCard]] = {}
            for card in valid_cards(day).filter(expert_id__in=self.expert_ids):
                by_expert.setdefault(card.expert_id, []).append(card)
            self._cards[day] = by_expert
        return self._cards[day].get(expert.pk, [])

    def income_before(
        self, expert: Expert, *, income_types: tuple[str, ...], since: date, until: date
    ) -> Decimal:
        lines = paid_income(income_types=income_types, since=since, until=until)
        if self.expert_ids is None:
            total = lines.filter(statement__expert=expert).aggregate(total=Sum("amount"))["total"]
            return cents(total or ZERO)
        key = (income_types, since, until)
        if key not in self._income:
            self._income[key] = {
                row["statement__expert_id"]: row["total"]
                for row in lines.filter(statement__expert_id__in=self.expert_ids)
                .values("statement__expert_id")
                .annotate(total=Sum("amount"))
                .order_by()
            }
        return cents(self._income[key].get(expert.pk) or ZERO)

    def no_card_rate(self, day: date) -> Decimal:
        if day not in self._rates:
            self._rates[day] = no_card_rate(day)
        return self._rates[day]


def card_for(
    expert: Expert, *, kind: str, day: date, facts: TaxFacts | None = None
) -> TaxCard | None:
    """The expert's tax card of ``kind`` valid on ``day`` (the newest if several)."""
    cards = (facts or TaxFacts()).cards(expert, day)
    return next((card for card in cards if card.kind == kind), None)


def in_prepayment_register(expert: Expert, day: date, *, facts: TaxFacts | None = None) -> bool:
    return any(card.prepayment_register for card in (facts or TaxFacts()).cards(expert, day))


def limit_for(card: TaxCard, day: date) -> tuple[Decimal | None, date]:
    """The card's limit for a payment on ``day`` and the first day whose income counts."""
    if card.income_limit is not None:
        return card.income_limit, date(day.year, 1, 1)
    if card.income_limit_feb_dec is not None:
        return card.income_limit_feb_dec, date(day.year, 2, 1)
    return None, date(day.year, 1, 1)


@dataclass
class Withheld:
    amount: Decimal
    card: TaxCard | None
    note: str


def _withheld(
    expert: Expert,
    gross: Decimal,
    *,
    kind: str,
    types: tuple[str, ...],
    day: date,
    facts: TaxFacts,
) -> Withheld:
    if gross <= 0:
        return Withheld(ZERO, None, "")
    if kind == TaxCard.Kind.WORK_COMPENSATION and in_prepayment_register(expert, day, facts=facts):
        return Withheld(
            ZERO, None, _("compensation for work: in the prepayment register, nothing withheld")
        )
    card = card_for(expert, kind=kind, day=day, facts=facts)
    if card is None or card.base_rate is None:
        rate = facts.no_card_rate(day)
        note = _("no valid tax card on %(day)s: %(rate)s %%") % {
            "day": date_format(day, "SHORT_DATE_FORMAT"),
            "rate": plain_number(rate),
        }
        amount = withholding(
            gross=gross,
            base_rate=rate,
            additional_rate=rate,
            income_limit=None,
            income_before=ZERO,
        )
        return Withheld(amount, None, note)
    limit, since = limit_for(card, day)
    before = facts.income_before(expert, income_types=types, since=since, until=day)
    amount = withholding(
        gross=gross,
        base_rate=card.base_rate,
        additional_rate=card.additional_rate
        if card.additional_rate is not None
        else card.base_rate,
        income_limit=limit,
        income_before=before,
    )
    note = _(
        "tax card %(card)s: %(base)s %%, above %(limit)s %(additional)s %%; paid before %(before)s"
    ) % {
        "card": str(card),
        "base": plain_number(card.base_rate),
        "limit": euros(limit) if limit is not None else "–",
        "additional": plain_number(card.additional_rate or card.base_rate),
        "before": euros(before),
    }
    return Withheld(amount, card, note)


@dataclass
class Totals:
    wages: Decimal
    work_compensation: Decimal
    withholding: Decimal
    mileage: Decimal
    expenses: Decimal
    payout: Decimal
    card: TaxCard | None
    note: str


def totals(
    statement: FeeStatement,
    *,
    payment_date: date,
    facts: TaxFacts | None = None,
    sums: dict[str, Decimal] | None = None,
) -> Totals:
    """A statement's sums and withholding for a payment on ``payment_date``. ``sums``: the
    statement's lines summed by income type, when the caller read them for many at once."""
    if sums is None:
        sums = line_sums([statement]).get(statement.pk, {})
    facts = facts or TaxFacts()
    wages = cents(sum((sums.get(code) or ZERO for code in WAGE_TYPES), ZERO))
    work = cents(sums.get(IncomeType.WORK_COMPENSATION) or ZERO)
    mileage = cents(sums.get(IncomeType.KILOMETRE_ALLOWANCE) or ZERO)
    expenses = cents(sums.get("") or ZERO)
    expert = statement.expert
    on_wages = _withheld(
        expert, wages, kind=TaxCard.Kind.WAGE, types=WAGE_TYPES, day=payment_date, facts=facts
    )
    on_work = _withheld(
        expert,
        work,
        kind=TaxCard.Kind.WORK_COMPENSATION,
        types=WORK_TYPES,
        day=payment_date,
        facts=facts,
    )
    withheld = on_wages.amount + on_work.amount
    notes = "; ".join(note for note in (on_wages.note, on_work.note) if note)
    return Totals(
        wages=wages,
        work_compensation=work,
        withholding=withheld,
        mileage=mileage,
        expenses=expenses,
        payout=wages + work - withheld + mileage + expenses,
        card=on_wages.card or on_work.card,
        note=notes[:500],
    )


def line_sums(statements: Iterable[FeeStatement]) -> dict[int, dict[str, Decimal]]:
    """Each statement's lines summed by income type (``""``: expenses), in one query."""
    sums: dict[int, dict[str, Decimal]] = {}
    rows = (
        FeeLine.objects.filter(statement__in=[statement.pk for statement in statements])
        .values("statement_id", "income_type")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    for row in rows:
        sums.setdefault(row["statement_id"], {})[row["income_type"]] = row["total"]
    return sums


# What ``apply_totals`` writes on a statement.
TOTAL_FIELDS = [
    "wages",
    "work_compensation",
    "withholding",
    "mileage",
    "expenses",
    "payout",
    "tax_card",
    "withholding_note",
]


def _set_totals(statement: FeeStatement, found: Totals) -> None:
    statement.wages, statement.work_compensation = found.wages, found.work_compensation
    statement.withholding, statement.mileage = found.withholding, found.mileage
    statement.expenses, statement.payout = found.expenses, found.payout
    statement.tax_card, statement.withholding_note = found.card, found.note


def apply_totals(statement: FeeStatement, *, payment_date: date) -> None:
    _set_totals(statement, totals(statement, payment_date=payment_date))
    statement.save()


def apply_totals_all(
    statements: Sequence[FeeStatement], *, payment_date: Callable[[FeeStatement], date]
) -> None:
    """``apply_totals`` for many statements (each paid on ``payment_date(statement)``): their
    lines summed in one query, their experts' tax facts read once a payment day, and one
    ``UPDATE`` per 1,000 statements (``expertbank.bulk.update_each``). The experts' tax cards
    and earlier income must not change in between, which the callers' fee lock ensures."""
    if not statements:
        return
    facts = TaxFacts(statement.expert_id for statement in statements)
    sums = line_sums(statements)
    for statement in statements:
        found = totals(
            statement,
            payment_date=payment_date(statement),
            facts=facts,
            sums=sums.get(statement.pk, {}),
        )
        _set_totals(statement, found)
    update_each(FeeStatement, statements, TOTAL_FIELDS)
