"""A coordinator walks the admin and finds no way up: roles (staff, superuser, groups,
permissions), passwords and login addresses are changed by superusers only, and the
coordinators' group holds only the permissions the coordinators' work needs."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django_celery_beat.models import (
    ClockedSchedule,
    CrontabSchedule,
    IntervalSchedule,
    PeriodicTask,
    SolarSchedule,
)

from expertbank.models import User
from expertbank.permissions import (
    COORDINATOR_APP_LABELS,
    COORDINATOR_CORE_PERMISSIONS,
    coordinator_permissions_sync,
)
from expertbank.roles import GROUP_ROLES, Role
from tests.admin_checks import read_change_form
from tests.factories import PASSWORD, CoordinatorFactory, ExpertFactory, UserFactory

pytestmark = pytest.mark.django_db

# Apps whose every admin page decides who can log in as whom (groups, permissions, e-mail
# addresses, second factors) or runs code on a schedule: every registered app but the
# coordinators' own and the core's.
ALWAYS_CHECKED = {"auth", "account", "django_celery_beat"}
MISSING_PK = 987654


def _access_apps() -> set[str]:
    registered = {model._meta.app_label for model in admin.site._registry}
    return registered - set(COORDINATOR_APP_LABELS) - {"expertbank"}


@pytest.fixture
def one_of_each(db):
    """A row of every model of Celery beat, so that each has a change page to try."""
    interval = IntervalSchedule.objects.create(every=1, period=IntervalSchedule.DAYS)
    CrontabSchedule.objects.create(minute="0", hour="6")
    SolarSchedule.objects.create(event="sunrise", latitude="60.17", longitude="24.94")
    ClockedSchedule.objects.create(clocked_time=timezone.now())
    PeriodicTask.objects.create(
        name="retry", task="expertbank.tasks.messages_retry_stale", interval=interval
    )


@pytest.fixture
def superuser(db):
    return UserFactory(is_staff=True, is_superuser=True)


def _url(model, page: str, *args) -> str:
    meta = model._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_{page}", args=args)


def _password_url(user) -> str:
    # Django names the page after its own user model, whichever model the site uses.
    return reverse("admin:auth_user_password_change", args=[user.pk])


def _access_models():
    return sorted(
        (model for model in admin.site._registry if model._meta.app_label in _access_apps()),
        key=lambda model: model._meta.label,
    )


def test_a_coordinator_opens_no_admin_page_of_roles_addresses_or_schedules(
    client, coordinator, one_of_each
):
    assert _access_apps() >= ALWAYS_CHECKED
    models = _access_models()
    assert {Group, EmailAddress, PeriodicTask, IntervalSchedule} <= set(models)
    client.force_login(coordinator)
    wrong = []
    for model in models:
        obj = model._default_manager.order_by("pk").first()
        # The admin asks for the permission before it looks for the row (but for history).
        pk = obj.pk if obj is not None else MISSING_PK
        urls = [
            _url(model, "changelist"),
            _url(model, "add"),
            _url(model, "change", pk),
            _url(model, "delete", pk),
        ]
        if obj is not None:
            urls.append(_url(model, "history", pk))
        for url in urls:
            for method in ("get", "post"):
                status = getattr(client, method)(url, {}).status_code
                if status != 403:
                    wrong.append(f"{method.upper()} {url}: {status}")
    # The admin has no page for permissions at all.
    with pytest.raises(NoReverseMatch):
        reverse("admin:auth_permission_changelist")
    assert client.get("/admin/auth/permission/").status_code == 404
    assert not wrong, "\n".join(wrong)


def test_a_coordinator_cannot_add_or_delete_accounts_in_the_admin(client, coordinator):
    expert = ExpertFactory().user
    client.force_login(coordinator)
    assert client.get(_url(User, "add")).status_code == 403
    password = "Pitk4-salasana!"
    response = client.post(
        _url(User, "add"),
        {"email": "new@example.com", "password1": password, "password2": password},
    )
    assert response.status_code == 403
    assert not User.objects.filter(email="new@example.com").exists()
    assert client.post(_url(User, "delete", expert.pk), {"post": "yes"}).status_code == 403
    assert User.objects.filter(pk=expert.pk).exists()


def test_posting_roles_to_the_user_change_form_leaves_them_unchanged(client, coordinator):
    user = ExpertFactory().user
    coordinators = Group.objects.get(name=GROUP_ROLES[Role.COORDINATOR])
    permission = Permission.objects.get(codename="change_group")
    client.force_login(coordinator)
    url = _url(User, "change", user.pk)
    form = read_change_form(client, url)
    response = client.post(
        url,
        {
            **form.data,
            "full_name": "Uusi Nimi",
            "email": "coordinator.controls.this@example.com",
            "is_staff": "on",
            "is_superuser": "on",
            "groups": [str(coordinators.pk)],
            "user_permissions": [str(permission.pk)],
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.full_name == "Uusi Nimi"  # what a coordinator may change is saved
    assert not user.is_staff
    assert not user.is_superuser
    assert not user.groups.exists()
    assert not user.user_permissions.exists()
    assert user.email != "coordinator.controls.this@example.com"


def test_a_coordinator_cannot_change_an_account_with_admin_access(client, coordinator, superuser):
    other = CoordinatorFactory()
    client.force_login(coordinator)
    for target in (coordinator, other, superuser):
        url = _url(User, "change", target.pk)
        assert client.get(url).status_code == 200  # seen, read-only
        response = client.post(
            url,
            {
                "email": target.email,
                "full_name": "X",
                "is_active": "",
                "is_superuser": "on",
            },
        )
        assert response.status_code == 403
        target.refresh_from_db()
        assert target.is_active and target.full_name != "X"
    coordinator.refresh_from_db()
    assert not coordinator.is_superuser


def test_the_user_change_form_shows_a_coordinator_no_roles_and_no_password_link(
    client, coordinator
):
    user = ExpertFactory().user
    client.force_login(coordinator)
    content = client.get(_url(User, "change", user.pk)).content.decode()
    for field in (
        "is_staff",
        "is_superuser",
        "groups",
        "user_permissions",
        "email",
        "password",
    ):
        assert f'name="{field}"' not in content, field
    assert _password_url(user) not in content
    assert 'name="full_name"' in content


def test_the_password_change_page_is_refused_to_a_coordinator(client, coordinator, superuser):
    expert = ExpertFactory().user
    client.force_login(coordinator)
    for target in (expert, coordinator, superuser):
        url = _password_url(target)
        assert client.get(url).status_code == 403
        data = {"password1": "Uusi-salasana-2026", "password2": "Uusi-salasana-2026"}
        assert client.post(url, {**data, "usable_password": "true"}).status_code == 403
        target.refresh_from_db()
        assert target.check_password(PASSWORD), target


def test_a_coordinator_cannot_put_anyone_in_a_group_or_grant_a_permission(client, coordinator):
    user = ExpertFactory().user
    coordinators = Group.objects.get(name=GROUP_ROLES[Role.COORDINATOR])
    before = set(coordinators.permissions.values_list("pk", flat=True))
    permission = Permission.objects.get(codename="change_user")
    client.force_login(coordinator)
    response = client.post(
        _url(Group, "change", coordinators.pk),
        {"name": coordinators.name, "permissions": [str(permission.pk)]},
    )
    assert response.status_code == 403
    response = client.post(
        _url(Group, "add"), {"name": "admins", "permissions": [str(permission.pk)]}
    )
    assert response.status_code == 403
    assert not Group.objects.filter(name="admins").exists()
    assert set(coordinators.permissions.values_list("pk", flat=True)) == before
    # Nor through the user's own form.
    url = _url(User, "change", user.pk)
    form = read_change_form(client, url)
    client.post(
        url,
        {
            **form.data,
            "groups": [str(coordinators.pk)],
            "user_permissions": [str(permission.pk)],
        },
    )
    assert not user.groups.exists()
    assert not user.user_permissions.exists()


def test_a_coordinator_cannot_touch_login_addresses(client, coordinator):
    expert = ExpertFactory().user
    address = EmailAddress.objects.get(user=expert)
    client.force_login(coordinator)
    response = client.post(
        _url(EmailAddress, "change", address.pk),
        {
            "user": expert.pk,
            "email": "mine@example.com",
            "verified": "on",
            "primary": "on",
        },
    )
    assert response.status_code == 403
    response = client.post(
        _url(EmailAddress, "add"),
        {
            "user": expert.pk,
            "email": "mine@example.com",
            "verified": "on",
            "primary": "on",
        },
    )
    assert response.status_code == 403
    assert not EmailAddress.objects.filter(email="mine@example.com").exists()


def test_the_coordinators_group_holds_only_what_their_work_needs():
    group = Group.objects.get(name=GROUP_ROLES[Role.COORDINATOR])
    held = set(group.permissions.values_list("content_type__app_label", "codename"))
    outside = {
        (app, codename)
        for app, codename in held
        if app not in COORDINATOR_APP_LABELS and (app, codename) not in COORDINATOR_CORE_PERMISSIONS
    }
    assert not outside
    assert set(COORDINATOR_CORE_PERMISSIONS) <= held
    assert not {app for app, _codename in held} & _access_apps()


def test_every_migrate_takes_back_what_the_coordinators_group_was_given():
    group = Group.objects.get(name=GROUP_ROLES[Role.COORDINATOR])
    group.permissions.add(
        Permission.objects.get(codename="change_group"),
        Permission.objects.get(codename="change_emailaddress"),
    )
    coordinator_permissions_sync()
    held = set(group.permissions.values_list("codename", flat=True))
    assert not held & {"change_group", "change_emailaddress"}


def test_a_superuser_still_changes_roles_and_passwords(client, superuser):
    user = ExpertFactory().user
    coordinators = Group.objects.get(name=GROUP_ROLES[Role.COORDINATOR])
    client.force_login(superuser)
    url = _url(User, "change", user.pk)
    form = read_change_form(client, url)
    response = client.post(url, {**form.data, "is_staff": "on", "groups": [str(coordinators.pk)]})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.is_staff and user.groups.filter(pk=coordinators.pk).exists()
    assert client.get(_password_url(user)).status_code == 200
