"""Tests for ``expertbank.finnish``, identifiers: the form validators and normalisers of the
business ID (Y-tunnus), the personal identity code (henkilötunnus), IBAN and BIC.

Every function under test is pure: no database, no request.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.functional import Promise

from expertbank.finnish import (
    normalise_business_id,
    normalise_iban,
    normalise_personal_identity_code,
    validate_bic,
    validate_business_id,
    validate_iban,
    validate_personal_identity_code,
)

GUIDE_IBAN = "FI49 5000 9420 0287 30"
RF_GUIDE_IBAN = "FI79 4405 2020 0360 82"


def _hetu(ddmmyy: str, sign: str, individual: str) -> str:
    """A henkilotunnus with the correct control character for the given parts."""
    control = "0123456789ABCDEFHJKLMNPRSTUVWXY"[int(ddmmyy + individual) % 31]
    return f"{ddmmyy}{sign}{individual}{control}"


# --- validate_business_id ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "value", ["0737546-2", "1284613-4", "2077474-0", "07375462", " 0737546-2 "]
)
def test_validate_business_id_accepts_a_valid_y_tunnus(value):
    # 0737546-2: 0*7+7*9+3*10+7*5+5*8+4*4+6*2 = 196, 196 mod 11 = 9, 11 - 9 = 2.
    # 1284613-4: 1*7+2*9+8*10+4*5+6*8+1*4+3*2 = 183, 183 mod 11 = 7, 11 - 7 = 4.
    assert validate_business_id(value) is None


@pytest.mark.parametrize(
    "value",
    ["0737546-3", "1284613-5", "abc", "", "0737546", "0737546-22", "ABCDEFG-H", "0737546_2"],
)
def test_validate_business_id_rejects_a_bad_y_tunnus(value):
    with pytest.raises(ValidationError) as excinfo:
        validate_business_id(value)
    assert excinfo.value.code == "invalid_business_id"


def test_validate_business_id_error_is_translatable():
    with pytest.raises(ValidationError) as excinfo:
        validate_business_id("0737546-3")
    assert isinstance(excinfo.value.message, Promise)
    with translation.override("en"):
        assert str(excinfo.value.message) == (
            "Enter a valid business ID (Y-tunnus), for example 0737546-2."
        )


# --- validate_personal_identity_code -----------------------------------------------------------


def test_hetu_helper_reproduces_the_known_example():
    assert _hetu("131052", "-", "308") == "131052-308T"


@pytest.mark.parametrize(
    "value",
    [
        "131052-308T",
        "131052-308t",  # lower case is normalised
        " 131052-308T ",
        _hetu("010101", "A", "123"),  # 2000s, classic sign
        _hetu("290200", "A", "002"),  # 29 Feb 2000 (a leap year), lowest individual number
        _hetu("311299", "A", "899"),  # highest non-temporary individual number
        _hetu("010185", "+", "123"),  # 1800s
        # The century signs added in 2023 for the 1900s ...
        _hetu("131052", "Y", "308"),
        _hetu("131052", "X", "308"),
        _hetu("131052", "W", "308"),
        _hetu("131052", "V", "308"),
        _hetu("131052", "U", "308"),
        # ... and for the 2000s.
        _hetu("010101", "B", "123"),
        _hetu("010101", "C", "123"),
        _hetu("010101", "D", "123"),
        _hetu("010101", "E", "123"),
        _hetu("010101", "F", "123"),
    ],
)
def test_validate_personal_identity_code_accepts_valid_codes(value):
    assert validate_personal_identity_code(value) is None


def test_validate_personal_identity_code_new_signs_share_the_old_control_character():
    # The control character depends only on ddmmyy + individual number, not the sign.
    assert {_hetu("131052", sign, "308")[-1] for sign in "-YXWVU"} == {"T"}
    assert _hetu("131052", "Y", "308") == "131052Y308T"
    assert _hetu("010101", "B", "123") == _hetu("010101", "A", "123").replace("A", "B", 1)


@pytest.mark.parametrize(
    "value",
    [
        "131052-308U",  # wrong control character
        "131052Y308U",
        _hetu("010101", "A", "123")[:-1] + "0",
        _hetu("310252", "-", "308"),  # 31 February, with a correct control character
        _hetu("290201", "A", "123"),  # 29 February 2001: not a leap year
        _hetu("290200", "-", "123"),  # 29 February 1900: not a leap year
        _hetu("011352", "-", "308"),  # month 13
        _hetu("000152", "-", "308"),  # day 0
        _hetu("131052", "-", "000"),  # individual numbers start at 002
        _hetu("131052", "-", "001"),
        _hetu("131052", "-", "900"),  # temporary identifiers are not accepted
        _hetu("131052", "-", "999"),
        _hetu("131052", "G", "308"),  # not a century sign
        _hetu("131052", "Z", "308"),
        "131052-308",
        "131052308T",
        "",
        "abc",
    ],
)
def test_validate_personal_identity_code_rejects_bad_codes(value):
    with pytest.raises(ValidationError) as excinfo:
        validate_personal_identity_code(value)
    assert excinfo.value.code == "invalid_identity_code"


def test_validate_personal_identity_code_error_is_translatable():
    with pytest.raises(ValidationError) as excinfo:
        validate_personal_identity_code("131052-308U")
    assert isinstance(excinfo.value.message, Promise)
    with translation.override("en"):
        assert str(excinfo.value.message) == (
            "Enter a valid personal identity code, for example 131052-308T."
        )


# --- validate_iban / validate_bic --------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        GUIDE_IBAN,
        "FI4950009420028730",
        "fi49 5000 9420 0287 30",
        RF_GUIDE_IBAN,
        "DE89 3704 0044 0532 0130 00",  # any country's IBAN is fine for a form
        "GB82 WEST 1234 5698 7654 32",
    ],
)
def test_validate_iban_accepts_a_valid_iban(value):
    assert validate_iban(value) is None


@pytest.mark.parametrize(
    "value",
    ["FI49 5000 9420 0287 31", "FI48 5000 9420 0287 30", "FI49", "", "not an iban", "12345678"],
)
def test_validate_iban_rejects_an_invalid_iban(value):
    with pytest.raises(ValidationError) as excinfo:
        validate_iban(value)
    assert excinfo.value.code == "invalid_iban"


def test_validate_iban_error_is_translatable():
    with pytest.raises(ValidationError) as excinfo:
        validate_iban("FI49 5000 9420 0287 31")
    assert isinstance(excinfo.value.message, Promise)
    with translation.override("en"):
        assert str(excinfo.value.message) == (
            "Enter a valid IBAN, for example FI49 5000 9420 0287 30."
        )


@pytest.mark.parametrize("value", ["OKOYFIHH", "NDEAFIHH", "okoyfihh", "OKOYFIHHXXX"])
def test_validate_bic_accepts_a_valid_bic(value):
    assert validate_bic(value) is None


@pytest.mark.parametrize("value", ["XXXX", "OKOYFI", "OKOY1IHH", "", "OKOYFIHHX"])
def test_validate_bic_rejects_an_invalid_bic(value):
    with pytest.raises(ValidationError) as excinfo:
        validate_bic(value)
    assert excinfo.value.code == "invalid_bic"


def test_validate_bic_error_is_translatable():
    with pytest.raises(ValidationError) as excinfo:
        validate_bic("XXXX")
    assert isinstance(excinfo.value.message, Promise)
    with translation.override("en"):
        assert str(excinfo.value.message) == "Enter a valid BIC, for example OKOYFIHH."


# --- normalise_* -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0737546-2", "0737546-2"),
        ("07375462", "0737546-2"),
        (" 0737546 2 ", "0737546-2"),
        ("1284613-4", "1284613-4"),
    ],
)
def test_normalise_business_id_prints_the_hyphenated_form(value, expected):
    assert normalise_business_id(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("131052-308T", "131052-308T"),
        ("131052-308t", "131052-308T"),
        (" 131052-308t ", "131052-308T"),
        ("010101a1230", "010101A1230"),
        ("131052y308t", "131052Y308T"),
    ],
)
def test_normalise_personal_identity_code_upper_cases_and_strips(value, expected):
    assert normalise_personal_identity_code(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (GUIDE_IBAN, "FI4950009420028730"),
        ("fi49 5000 9420 0287 30", "FI4950009420028730"),
        ("FI4950009420028730", "FI4950009420028730"),
        ("DE89 3704 0044 0532 0130 00", "DE89370400440532013000"),
    ],
)
def test_normalise_iban_prints_the_compact_form(value, expected):
    assert normalise_iban(value) == expected


def test_normalise_iban_rejects_an_invalid_iban():
    with pytest.raises(ValueError):
        normalise_iban("FI49 5000 9420 0287 31")
