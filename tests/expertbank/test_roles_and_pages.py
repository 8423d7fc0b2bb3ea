import pytest
from django.urls import reverse
from django.utils import translation

from expertbank.roles import Role, nav_menu, start_page, user_roles, visible_sections
from tests.factories import (
    CoordinatorFactory,
    ExpertFactory,
    MembershipFactory,
    TrainerFactory,
    UserFactory,
)
from tests.permissions import ADMIN_LOGIN, LOGIN, Page, assert_access, assert_matrix

pytestmark = pytest.mark.django_db

START_URLS = {
    Role.COORDINATOR: "/coordinator/",
    Role.TRAINER: "/training/",
    Role.UNIT_MEMBER: "/unit/",
    Role.EXPERT: "/expert/",
}


def _user_with(role: Role):
    return {
        Role.COORDINATOR: CoordinatorFactory,
        Role.TRAINER: TrainerFactory,
        Role.UNIT_MEMBER: lambda: MembershipFactory().user,
        Role.EXPERT: lambda: ExpertFactory().user,
    }[role]()


@pytest.mark.parametrize("role", list(Role))
def test_home_sends_each_role_to_its_own_start_page(client, role):
    user = _user_with(role)
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 302
    assert response.url == START_URLS[role]
    page = client.get(response.url)
    assert page.status_code == 200
    content = page.content.decode()
    assert user.get_short_name() in content
    assert str(role.label).capitalize() in content


@pytest.mark.parametrize("role", list(Role))
def test_start_pages_refuse_other_roles(client, role):
    pages = [Page(url, {role: 200} if own == role else {}) for own, url in START_URLS.items()]
    assert_matrix(client, pages, {role: _user_with(role)})


@pytest.mark.parametrize("url", [*list(START_URLS.values()), "/coordinator/invitations/"])
def test_anonymous_visitors_are_sent_to_login(client, url):
    assert_access(client, url, LOGIN)


def test_anonymous_home_offers_login(client):
    response = client.get("/")
    assert response.status_code == 200
    assert reverse("account_login") in response.content.decode()


def test_a_user_without_roles_is_told_what_happens_next(client):
    client.force_login(UserFactory())
    response = client.get("/")
    assert response.status_code == 200
    assert "ei vielä ole roolia" in response.content.decode()


def test_a_user_can_hold_several_roles_and_the_navigation_shows_each():
    user = TrainerFactory()
    ExpertFactory(user=user)
    MembershipFactory(user=user)
    assert user_roles(user) == {Role.TRAINER, Role.EXPERT, Role.UNIT_MEMBER}
    assert start_page(user) == "training:home"
    urls = [item.url_name for item in visible_sections(user)]
    for start in ("experts:portal_home", "training:home", "bookings:unit_home"):
        assert start in urls
    assert "coordinator_home" not in urls
    assert "invitation_list" not in urls
    assert "admin:index" not in urls


def test_the_coordinators_money_and_management_pages_share_drop_downs(client):
    coordinator = CoordinatorFactory()
    entries = nav_menu(coordinator)
    with translation.override("en"):
        groups = {
            str(entry.label): [item.url_name for item in entry.items]
            for entry in entries
            if entry.items
        }
    assert groups == {
        "Money": ["invoicing_coordinator:list", "invoicing_coordinator:fee_statements"],
        "Management": ["bookings_coordinator:organisations", "invitation_list", "admin:index"],
    }
    # Every section is still in the menu, once: the drop-downs fold, they drop nothing.
    folded = [e.item.url_name for e in entries if e.item] + [
        u for urls in groups.values() for u in urls
    ]
    assert sorted(folded) == sorted(item.url_name for item in visible_sections(coordinator))
    client.force_login(coordinator)
    content = client.get("/coordinator/").content.decode()
    assert 'class="nav-link dropdown-toggle"' in content
    assert reverse("invoicing_coordinator:fee_statements") in content


def test_the_navigation_shows_only_what_the_user_may_see(client):
    client.force_login(ExpertFactory().user)
    content = client.get("/expert/").content.decode()
    assert "/expert/" in content
    assert "/coordinator/" not in content
    assert "/admin/" not in content
    assert "/unit/" not in content


def test_a_coordinator_reaches_the_admin(client):
    coordinator = CoordinatorFactory(full_name="Sanna Koordinaattori")
    index = assert_access(client, "/admin/", 200, user=coordinator).content.decode()
    for app in ("experts", "training", "bookings"):
        assert f'href="/admin/{app}/"' in index
    users = assert_access(client, "/admin/expertbank/user/", 200, user=coordinator)
    assert coordinator.email in users.content.decode()
    assert_access(client, "/admin/expertbank/message/", 200, user=coordinator)


def test_an_expert_does_not_reach_the_admin(client):
    assert_access(client, "/admin/", ADMIN_LOGIN, user=ExpertFactory().user)


def test_roles_are_computed_with_few_queries(django_assert_num_queries):
    user = CoordinatorFactory()
    user = type(user).objects.get(pk=user.pk)
    with django_assert_num_queries(3):
        assert user_roles(user) == {Role.COORDINATOR}
        assert user_roles(user) == {Role.COORDINATOR}  # cached on the object
