import pytest

from tests.factories import TrainerFactory
from tests.training.factories import CohortFactory


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Certificates are written under a temporary MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def trainer(db):
    return TrainerFactory()


@pytest.fixture
def cohort(trainer):
    return CohortFactory(trainers=[trainer])


@pytest.fixture(autouse=True)
def _english_pages(english_pages):
    """These tests read the English texts: pages and messages in English unless a test asks."""
