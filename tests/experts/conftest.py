"""Fixtures of the expert pool: fixed encryption keys, English pages, the roles that must be
kept out."""

import pytest
from cryptography.fernet import Fernet

from expertbank.crypto import reset_keys
from tests.factories import ExpertFactory, MembershipFactory, TrainerFactory

TEST_KEY = Fernet.generate_key().decode()
TEST_HASH_KEY = "test-hash-key-for-the-expert-pool"


@pytest.fixture(autouse=True)
def field_keys(settings):
    """Known keys for every test, and no cached keys leaking into the next test."""
    settings.FIELD_ENCRYPTION_KEYS = TEST_KEY
    settings.FIELD_HASH_KEY = TEST_HASH_KEY
    reset_keys()
    yield settings
    reset_keys()


@pytest.fixture
def expert_user(db):
    """An expert who reads the site in English (so tests can read the messages)."""
    return ExpertFactory(user__language="en").user


@pytest.fixture
def coordinator_en(coordinator):
    coordinator.language = "en"
    coordinator.save(update_fields=["language"])
    return coordinator


@pytest.fixture
def trainer(db):
    return TrainerFactory()


@pytest.fixture
def outsiders(db):
    """Users who must see none of the pool's pages: a booking-unit member and a trainer."""
    return {"unit member": MembershipFactory().user, "trainer": TrainerFactory()}


@pytest.fixture(autouse=True)
def _english_pages(english_pages):
    """These tests read the English texts: pages and messages in English unless a test asks."""
