"""Sensitive fields at rest: ciphertext in the database, masks on screen, keys that rotate."""

from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import connection

from expertbank.crypto import (
    decrypt,
    encrypt,
    is_current,
    keyed_hash,
    mask_iban,
    mask_identity_code,
    reset_keys,
)
from experts.models import Expert
from experts.services import expert_update, identity_code_duplicate
from tests.experts.factories import GOOD_CODES, GOOD_IBANS
from tests.factories import ExpertFactory

pytestmark = pytest.mark.django_db


def _raw(expert: Expert, column: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM experts_expert WHERE id = %s", [expert.pk])
        return cursor.fetchone()[0]


def _use_keys(settings, *keys: str) -> None:
    settings.FIELD_ENCRYPTION_KEYS = ",".join(keys)
    reset_keys()


def test_the_database_holds_ciphertext_not_the_value():
    expert = expert_update(
        expert=ExpertFactory(), by=None, identity_code=GOOD_CODES[0], iban=GOOD_IBANS[0]
    )
    for column, value in [("identity_code", "131052-308T"), ("iban", GOOD_IBANS[0])]:
        stored = _raw(expert, column)
        assert stored and value not in stored
        assert decrypt(stored) == value


def test_values_round_trip_through_the_database():
    expert = expert_update(
        expert=ExpertFactory(),
        by=None,
        identity_code="131052-308t",
        iban="fi49 5000 9420 0287 30",
        notes="Vertaistuki 2019–2021",
    )
    fresh = Expert.objects.get(pk=expert.pk)
    assert fresh.identity_code == "131052-308T"
    assert fresh.iban == "FI4950009420028730"
    assert fresh.notes == "Vertaistuki 2019–2021"


def test_two_encryptions_of_one_value_differ_but_its_keyed_hash_does_not():
    assert encrypt("131052-308T") != encrypt("131052-308T")
    assert keyed_hash("131052-308T") == keyed_hash("131052-308T")
    assert "131052" not in keyed_hash("131052-308T")


def test_encrypted_fields_cannot_be_searched():
    with pytest.raises(FieldError):
        list(Expert.objects.filter(identity_code="131052-308T"))
    with pytest.raises(FieldError):
        list(Expert.objects.filter(iban__icontains="FI49"))


def test_a_duplicate_is_found_by_keyed_hash_without_decrypting():
    expert = expert_update(expert=ExpertFactory(), by=None, identity_code=GOOD_CODES[1])
    assert Expert.objects.get(pk=expert.pk).identity_code_hash == keyed_hash(GOOD_CODES[1])
    assert identity_code_duplicate(GOOD_CODES[1].lower()) == expert
    assert identity_code_duplicate(GOOD_CODES[1], exclude=expert) is None
    assert identity_code_duplicate(GOOD_CODES[0]) is None


def test_identity_codes_and_ibans_are_masked():
    assert mask_identity_code("131052-308T") == "••••••-••8T"
    assert mask_iban("FI4950009420028730") == "FI49 •••• •••• ••87 30"
    assert mask_identity_code("") == ""
    assert mask_iban(None) == ""
    expert = expert_update(
        expert=ExpertFactory(), by=None, identity_code=GOOD_CODES[0], iban=GOOD_IBANS[0]
    )
    assert expert.identity_code_masked == "••••••-••8T"
    assert expert.iban_masked == "FI49 •••• •••• ••87 30"


def test_after_rotation_the_old_key_can_be_dropped(settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    _use_keys(settings, old)
    expert = expert_update(
        expert=ExpertFactory(), by=None, identity_code=GOOD_CODES[0], iban=GOOD_IBANS[0]
    )
    before = _raw(expert, "identity_code")

    _use_keys(settings, new, old)  # step 1: the new key first, the old one still listed
    out = StringIO()
    call_command("rotate_field_keys", stdout=out)
    assert "experts.Expert.identity_code: 1 re-encrypted" in out.getvalue()
    assert _raw(expert, "identity_code") != before
    assert is_current(_raw(expert, "identity_code"))

    _use_keys(settings, new)  # step 3: the old key is gone
    fresh = Expert.objects.get(pk=expert.pk)
    assert fresh.identity_code == GOOD_CODES[0]
    assert fresh.iban == GOOD_IBANS[0]


def test_without_rotation_dropping_the_old_key_makes_values_unreadable(settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    _use_keys(settings, old)
    expert = expert_update(expert=ExpertFactory(), by=None, identity_code=GOOD_CODES[0])
    _use_keys(settings, new)
    with pytest.raises(ImproperlyConfigured, match="lacks the key"):
        Expert.objects.get(pk=expert.pk)


def test_a_second_rotation_changes_nothing(settings):
    expert = expert_update(expert=ExpertFactory(), by=None, identity_code=GOOD_CODES[0])
    call_command("rotate_field_keys", stdout=StringIO())
    stored = _raw(expert, "identity_code")
    out = StringIO()
    call_command("rotate_field_keys", stdout=out)
    assert "0 re-encrypted, 1 already current" in out.getvalue()
    assert _raw(expert, "identity_code") == stored


def test_rotation_stops_with_a_clear_error_when_a_key_is_missing(settings):
    old = Fernet.generate_key().decode()
    _use_keys(settings, old)
    expert_update(expert=ExpertFactory(), by=None, identity_code=GOOD_CODES[0])
    _use_keys(settings, Fernet.generate_key().decode())
    with pytest.raises(CommandError, match="cannot be decrypted with any key"):
        call_command("rotate_field_keys", stdout=StringIO())


def test_rehash_after_a_new_hash_key_keeps_duplicates_found(settings):
    expert = expert_update(expert=ExpertFactory(), by=None, identity_code=GOOD_CODES[0])
    settings.FIELD_HASH_KEY = "a-brand-new-hash-key"
    reset_keys()
    assert identity_code_duplicate(GOOD_CODES[0]) is None  # the old hashes no longer match
    out = StringIO()
    call_command("rotate_field_keys", "--rehash", stdout=out)
    assert "identity-code hashes recomputed: 1" in out.getvalue()
    assert identity_code_duplicate(GOOD_CODES[0]) == expert


def test_a_production_site_without_keys_refuses_to_start_encrypting(settings):
    settings.DEBUG = False
    settings.SECRET_KEY = "a-production-secret-key-that-is-long-enough-for-django-checks"
    settings.FIELD_ENCRYPTION_KEYS = ""
    reset_keys()
    with pytest.raises(ImproperlyConfigured, match="FIELD_ENCRYPTION_KEYS is not set"):
        encrypt("x")


def test_keys_that_are_not_fernet_keys_are_refused(settings):
    settings.FIELD_ENCRYPTION_KEYS = "not-a-key"
    reset_keys()
    with pytest.raises(ImproperlyConfigured, match="must be Fernet keys"):
        encrypt("x")
