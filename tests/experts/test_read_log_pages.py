"""The read log on the pool's pages: opening an expert's profile (or the form that shows the
identity code, IBAN and lived-experience notes in clear) is recorded; coordinators see who has
looked on the expert's page, the expert on their own profile; neither list costs a query a row."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from expertbank.models import ReadEntry
from expertbank.services.audit import read_record
from experts.models import TaxCard
from tests.factories import CoordinatorFactory, ExpertFactory

pytestmark = pytest.mark.django_db


def detail(expert) -> str:
    return f"/coordinator/experts/{expert.pk}/"


@pytest.fixture
def desk(client, coordinator_en):
    client.force_login(coordinator_en)
    return client


def test_opening_an_experts_page_is_recorded_once_in_ten_minutes(desk, coordinator_en):
    expert = ExpertFactory()
    for _ in range(3):
        assert desk.get(detail(expert)).status_code == 200
    entry = ReadEntry.objects.get()
    assert (entry.viewer, entry.subject, entry.kind, entry.object_id, entry.path) == (
        coordinator_en,
        expert.user,
        ReadEntry.Kind.PROFILE,
        str(expert.pk),
        detail(expert),
    )


def test_the_tax_card_shown_on_the_experts_page_is_a_read_of_its_own(desk):
    expert = ExpertFactory()
    today = timezone.localdate()
    card = TaxCard.objects.create(
        expert=expert,
        valid_from=today - timedelta(days=10),
        valid_until=today + timedelta(days=10),
        base_rate=Decimal("10"),
    )
    desk.get(detail(expert))
    assert set(ReadEntry.objects.values_list("kind", "object_id")) == {
        (ReadEntry.Kind.PROFILE, str(expert.pk)),
        (ReadEntry.Kind.TAX_CARD, str(card.pk)),
    }


def test_the_edit_form_with_the_values_in_clear_is_a_read(desk):
    expert = ExpertFactory()
    assert desk.get(f"{detail(expert)}edit/").status_code == 200
    assert ReadEntry.objects.get().kind == ReadEntry.Kind.PROFILE


def test_a_missing_expert_records_nothing(desk):
    assert desk.get("/coordinator/experts/987654/").status_code == 404
    assert not ReadEntry.objects.exists()


def test_the_experts_page_lists_who_has_looked_in_pages(desk, coordinator_en):
    expert = ExpertFactory()
    other = CoordinatorFactory(full_name="Olli Toinen")
    start = timezone.now() - timedelta(days=30)
    for n in range(25):  # each in a window of its own
        read_record(
            viewer=other,
            kind=ReadEntry.Kind.PROFILE,
            items=[(expert, expert.user_id)],
            at=start + timedelta(hours=n),
        )
    page = desk.get(detail(expert)).content.decode()
    assert "Who has looked at this expert's data" in page
    assert "Coordinator Olli Toinen" in page
    assert "Page 1 of 2" in page and "?reads=2#reads" in page
    second = desk.get(f"{detail(expert)}?reads=2")
    assert len(second.context["reads"]) == 6  # 25 + the coordinator's own opening now
    assert "Coordinator Olli Toinen" in second.content.decode()


def test_another_experts_reads_are_not_listed(desk):
    expert, other = ExpertFactory(), ExpertFactory()
    read_record(
        viewer=CoordinatorFactory(full_name="Vieras Katsoja"),
        kind=ReadEntry.Kind.PROFILE,
        items=[(other, other.user_id)],
    )
    assert "Vieras Katsoja" not in desk.get(detail(expert)).content.decode()


def _reads(expert, viewers, count):
    start = timezone.now() - timedelta(days=60)
    for n in range(count):
        read_record(
            viewer=viewers[n % len(viewers)],
            kind=ReadEntry.Kind.PROFILE,
            items=[(expert, expert.user_id)],
            at=start + timedelta(hours=n),
        )


def test_the_experts_page_takes_as_many_queries_for_fifty_reads_as_for_one(desk):
    expert = ExpertFactory()
    viewers = [CoordinatorFactory() for _ in range(5)]
    _reads(expert, viewers, 1)
    desk.get(detail(expert))  # the coordinator's own read is written once
    with CaptureQueriesContext(connection) as one:
        desk.get(detail(expert))
    _reads(expert, viewers, 49)
    with CaptureQueriesContext(connection) as fifty:
        response = desk.get(detail(expert))
    assert len(response.context["reads"]) == 20
    assert len(fifty) == len(one)


def test_the_expert_sees_who_has_looked_at_their_data(client):
    expert = ExpertFactory()
    maija = CoordinatorFactory(full_name="Maija Koordinaattori")
    at = timezone.make_aware(timezone.datetime(2026, 12, 2, 10, 15))
    read_record(viewer=maija, kind=ReadEntry.Kind.PROFILE, items=[(expert, expert.user_id)], at=at)
    client.force_login(expert.user)
    page = client.get("/expert/profile/").content.decode()
    assert "Who has looked at your data" in page
    assert "Coordinator Maija Koordinaattori, 2.12.2026 10.15, your profile" in page


def test_the_expert_does_not_see_reads_of_someone_elses_data(client):
    expert, other = ExpertFactory(), ExpertFactory()
    read_record(
        viewer=CoordinatorFactory(full_name="Vieras Katsoja"),
        kind=ReadEntry.Kind.PROFILE,
        items=[(other, other.user_id)],
    )
    client.force_login(expert.user)
    page = client.get("/expert/profile/").content.decode()
    assert "Vieras Katsoja" not in page and "Nobody else has opened your data." in page


def test_the_experts_own_visits_to_their_pages_are_not_recorded(client):
    expert = ExpertFactory()
    client.force_login(expert.user)
    for url in ("/expert/profile/", "/expert/", "/expert/documents/", "/payments/"):
        assert client.get(url).status_code == 200
    assert not ReadEntry.objects.exists()


def test_the_experts_list_of_reads_takes_as_many_queries_for_fifty_as_for_one(client):
    expert = ExpertFactory()
    viewers = [CoordinatorFactory() for _ in range(5)]
    client.force_login(expert.user)
    _reads(expert, viewers, 1)
    client.get("/expert/profile/")
    with CaptureQueriesContext(connection) as one:
        client.get("/expert/profile/")
    _reads(expert, viewers, 60)
    with CaptureQueriesContext(connection) as many:
        response = client.get("/expert/profile/")
    assert len(response.context["reads"]) == 50
    assert len(many) == len(one)


def test_the_experts_page_in_the_admin_is_a_read_too(desk, coordinator_en):
    expert = ExpertFactory()
    assert desk.get(f"/admin/experts/expert/{expert.pk}/change/").status_code == 200
    entry = ReadEntry.objects.get()
    assert (entry.viewer, entry.subject, entry.kind) == (
        coordinator_en,
        expert.user,
        ReadEntry.Kind.PROFILE,
    )
