"""Form validation: Finnish identity codes, IBANs and BICs, and the portal's plain rules."""

from datetime import date

import pytest

from experts.forms import DisclosureForm, ExpertForm, ProfileForm, SlotForm, TaxCardForm
from experts.models import Expert
from experts.services import expert_update
from tests.experts.factories import GOOD_CODES, GOOD_IBANS, area
from tests.factories import ExpertFactory

pytestmark = pytest.mark.django_db


def _expert_form(**values) -> ExpertForm:
    data = {
        "email": "uusi@example.com",
        "full_name": "Uusi Asiantuntija",
        "language": "fi",
        "shown_as": Expert.ShownAs.NAME,
        "status": Expert.Status.ACTIVE,
        "rest_days_after_heavy": "0",
        "remote_ok": "on",
        **values,
    }
    return ExpertForm(data)


@pytest.mark.parametrize("code", [*GOOD_CODES, "131052-308t", " 131052-308T "])
def test_good_identity_codes_are_accepted_and_normalised(code):
    form = _expert_form(identity_code=code)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["identity_code"] == code.strip().upper()


@pytest.mark.parametrize(
    "code",
    ["131052-308A", "131052308T", "311352-308T", "131052-9001", "hello", "131052-308TT"],
)
def test_bad_identity_codes_get_a_clear_error(code):
    form = _expert_form(identity_code=code)
    assert not form.is_valid()
    assert form.has_error("identity_code")
    assert "personal identity code" in str(form.errors["identity_code"])


def test_an_identity_code_already_in_the_pool_is_an_error():
    other = expert_update(expert=ExpertFactory(), by=None, identity_code=GOOD_CODES[0])
    form = _expert_form(identity_code=GOOD_CODES[0])
    assert not form.is_valid()
    assert other.name in str(form.errors["identity_code"])
    # Editing the owner's own profile keeps the code without complaint.
    own = ExpertForm(
        {**_expert_form().data, "identity_code": GOOD_CODES[0]},
        instance=Expert.objects.get(pk=other.pk),
    )
    own.is_valid()
    assert not own.has_error("identity_code")


@pytest.mark.parametrize(
    "iban, bic",
    [
        ("FI49 5000 9420 0287 30", "OKOYFIHH"),
        ("fi2112345600000785", "NDEAFIHH"),
        ("DE89 3704 0044 0532 0130 00", "COBADEFFXXX"),
    ],
)
def test_good_ibans_are_accepted_and_a_finnish_bic_is_filled_in(iban, bic):
    form = _expert_form(iban=iban)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["iban"] == iban.replace(" ", "").upper()
    assert form.cleaned_data["bic"] == bic


@pytest.mark.parametrize("iban", ["FI49 5000 9420 0287 31", "FI12", "XX00 1234", "50009420028730"])
def test_bad_ibans_get_a_clear_error(iban):
    form = _expert_form(iban=iban)
    assert not form.is_valid()
    assert "valid IBAN" in str(form.errors["iban"])


def test_a_bad_bic_gets_a_clear_error():
    form = _expert_form(iban=GOOD_IBANS[0], bic="OKOYXXHH")
    assert not form.is_valid()
    assert "valid BIC" in str(form.errors["bic"])


def test_an_email_already_in_use_cannot_be_given_to_a_new_expert():
    ExpertFactory(user__email="varattu@example.com")
    form = _expert_form(email="Varattu@example.com")
    assert not form.is_valid()
    assert "already has an account" in str(form.errors["email"])


def test_certification_cannot_be_in_the_future():
    form = _expert_form(certified_on="2999-01-01")
    assert not form.is_valid()
    assert form.has_error("certified_on")


def test_the_edit_form_shows_the_iban_in_groups_and_has_no_email_field():
    expert = expert_update(expert=ExpertFactory(), by=None, iban=GOOD_IBANS[0])
    form = ExpertForm(instance=expert)
    assert "email" not in form.fields
    assert form.initial["iban"] == "FI49 5000 9420 0287 30"


def test_the_profile_form_wants_an_alias_before_showing_it():
    expert = ExpertFactory(public_alias="")
    form = ProfileForm({"shown_as": Expert.ShownAs.ALIAS, "public_alias": ""}, instance=expert)
    assert not form.is_valid()
    assert form.has_error("public_alias")


def test_a_weekly_time_must_end_after_it_starts():
    form = SlotForm({"weekday": "0", "start": "15:00", "end": "09:00"})
    assert not form.is_valid()
    assert form.has_error("end")


def test_a_tax_card_form_explains_its_rules():
    form = TaxCardForm({"valid_from": "2026-02-01", "valid_until": "2026-01-31"})
    assert not form.is_valid()
    assert form.has_error("valid_until") and form.has_error("base_rate")
    form = TaxCardForm(
        {
            "valid_from": "2026-02-01",
            "valid_until": "2027-01-31",
            "base_rate": "20",
            "income_limit": "20000",
        }
    )
    assert not form.is_valid()
    assert form.has_error("additional_rate")
    assert TaxCardForm().initial["valid_from"].day == 1
    assert TaxCardForm().initial["valid_from"].month == 2
    assert TaxCardForm().initial["valid_until"] == date(
        TaxCardForm().initial["valid_from"].year + 1, 1, 31
    )


def test_the_disclosure_form_offers_only_the_experts_own_areas():
    expert = ExpertFactory(public_alias="")
    expert.areas.set([area("gambling")])
    form = DisclosureForm(
        {"shown_as": Expert.ShownAs.ALIAS, f"show_{area('gambling').pk}_city": "on"},
        expert=expert,
        shown=set(),
    )
    assert [a.slug for a, _cells in form.grid()] == ["gambling"]
    assert not form.is_valid()
    assert form.has_error("shown_as")
