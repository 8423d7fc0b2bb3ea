"""What coordinators may do in the admin: the least their work needs.

Roles, permissions, passwords and e-mail addresses decide who can log in as whom; only superusers
change them. Coordinators get every permission of the project's domain apps (whose admins show
what the services own read-only) and, of the core, only what their work needs.
"""

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

from expertbank.roles import GROUP_ROLES, Role

# App labels whose models coordinators manage in the admin (strings: the core imports no app).
COORDINATOR_APP_LABELS = ["experts", "training", "bookings", "invoicing"]
# Of the core: people's names, phones, languages and whether they may log in (never their
# e-mail, password or roles), revoking invitations, reading the message log. Nothing of
# allauth's e-mail addresses, auth's groups and permissions or Celery beat's schedules.
COORDINATOR_CORE_PERMISSIONS = [
    ("expertbank", "view_user"),
    ("expertbank", "change_user"),
    ("expertbank", "view_invitation"),
    ("expertbank", "change_invitation"),
    ("expertbank", "view_message"),
]


def may_manage_access(user) -> bool:
    """Only a superuser changes who may do what: roles (staff, superuser, groups, permissions),
    passwords and login addresses of others, groups and permissions themselves."""
    return bool(user.is_active and user.is_superuser)


def coordinator_permissions() -> Q:
    core = Q()
    for app_label, codename in COORDINATOR_CORE_PERMISSIONS:
        core |= Q(content_type__app_label=app_label, codename=codename)
    return Q(content_type__app_label__in=COORDINATOR_APP_LABELS) | core


def coordinator_permissions_sync(**kwargs) -> None:
    """post_migrate: the coordinators' group holds exactly ``coordinator_permissions()``; every
    migrate takes back whatever else it was given."""
    group, _created = Group.objects.get_or_create(name=GROUP_ROLES[Role.COORDINATOR])
    group.permissions.set(Permission.objects.filter(coordinator_permissions()))
    Group.objects.get_or_create(name=GROUP_ROLES[Role.TRAINER])
