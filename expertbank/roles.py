"""Roles and what each user may see.

A user may hold several roles. Coordinators and trainers are Django groups; a booking-unit member
is a user with a unit membership (``user.memberships``) and an expert is a user with an expert
profile (``user.expert``). The core reads those reverse relations by name and imports no domain
app, so dependencies keep pointing one way.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import wraps

from django.contrib.auth.models import AnonymousUser, Group
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import models
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    COORDINATOR = "coordinator", _("coordinator")
    TRAINER = "trainer", _("trainer")
    UNIT_MEMBER = "unit_member", _("booking unit member")
    EXPERT = "expert", _("experience expert")


# Roles held through a group; the others come from domain relations.
GROUP_ROLES = {Role.COORDINATOR: "coordinators", Role.TRAINER: "trainers"}

# The order in which the home page picks a start page for a user with several roles.
ROLE_PRIORITY = [Role.COORDINATOR, Role.TRAINER, Role.UNIT_MEMBER, Role.EXPERT]

START_PAGES = {
    Role.COORDINATOR: "coordinator_home",
    Role.TRAINER: "training:home",
    Role.UNIT_MEMBER: "bookings:unit_home",
    Role.EXPERT: "experts:portal_home",
}


def user_roles(user) -> frozenset[Role]:
    """The roles of ``user``, computed once per user object (one query for groups)."""
    if user is None or isinstance(user, AnonymousUser) or not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_expertbank_roles", None)
    if cached is not None:
        return cached
    roles: set[Role] = set()
    group_names = set(user.groups.values_list("name", flat=True))
    for role, group in GROUP_ROLES.items():
        if group in group_names:
            roles.add(role)
    if user.is_superuser:
        roles.add(Role.COORDINATOR)
    memberships = getattr(user, "memberships", None)
    if memberships is not None and memberships.exists():
        roles.add(Role.UNIT_MEMBER)
    try:
        if user.expert is not None:
            roles.add(Role.EXPERT)
    except (ObjectDoesNotExist, AttributeError):
        pass
    result = frozenset(roles)
    user._expertbank_roles = result
    return result


def has_role(user, role: Role) -> bool:
    return role in user_roles(user)


# Roles that see other people's sensitive data (and the admin): their accounts need more guarding.
STAFF_ROLES = frozenset({Role.COORDINATOR, Role.TRAINER})


def has_staff_role(user) -> bool:
    """A coordinator, a trainer, or a Django staff user or superuser (who reach /admin/)."""
    if user is None or not user.is_authenticated:
        return False
    return user.is_staff or user.is_superuser or bool(user_roles(user) & STAFF_ROLES)


def forget_roles(user) -> None:
    """Drop the cached roles after a change to the user's groups or relations."""
    if hasattr(user, "_expertbank_roles"):
        del user._expertbank_roles


def role_grant(*, user, role: Role) -> None:
    """Give a group role (coordinator, trainer) to a user; coordinators may use the admin."""
    if role not in GROUP_ROLES:
        raise ValueError(f"{role} is not a group role; it follows from the user's relations.")
    group, _created = Group.objects.get_or_create(name=GROUP_ROLES[role])
    user.groups.add(group)
    if role == Role.COORDINATOR and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    forget_roles(user)


def role_required(*roles: Role):
    """View decorator: the user must be logged in and hold one of ``roles``; others get 403."""
    from django.contrib.auth.decorators import login_required

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            if not user_roles(request.user) & set(roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    role: Role | None = None
    group: str | Promise | None = None  # items of one group share a drop-down menu

    @property
    def url(self) -> str:
        return reverse(self.url_name)


def start_page(user) -> str | None:
    """The URL name of the user's own start page, by role priority."""
    roles = user_roles(user)
    for role in ROLE_PRIORITY:
        if role in roles:
            return START_PAGES[role]
    return None


def visible_sections(user) -> list[NavItem]:
    """What this user may see: the navigation is built from this list and nothing else.

    The core lists its own pages; each app adds its pages by defining ``nav_items(roles)`` on
    its AppConfig (the core finds them through the app registry and imports no domain app).
    """
    from django.apps import apps

    roles = user_roles(user)
    items: list[NavItem] = []
    if Role.COORDINATOR in roles:
        items.append(NavItem(_("Work queue"), "coordinator_home", Role.COORDINATOR))
    for config in apps.get_app_configs():
        contribute = getattr(config, "nav_items", None)
        if contribute is not None:
            items += [item for item in contribute(roles) if item.role in roles]
    if Role.COORDINATOR in roles:
        items += [
            NavItem(_("Invitations"), "invitation_list", Role.COORDINATOR, MANAGEMENT),
            NavItem(_("Administration"), "admin:index", Role.COORDINATOR, MANAGEMENT),
        ]
    return items


# The coordinator's menu groups, so that the bar fits one line of a desktop in every language.
MONEY = _("Money")
MANAGEMENT = _("Management")


@dataclass
class NavEntry:
    """One place in the menu bar: a link (``item``) or a drop-down of ``items`` under ``label``."""

    label: str | Promise
    item: NavItem | None = None
    items: list[NavItem] | None = None


def nav_menu(user) -> list[NavEntry]:
    """The menu bar: ``visible_sections`` in order, a group's items folded into one drop-down where
    its first item stands (a group with one visible item stays a plain link)."""
    items = visible_sections(user)
    groups: dict[str, list[NavItem]] = {}
    for item in items:
        if item.group is not None:
            groups.setdefault(str(item.group), []).append(item)
    entries: list[NavEntry] = []
    for item in items:
        members = groups.get(str(item.group)) if item.group is not None else None
        if not members or len(members) == 1:
            entries.append(NavEntry(item.label, item=item))
        elif members[0] is item:
            entries.append(NavEntry(item.group, items=members))
    return entries
