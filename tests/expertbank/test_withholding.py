"""Withholding from a fee under a tax card, and the Incomes Register's deadline: pure
functions, tested hard (every case of the limit, rounding, bad input; weekends and Easter)."""

from datetime import date
from decimal import Decimal

import pytest

from expertbank.finnish import incomes_register_deadline, withholding

D = Decimal


def w(gross, base="20", additional="40", limit="1000", before="0"):
    return withholding(
        gross=D(gross),
        base_rate=D(base),
        additional_rate=D(additional),
        income_limit=None if limit is None else D(limit),
        income_before=D(before),
    )


@pytest.mark.parametrize(
    ("gross", "before", "expected", "case"),
    [
        ("200.00", "0", "40.00", "below the limit"),
        ("200.00", "800.00", "40.00", "up to the limit exactly"),
        ("200.00", "900.00", "60.00", "across the limit: 100 × 20 % + 100 × 40 %"),
        ("200.00", "1000.00", "80.00", "at the limit already: all above"),
        ("200.00", "5000.00", "80.00", "far over the limit"),
        ("1500.00", "0", "400.00", "one payment across the limit: 1000 × 20 % + 500 × 40 %"),
        ("0.00", "500.00", "0.00", "nothing paid"),
    ],
)
def test_the_limit_splits_the_payment_between_the_rates(gross, before, expected, case):
    assert w(gross, before=before) == D(expected), case


def test_without_a_limit_the_base_rate_applies_to_everything():
    assert w("12345.67", limit=None, before="99999") == D("2469.13")


def test_a_card_with_equal_rates_withholds_the_same_on_both_sides():
    assert w("300", base="25.5", additional="25.5", before="900") == D("76.50")


@pytest.mark.parametrize(
    ("gross", "base", "expected"),
    [
        ("10.01", "20.5", "2.05"),  # 2.05205 → 2.05
        ("10.10", "20.5", "2.07"),  # 2.0705 → 2.07
        ("0.10", "25", "0.03"),  # 0.025 → 0.03: half up
        ("0.02", "25", "0.01"),  # 0.005 → 0.01: half up
        ("100.00", "0", "0.00"),
    ],
)
def test_the_withholding_is_rounded_half_up_to_the_cent_per_payment(gross, base, expected):
    assert w(gross, base=base, additional=base, limit=None) == D(expected)


def test_the_no_card_rate_is_simply_a_flat_card():
    assert w("250.00", base="60", additional="60", limit=None) == D("150.00")


def test_decimals_in_the_rates_are_kept():
    # 400 × 7.25 % = 29.00; 100 × 33.75 % = 33.75
    assert w("500", base="7.25", additional="33.75", limit="400") == D("62.75")


@pytest.mark.parametrize(
    "bad",
    [
        {"gross": D("-1")},
        {"income_before": D("-0.01")},
        {"base_rate": D("100.01")},
        {"additional_rate": D("-1")},
    ],
)
def test_impossible_input_is_refused(bad):
    values = {
        "gross": D("100"),
        "base_rate": D("20"),
        "additional_rate": D("40"),
        "income_limit": D("1000"),
        "income_before": D("0"),
    } | bad
    with pytest.raises(ValueError):
        withholding(**values)


@pytest.mark.parametrize(
    ("paid", "due", "why"),
    [
        (date(2026, 11, 2), date(2026, 11, 9), "Sat 7.11. → Mon 9.11."),
        (date(2026, 11, 3), date(2026, 11, 9), "Sun 8.11. → Mon 9.11."),
        (date(2026, 11, 4), date(2026, 11, 9), "a Monday itself"),
        (date(2026, 11, 10), date(2026, 11, 16), "Sun 15.11. → Mon 16.11."),
        (date(2026, 3, 29), date(2026, 4, 7), "Fri 3.4. Good Friday, then Easter → Tue 7.4."),
        (date(2026, 4, 1), date(2026, 4, 7), "Mon 6.4. Easter Monday → Tue 7.4."),
        (date(2026, 12, 19), date(2026, 12, 28), "Thu 24.12. Christmas Eve … → Mon 28.12."),
        (date(2026, 12, 1), date(2026, 12, 7), "Sun 6.12. Independence Day → Mon 7.12."),
        (date(2026, 6, 14), date(2026, 6, 22), "Fri 19.6. Midsummer Eve, 20.6. → Mon 22.6."),
        (date(2026, 12, 27), date(2027, 1, 4), "Fri 1.1. New Year's Day → Mon 4.1."),
        (date(2026, 11, 24), date(2026, 11, 30), "Sun 29.11. → Mon 30.11."),
        (date(2026, 11, 25), date(2026, 11, 30), "a Monday"),
    ],
)
def test_the_deadline_is_five_days_on_moved_to_the_next_weekday(paid, due, why):
    assert incomes_register_deadline(paid) == due, why
