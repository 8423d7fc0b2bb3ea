"""Every page, walked from the URL configuration: nobody sees a page their role does not allow,
and no made-up address ever answers with a server error."""

from __future__ import annotations

import uuid

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.factories import CoordinatorFactory, ExpertFactory, MembershipFactory, TrainerFactory
from tests.permissions import REFUSED, assert_access, request_as

pytestmark = pytest.mark.django_db

# Pages anyone may open without logging in.
PUBLIC_PREFIXES = ("/accounts/", "/apply/", "/invitation/", "/language/", "/panel/")
PUBLIC_EXACT = {"/"}
# Answer links and calendar feeds carry their own signed secret instead of a login.
SIGNED = ("/gigs/answer/",)

COORDINATOR_PREFIXES = ("/coordinator/", "/admin/")


def _walk(resolver: URLResolver, prefix: str = ""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace in {"admin"}:
                yield "/admin/"
                continue
            yield from _walk(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern)


def _concrete(route: str) -> str:
    import re

    def fill(match: re.Match) -> str:
        converter = match.group(1) or "str"
        return {
            "int": "987654",
            "uuid": str(uuid.UUID(int=1)),
            "slug": "no-such-thing",
            "path": "no/such",
        }.get(converter, "no-such-thing")

    route = re.sub(r"<(?:(\w+):)?\w+>", fill, route)
    return "/" + route.lstrip("^").rstrip("$").lstrip("/")


ROUTES = sorted(
    {
        _concrete(route)
        for route in _walk(get_resolver())
        if not route.startswith(("static/", "media/")) and "(?P" not in route
    }
)


def _is_public(url: str) -> bool:
    return (
        url in PUBLIC_EXACT
        or url.startswith(PUBLIC_PREFIXES)
        or url.startswith(SIGNED)
        or url.endswith(".ics")
    )


@pytest.mark.parametrize("url", ROUTES)
def test_an_anonymous_visitor_sees_only_public_pages(client, url):
    response = request_as(client, url)
    assert response.status_code < 500, url
    if not _is_public(url):
        assert_access(client, url, REFUSED)


@pytest.mark.parametrize("url", [u for u in ROUTES if u.startswith(COORDINATOR_PREFIXES)])
@pytest.mark.parametrize("role", ["expert", "trainer", "unit_member"])
def test_coordinator_pages_refuse_other_roles(client, url, role):
    user = {
        "expert": lambda: ExpertFactory().user,
        "trainer": TrainerFactory,
        "unit_member": lambda: MembershipFactory().user,
    }[role]()
    assert_access(client, url, REFUSED, user=user)


@pytest.mark.parametrize("url", ROUTES)
def test_a_coordinator_never_meets_a_server_error(client, url):
    client.force_login(CoordinatorFactory())
    assert client.get(url).status_code < 500, url
