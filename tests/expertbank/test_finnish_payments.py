"""Tests for ``expertbank.finnish``, payments: reference numbers, RF references and the virtual
barcode.

Every function under test is pure: no database, no request. Known-answer vectors come from
the Finnish bank barcode guide (Pankkiviivakoodi-opas), ISO 11649 and python-stdnum's docs;
the rest are computed by hand from the published rules and noted beside each case.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from stdnum import iso11649
from virtuaaliviivakoodi import deconstruct_virtuaaliviivakoodi
from virtuaaliviivakoodi.constants import SymbolVersion

from expertbank.finnish import (
    format_reference,
    format_rf_reference,
    is_valid_reference,
    reference_number,
    rf_reference,
    virtual_barcode,
)

GUIDE_IBAN = "FI49 5000 9420 0287 30"
GUIDE_IBAN_DIGITS = "4950009420028730"
RF_GUIDE_IBAN = "FI79 4405 2020 0360 82"

# Non-ASCII characters for which str.isdigit() is true, spelled as escapes so the source stays
# ASCII: ARABIC-INDIC DIGIT ONE..THREE and FULLWIDTH DIGIT ONE..THREE.
ARABIC_INDIC_123 = "\u0661\u0662\u0663"
FULLWIDTH_123 = "\uff11\uff12\uff13"


def _weighted_check_digit(base: str) -> str:
    """The 7-3-1 rule, written out independently of the code under test."""
    weights = [7, 3, 1]
    total = sum(int(d) * weights[i % 3] for i, d in enumerate(reversed(base)))
    return str((10 - total % 10) % 10)


def _fields(barcode: str) -> dict[str, str]:
    """Split a 54-digit virtual barcode into its fields (bank barcode guide, versions 4/5)."""
    return {
        "version": barcode[0],
        "iban": barcode[1:17],
        "euros": barcode[17:23],
        "cents": barcode[23:25],
        "reference_area": barcode[25:48],
        "due": barcode[48:54],
    }


# --- reference_number --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("base", "expected"),
    [
        # The bank barcode guide's vectors.
        ("1234561", "12345614"),  # 1*7+6*3+5*1+4*7+3*3+2*1+1*7 = 76 -> 4
        ("123456", "1234561"),  # 6*7+5*3+4*1+3*7+2*3+1*1 = 89 -> 1
        # Computed by hand.
        ("123", "1232"),  # 3*7+2*3+1*1 = 28 -> 2 (shortest allowed base)
        ("100", "1009"),  # 0+0+1*1 = 1 -> 9
        ("1000", "10003"),  # 0+0+0+1*7 = 7 -> 3 (weights wrap around to 7)
        ("4321", "43216"),  # 1*7+2*3+3*1+4*7 = 44 -> 6
        ("98765432", "987654320"),  # 2*7+3*3+4+5*7+6*3+7+8*7+9*3 = 170 -> 0
        ("1234567890123456789", "12345678901234567894"),  # 19 digits: sum 336 -> 4
    ],
)
def test_reference_number_appends_7_3_1_check_digit(base, expected):
    assert reference_number(base) == expected
    assert expected[-1] == _weighted_check_digit(base)


def test_reference_number_check_digit_is_zero_when_weighted_sum_is_a_multiple_of_ten():
    # 2*7+3*3+4*1+5*7+6*3+7*1+8*7+9*3 = 170: (10 - 0) mod 10 = 0, not 10.
    assert reference_number("98765432")[-1] == "0"


@pytest.mark.parametrize("base", ["123 456", " 123456 ", "12 34 56", "123\t456", "1234 56\n"])
def test_reference_number_ignores_whitespace_in_the_base(base):
    assert reference_number(base) == "1234561"


@pytest.mark.parametrize("base", ["12", "1", "1234567890123456789 0", "12345678901234567890"])
def test_reference_number_rejects_a_base_of_the_wrong_length(base):
    with pytest.raises(ValueError, match=r"must have 3.19 digits"):
        reference_number(base)


def test_reference_number_names_the_wrong_length_in_the_message():
    with pytest.raises(ValueError, match=r"digits, not 20\."):
        reference_number("1" * 20)


@pytest.mark.parametrize("base", ["12a4", "ABC", "123-456", "12.3", "-123", "1_234", "+123"])
def test_reference_number_rejects_a_base_that_is_not_all_digits(base):
    with pytest.raises(ValueError, match="may contain only digits"):
        reference_number(base)


@pytest.mark.parametrize("base", ["", "   "])
def test_reference_number_rejects_an_empty_base(base):
    with pytest.raises(ValueError, match="may contain only digits"):
        reference_number(base)


@pytest.mark.parametrize("base", ["0123", "0000", "0 123"])
def test_reference_number_rejects_a_base_with_a_leading_zero(base):
    with pytest.raises(ValueError, match="must not start with zero"):
        reference_number(base)


@pytest.mark.parametrize("base", [ARABIC_INDIC_123, FULLWIDTH_123])
def test_reference_number_rejects_non_ascii_digits(base):
    try:
        result = reference_number(base)
    except ValueError:
        return
    raise AssertionError(f"reference_number({base!r}) returned {result!r}")


# --- is_valid_reference ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "reference",
    ["12345614", "1234561", "1232", "1009", "987654320", "12345678901234567894", "123 45614"],
)
def test_is_valid_reference_accepts_a_reference_with_the_right_check_digit(reference):
    assert is_valid_reference(reference) is True


@pytest.mark.parametrize(
    "reference",
    [
        "12345613",  # check digit off by one
        "12345615",
        "1234560",
        "123456789012345678901",  # 21 digits: too long even though digits only
        "123",  # 3 digits: too short for a whole reference
        "12",
        "0",
        "",
        "   ",
        "1234561A",
        "RF332348236",  # an RF reference is not a Finnish reference
        "1234-5614",
    ],
)
def test_is_valid_reference_rejects_bad_references(reference):
    assert is_valid_reference(reference) is False


@pytest.mark.parametrize("reference", ["01234", "00012345614"])
def test_is_valid_reference_returns_false_for_a_leading_zero(reference):
    assert is_valid_reference(reference) is False


def test_is_valid_reference_accepts_everything_reference_number_makes():
    for base in ("123", "4321", "1234561", "98765432", "1" * 19, "9" * 19):
        assert is_valid_reference(reference_number(base))


def test_is_valid_reference_rejects_every_other_check_digit():
    reference = reference_number("1234561")
    for digit in "0123456789":
        if digit != reference[-1]:
            assert not is_valid_reference(reference[:-1] + digit)


# --- format_reference --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reference", "expected"),
    [
        ("12345614", "123 45614"),
        ("1234561", "12 34561"),
        ("1232", "1232"),
        ("12345", "12345"),
        ("123456", "1 23456"),
        ("1234567890", "12345 67890"),
        ("12345678901", "1 23456 78901"),
        ("12345678901234567894", "12345 67890 12345 67894"),
    ],
)
def test_format_reference_groups_digits_in_fives_from_the_right(reference, expected):
    assert format_reference(reference) == expected


def test_format_reference_regroups_an_already_spaced_reference():
    assert format_reference("1234 5614") == "123 45614"
    assert format_reference(" 123 45614 ") == "123 45614"


def test_format_reference_output_is_still_a_valid_reference():
    assert is_valid_reference(format_reference("12345678901234567894"))


@pytest.mark.parametrize("reference", ["1234561A", "", "RF332348236"])
def test_format_reference_rejects_non_digits(reference):
    with pytest.raises(ValueError, match="may contain only digits"):
        format_reference(reference)


# --- rf_reference ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reference", "expected"),
    [
        ("2348236", "RF332348236"),
        ("539007547034", "RF18539007547034"),  # ISO 11649's own example
        ("868000000000021", "RF76868000000000021"),
    ],
)
def test_rf_reference_prefixes_rf_and_iso_11649_check_digits(reference, expected):
    assert rf_reference(reference) == expected
    assert iso11649.is_valid(expected)


@pytest.mark.parametrize(
    "reference", ["2348 236", " 2348236 ", "53900 7547034", "5390 0754 7034", "2348\t236"]
)
def test_rf_reference_ignores_whitespace(reference):
    assert rf_reference(reference) == rf_reference(reference.replace(" ", "").replace("\t", ""))


def test_rf_reference_upper_cases_letters():
    assert rf_reference("abc") == rf_reference("ABC")
    assert rf_reference("abc").endswith("ABC")


@pytest.mark.parametrize(
    "reference",
    ["1", "9", "12345614", "1234567890", "ABC", "A1B2C3", "1" * 21, "Z" * 21, "999999999999999"],
)
def test_rf_reference_result_validates_with_stdnum(reference):
    result = rf_reference(reference)
    assert result.startswith("RF")
    assert result[2:4].isdigit()
    assert result[4:] == reference.upper()
    assert iso11649.validate(result) == result


def test_rf_reference_of_a_finnish_reference_is_usable_in_a_barcode():
    result = rf_reference(reference_number("1234561"))
    assert iso11649.is_valid(result)
    assert virtual_barcode(GUIDE_IBAN, Decimal("1.00"), result, None)[0] == "5"


@pytest.mark.parametrize(
    "reference",
    ["", "   ", "1" * 22, "A" * 22, "123-456", "123.456", "RF33/2348236", "12_3", "+123"],
)
def test_rf_reference_rejects_bad_bodies_with_a_clear_message(reference):
    with pytest.raises(ValueError, match=r"RF reference body must be 1.21 letters or digits"):
        rf_reference(reference)


@pytest.mark.parametrize("reference", ["\u00e4", "\u00c5\u00c4\u00d6"])
def test_rf_reference_rejects_non_ascii_letters(reference):
    # ISO 11649 bodies are A-Z and 0-9 only.
    with pytest.raises(ValueError):
        rf_reference(reference)


@pytest.mark.parametrize("reference", [ARABIC_INDIC_123, FULLWIDTH_123])
def test_rf_reference_rejects_non_ascii_digits(reference):
    try:
        result = rf_reference(reference)
    except ValueError:
        return
    raise AssertionError(f"rf_reference({reference!r}) returned {result!r}")


def test_format_rf_reference_prints_groups_of_four():
    assert format_rf_reference("RF18539007547034") == "RF18 5390 0754 7034"
    assert format_rf_reference("RF332348236") == "RF33 2348 236"


# --- virtual_barcode ---------------------------------------------------------------------------


def test_virtual_barcode_matches_the_bank_guide_version_4_vector():
    barcode = virtual_barcode(GUIDE_IBAN, Decimal("124.12"), "1234561", date(2022, 2, 2))
    assert barcode == "449500094200287300001241200000000000000001234561220202"


def test_virtual_barcode_version_4_fields():
    barcode = virtual_barcode(GUIDE_IBAN, Decimal("124.12"), "12345614", date(2022, 2, 2))
    assert len(barcode) == 54
    assert barcode.isdigit()
    assert _fields(barcode) == {
        "version": "4",
        "iban": GUIDE_IBAN_DIGITS,
        "euros": "000124",
        "cents": "12",
        "reference_area": "12345614".zfill(23),
        "due": "220202",
    }


def test_virtual_barcode_matches_the_version_5_vector_for_an_rf_reference():
    reference = rf_reference("868000000000021")
    assert reference == "RF76868000000000021"
    barcode = virtual_barcode(RF_GUIDE_IBAN, Decimal("4883.15"), reference, date(2010, 6, 12))
    assert barcode == "579440520200360820048831576000000868000000000021100612"


def test_virtual_barcode_version_5_carries_rf_check_digits_and_body_padded_to_21():
    reference = rf_reference("2348236")  # RF332348236
    barcode = virtual_barcode(GUIDE_IBAN, Decimal("10"), reference, date(2030, 1, 31))
    assert len(barcode) == 54
    fields = _fields(barcode)
    assert fields["version"] == "5"
    assert fields["iban"] == GUIDE_IBAN_DIGITS
    assert fields["euros"] + fields["cents"] == "00001000"
    assert fields["reference_area"] == "33" + "2348236".zfill(21)
    assert fields["due"] == "300131"


@pytest.mark.parametrize("reference", ["RF33 2348 236", "rf332348236", " RF33 2348236 "])
def test_virtual_barcode_normalises_the_rf_reference(reference):
    expected = virtual_barcode(GUIDE_IBAN, Decimal("1"), "RF332348236", None)
    assert virtual_barcode(GUIDE_IBAN, Decimal("1"), reference, None) == expected


@pytest.mark.parametrize("reference", ["123 45614", " 12345614", "1234 5614 "])
def test_virtual_barcode_accepts_a_spaced_finnish_reference(reference):
    expected = virtual_barcode(GUIDE_IBAN, Decimal("1"), "12345614", None)
    assert virtual_barcode(GUIDE_IBAN, Decimal("1"), reference, None) == expected


@pytest.mark.parametrize(
    "iban", ["FI4950009420028730", "fi49 5000 9420 0287 30", "FI49  5000 9420 0287 30 "]
)
def test_virtual_barcode_normalises_the_iban(iban):
    expected = virtual_barcode(GUIDE_IBAN, Decimal("1"), "1232", None)
    assert virtual_barcode(iban, Decimal("1"), "1232", None) == expected


def test_virtual_barcode_without_a_due_date_ends_in_zeros():
    barcode = virtual_barcode(GUIDE_IBAN, Decimal("124.12"), "1234561", None)
    assert barcode.endswith("000000")
    assert barcode == "449500094200287300001241200000000000000001234561000000"


def test_virtual_barcode_accepts_a_datetime_as_due_date():
    barcode = virtual_barcode(GUIDE_IBAN, Decimal("1"), "1232", datetime(2030, 12, 31, 10, 0))
    assert _fields(barcode)["due"] == "301231"


def test_virtual_barcode_carries_the_largest_amount():
    barcode = virtual_barcode(GUIDE_IBAN, Decimal("999999.99"), "1234561", None)
    assert _fields(barcode)["euros"] + _fields(barcode)["cents"] == "99999999"


@pytest.mark.parametrize("amount", [Decimal("0"), Decimal("0.00"), 0])
def test_virtual_barcode_accepts_zero(amount):
    barcode = virtual_barcode(GUIDE_IBAN, amount, "1234561", None)
    assert _fields(barcode)["euros"] + _fields(barcode)["cents"] == "00000000"


@pytest.mark.parametrize(
    ("amount", "digits"),
    [
        (Decimal("124.12"), "00012412"),
        (Decimal("4883.15"), "00488315"),
        (Decimal("0.01"), "00000001"),
        (Decimal("0.29"), "00000029"),  # 0.29 * 100 is 28.999... in binary floating point
        (Decimal("0.57"), "00000057"),
        (Decimal("4.35"), "00000435"),
        (Decimal("999999.01"), "99999901"),
        (Decimal("12"), "00001200"),
        (12, "00001200"),
        (Decimal("12.5"), "00001250"),
    ],
)
def test_virtual_barcode_prints_euros_and_cents(amount, digits):
    barcode = virtual_barcode(GUIDE_IBAN, amount, "1234561", None)
    assert _fields(barcode)["euros"] + _fields(barcode)["cents"] == digits


@pytest.mark.parametrize(
    ("amount", "digits"),
    [
        (Decimal("1.005"), "00000101"),  # half up, not half even (which would give 1.00)
        (Decimal("1.004"), "00000100"),
        (Decimal("1.0049999"), "00000100"),
        (Decimal("0.015"), "00000002"),
        (Decimal("0.025"), "00000003"),  # half even would give 0.02
        (Decimal("2.675"), "00000268"),  # the float 2.675 would round to 2.67
        (Decimal("999999.994"), "99999999"),
    ],
)
def test_virtual_barcode_rounds_amount_half_up_to_cents(amount, digits):
    barcode = virtual_barcode(GUIDE_IBAN, amount, "1234561", None)
    assert _fields(barcode)["euros"] + _fields(barcode)["cents"] == digits


def test_virtual_barcode_prints_every_cent_value_exactly():
    for euros in (0, 1, 123456, 999999):
        for cents in range(100):
            amount = Decimal(f"{euros}.{cents:02d}")
            fields = _fields(virtual_barcode(GUIDE_IBAN, amount, "1232", None))
            assert fields["euros"] + fields["cents"] == f"{euros:06d}{cents:02d}", amount


@pytest.mark.parametrize(
    "amount", [Decimal("1000000"), Decimal("1000000.00"), Decimal("999999.995"), 10**7]
)
def test_virtual_barcode_rejects_an_amount_over_999999_99(amount):
    with pytest.raises(ValueError, match=r"at most 999 999\.99"):
        virtual_barcode(GUIDE_IBAN, amount, "1234561", None)


@pytest.mark.parametrize("amount", [Decimal("-0.01"), Decimal("-1"), Decimal("-0.005"), -5])
def test_virtual_barcode_rejects_a_negative_amount(amount):
    with pytest.raises(ValueError, match="negative amount"):
        virtual_barcode(GUIDE_IBAN, amount, "1234561", None)


@pytest.mark.parametrize(
    "amount", [None, "abc", "", Decimal("Infinity"), Decimal("-Infinity"), Decimal("sNaN")]
)
def test_virtual_barcode_rejects_something_that_is_not_an_amount(amount):
    with pytest.raises(ValueError, match="is not an amount of money"):
        virtual_barcode(GUIDE_IBAN, amount, "1234561", None)


def test_virtual_barcode_rejects_nan_with_value_error():
    with pytest.raises(ValueError, match="is not an amount of money"):
        virtual_barcode(GUIDE_IBAN, Decimal("NaN"), "1234561", None)


@pytest.mark.parametrize(
    "iban",
    [
        "DE89370400440532013000",
        "DE89 3704 0044 0532 0130 00",
        "GB82 WEST 1234 5698 7654 32",
        "AX21 1000 1000 0000 22",
        "",
    ],
)
def test_virtual_barcode_rejects_a_non_finnish_iban(iban):
    with pytest.raises(ValueError, match="needs a Finnish IBAN"):
        virtual_barcode(iban, Decimal("1"), "1234561", None)


@pytest.mark.parametrize(
    "iban", ["FI49 5000 9420 0287 31", "FI48 5000 9420 0287 30", "FI49", "FI49 5000 9420 0287 3"]
)
def test_virtual_barcode_rejects_an_invalid_finnish_iban(iban):
    with pytest.raises(ValueError, match="is not a valid IBAN"):
        virtual_barcode(iban, Decimal("1"), "1234561", None)


@pytest.mark.parametrize(
    "reference", ["1234562", "12345615", "123", "", "ABC", "123456789012345678901", "1234-5614"]
)
def test_virtual_barcode_rejects_an_invalid_finnish_reference(reference):
    with pytest.raises(ValueError, match="not a valid Finnish reference number"):
        virtual_barcode(GUIDE_IBAN, Decimal("1"), reference, None)


@pytest.mark.parametrize(
    "reference",
    [
        "RF342348236",  # wrong check digits
        "RF34 2348 236",
        "RF",
        "RF33",
        "RF45ABC",  # valid ISO 11649, but the barcode can only carry digits
        rf_reference("A1B2C3"),
    ],
)
def test_virtual_barcode_rejects_an_invalid_or_non_numeric_rf_reference(reference):
    with pytest.raises(ValueError, match="not a valid numeric RF reference"):
        virtual_barcode(GUIDE_IBAN, Decimal("1"), reference, None)


def test_virtual_barcode_rejects_a_reference_with_a_leading_zero():
    with pytest.raises(ValueError):
        virtual_barcode(GUIDE_IBAN, Decimal("1"), "01234", None)


@pytest.mark.parametrize(
    "reference", [FULLWIDTH_123 + "2", ARABIC_INDIC_123 + "2", "RF78" + FULLWIDTH_123]
)
def test_virtual_barcode_rejects_non_ascii_digit_references_with_value_error(reference):
    with pytest.raises(ValueError):
        virtual_barcode(GUIDE_IBAN, Decimal("1"), reference, None)


@pytest.mark.parametrize(
    ("iban", "amount", "reference", "due"),
    [
        (GUIDE_IBAN, Decimal("124.12"), "1234561", date(2022, 2, 2)),
        (GUIDE_IBAN, Decimal("0.01"), "12345678901234567894", date(2099, 12, 31)),
        (GUIDE_IBAN, Decimal("999999.99"), "1232", None),
        (RF_GUIDE_IBAN, Decimal("4883.15"), "RF76868000000000021", date(2010, 6, 12)),
        (RF_GUIDE_IBAN, Decimal("250"), rf_reference("2348236"), date(2031, 1, 1)),
        (RF_GUIDE_IBAN, Decimal("12.30"), rf_reference("1" * 21), date(2025, 3, 15)),
    ],
)
def test_virtual_barcode_decodes_back_with_virtuaaliviivakoodi(iban, amount, reference, due):
    barcode = virtual_barcode(iban, amount, reference, due)
    decoded = deconstruct_virtuaaliviivakoodi(barcode)
    assert decoded.iban == iban.replace(" ", "")
    assert decoded.euro_amount == amount
    assert decoded.reference == reference
    assert decoded.due_date == due
    expected_version = (
        SymbolVersion.VERSION_5 if reference.startswith("RF") else SymbolVersion.VERSION_4
    )
    assert decoded.symbol == expected_version
