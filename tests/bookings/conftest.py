import pytest

from tests.bookings.factories import PriceRowFactory, bookable_expert, member
from tests.factories import CoordinatorFactory


@pytest.fixture
def terms(db):
    """The general price row for talks: 350 € a gig, fee 200 €, 7 days' notice."""
    return PriceRowFactory()


@pytest.fixture
def booker(db):
    return member()


@pytest.fixture
def coordinator(db):
    return CoordinatorFactory(language="en")


@pytest.fixture
def anna(db):
    return bookable_expert(public_alias="Anna K.")
