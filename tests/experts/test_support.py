"""The access and support profile: the expert keeps it, the coordinator sees all of it, the
booking unit only what the expert shares."""

import pytest
from django.urls import reverse

from expertbank.models import AuditEntry
from experts.models import SupportProfile
from experts.services import ExpertError, support_profile_set
from tests.factories import ExpertFactory

pytestmark = pytest.mark.django_db

URL = "experts:support"


@pytest.fixture
def logged_in(client, expert_user):
    client.force_login(expert_user)
    return client


def test_the_expert_saves_needs_and_chooses_what_the_unit_sees(logged_in, expert_user):
    response = logged_in.post(
        reverse(URL),
        {
            "companion": "on",
            "interpreter": "sign",
            "max_minutes": "90",
            "no_evenings": "on",
            "other": "Tauko tunnin välein",
            "shared_with_unit": ["interpreter", "max_minutes"],
        },
    )
    assert response.status_code == 302
    profile = SupportProfile.objects.get(expert=expert_user.expert)
    assert profile.companion and profile.no_evenings and not profile.quiet_room
    assert profile.interpreter == "sign" and profile.max_minutes == 90
    assert profile.shared_with_unit == ["interpreter", "max_minutes"]
    assert profile.shared_texts() == ["a sign-language interpreter", "at most 90 minutes"]
    assert "Tauko tunnin välein" in profile.texts()
    entry = AuditEntry.objects.get(action="support profile changed")
    # The free text is logged as changed, never what it says.
    assert entry.changes["other"] == "…"
    page = logged_in.get(reverse(URL))
    assert page.status_code == 200
    assert "Access and support" in page.content.decode()


def test_private_by_default(expert):
    support_profile_set(expert=expert, by=None, companion=True, step_free=True)
    profile = expert.support
    assert len(profile.texts()) == 2
    assert profile.shared_texts() == []


@pytest.mark.parametrize(
    "data",
    [
        {"max_minutes": "5"},
        {"max_minutes": "10000"},
        {"max_minutes": "pitkä"},
        {"interpreter": "telepathy"},
        {"shared_with_unit": ["iban"]},
        {"other": "x" * 1001},
    ],
)
def test_bad_input_is_refused_and_changes_nothing(logged_in, expert_user, data):
    response = logged_in.post(reverse(URL), {"companion": "on", **data})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not SupportProfile.objects.filter(expert=expert_user.expert).exists()


def test_the_service_refuses_bad_values(expert):
    with pytest.raises(ExpertError):
        support_profile_set(expert=expert, by=None, max_minutes=3)
    with pytest.raises(ExpertError):
        support_profile_set(expert=expert, by=None, shared_with_unit=["notes"])
    with pytest.raises(ExpertError):
        support_profile_set(expert=expert, by=None, iban="FI00")
    assert not SupportProfile.objects.filter(expert=expert).exists()


def test_the_page_is_about_the_logged_in_expert_only(logged_in, expert_user):
    other = ExpertFactory()
    support_profile_set(expert=other, by=None, quiet_room=True, other="Oma salaisuus")
    page = logged_in.get(reverse(URL)).content.decode()
    assert "Oma salaisuus" not in page
    logged_in.post(reverse(URL), {"expert": other.pk, "step_free": "on"})
    other.support.refresh_from_db()
    assert other.support.quiet_room and not other.support.step_free
    assert expert_user.expert.support.step_free


def test_the_coordinator_sees_every_need_and_what_is_shared(client, coordinator, expert):
    coordinator.language = "en"
    coordinator.save(update_fields=["language"])
    support_profile_set(
        expert=expert,
        by=None,
        quiet_room=True,
        questions_in_advance=True,
        shared_with_unit=["questions_in_advance"],
    )
    client.force_login(coordinator)
    page = client.get(reverse("experts_coordinator:detail", args=[expert.pk])).content.decode()
    assert "needs a quiet room to rest in" in page
    assert "needs the questions in advance" in page
    assert "the unit sees this" in page and "coordinators only" in page


def test_another_role_cannot_open_the_page(client, unit_member):
    client.force_login(unit_member)
    assert client.get(reverse(URL)).status_code == 403


def test_no_hostile_post_to_the_support_profile_admin_breaks_a_rule(client, coordinator, expert):
    from django.contrib import admin

    from experts.models import Expert
    from experts.services.support import MAX_MINUTES_RANGE
    from tests.admin_checks import delete_via_admin, model_admin, walk_change_form

    support_profile_set(expert=expert, by=None, companion=True, max_minutes=90)
    ExpertFactory(role=Expert.Role.SUPPORT_PERSON)
    profile = SupportProfile.objects.get(expert=expert)
    client.force_login(coordinator)
    profile_admin = model_admin(admin.site, SupportProfile)

    def check(probe, response):
        assert response.status_code in (200, 302), probe
        now = SupportProfile.objects.select_related("companion_person").get(pk=profile.pk)
        person = now.companion_person
        assert person is None or (
            person.role == Expert.Role.SUPPORT_PERSON and person.pk != expert.pk
        ), probe
        assert now.max_minutes is None or (
            MAX_MINUTES_RANGE[0] <= now.max_minutes <= MAX_MINUTES_RANGE[1]
        ), probe

    walk_change_form(client, profile_admin, profile, check=check)
    delete_via_admin(client, profile_admin, profile)
    assert SupportProfile.objects.filter(pk=profile.pk).exists()
