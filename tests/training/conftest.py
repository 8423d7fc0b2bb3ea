import pytest

from tests.factories import TrainerFactory
from tests.training.factories import CohortFactory


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Certificates are written under a temporary MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Factories make many users; hashing their passwords properly is not what is tested."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def trainer(db):
    return TrainerFactory()


@pytest.fixture
def cohort(trainer):
    return CohortFactory(trainers=[trainer])


@pytest.fixture(autouse=True)
def _english_pages(settings, monkeypatch):
    """These tests read the English texts: pages and messages in English unless a test asks."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    monkeypatch.setattr(
        "expertbank.middleware.UserLanguageMiddleware.__call__",
        lambda self, request: self.get_response(request),
    )
    with translation.override("en"):
        yield
