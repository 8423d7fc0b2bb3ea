"""The admin of the pool: masked, not searchable by sensitive values, changes logged."""

import pytest
from django.urls import reverse

from expertbank.services.audit import audit_history
from experts.models import Expert, ExpertImport
from experts.services import expert_update
from tests.experts.factories import GOOD_CODES, GOOD_IBANS, DocumentFactory, current_notice
from tests.factories import ExpertFactory
from tests.permissions import assert_access

pytestmark = pytest.mark.django_db


@pytest.fixture
def expert():
    return expert_update(
        expert=ExpertFactory(user__full_name="Aino Admin"),
        by=None,
        identity_code=GOOD_CODES[0],
        iban=GOOD_IBANS[0],
        notes="Hyvin henkilökohtaista",
    )


@pytest.fixture
def admin_client(client, coordinator):
    client.force_login(coordinator)
    return client


@pytest.mark.parametrize(
    ("model", "shown"),
    [
        ("expert", "Aino Admin"),
        ("experiencearea", "Päihteet"),
        ("workkind", "Puheenvuoro"),
        ("language", "suomi"),
        ("privacynotice", None),
        ("expertimport", "experts.csv"),
    ],
)
def test_the_admin_lists_the_pools_models(admin_client, expert, coordinator, model, shown):
    shown = shown or current_notice().version
    ExpertImport.objects.create(
        uploaded_by=coordinator, file_name="experts.csv", file_format="csv", row_count=1
    )
    response = admin_client.get(reverse(f"admin:experts_{model}_changelist"))
    assert response.status_code == 200
    assert shown in response.content.decode()


def test_the_admin_shows_sensitive_values_masked(admin_client, expert):
    DocumentFactory(expert=expert)
    for url in [
        reverse("admin:experts_expert_changelist"),
        reverse("admin:experts_expert_change", args=[expert.pk]),
    ]:
        content = admin_client.get(url).content.decode()
        assert "••••••-••8T" in content
        assert "131052" not in content and "9420 0287" not in content
        assert "henkilökohtaista" not in content


def test_the_admin_does_not_search_sensitive_values(admin_client, expert):
    url = reverse("admin:experts_expert_changelist")
    assert "Aino Admin" in admin_client.get(url, {"q": "Aino"}).content.decode()
    response = admin_client.get(url, {"q": "131052-308T"})
    assert response.context["cl"].result_count == 0


def test_a_change_in_the_admin_is_logged_like_any_other(admin_client, expert, coordinator):
    url = reverse("admin:experts_expert_change", args=[expert.pk])
    page = admin_client.get(url)
    form = page.context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if name in form.fields and value is not None
    }
    data.update(
        {
            "municipality": "Kerava",
            "areas": [],
            "languages": [],
            "work_kinds": [],
            "status_since": expert.status_since.isoformat(),
        }
    )
    for prefix in ["documents", "consents", "slots", "blackouts", "tax_cards"]:
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    data = {key: value for key, value in data.items() if not isinstance(value, bool) or value}
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Expert.objects.get(pk=expert.pk).municipality == "Kerava"
    entry = audit_history(expert).first()
    assert entry.actor == coordinator and entry.changes["municipality"][1] == "Kerava"
    assert Expert.objects.get(pk=expert.pk).identity_code == GOOD_CODES[0]


def test_experts_are_added_on_the_coordinators_page_not_in_the_admin(client, coordinator):
    assert_access(client, reverse("admin:experts_expert_add"), 403, user=coordinator)
