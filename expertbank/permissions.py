"""Coordinators may change everything in the project's own apps through the admin."""

from django.contrib.auth.models import Group, Permission

from expertbank.roles import GROUP_ROLES, Role

# App labels whose models coordinators manage in the admin (strings: the core imports no app).
COORDINATOR_APP_LABELS = [
    "expertbank",
    "experts",
    "training",
    "bookings",
    "invoicing",
    "django_celery_beat",
    "account",
]


def coordinator_permissions_sync(**kwargs) -> None:
    """post_migrate: give the coordinators' group every permission of the project's apps."""
    group, _created = Group.objects.get_or_create(name=GROUP_ROLES[Role.COORDINATOR])
    permissions = Permission.objects.filter(content_type__app_label__in=COORDINATOR_APP_LABELS)
    group.permissions.set(permissions)
    Group.objects.get_or_create(name=GROUP_ROLES[Role.TRAINER])
