"""Who gets which answer: the permission matrix of any set of pages, written once.

An expected answer is an HTTP status (200, 403, 404, 405; 302 is any redirect), ``LOGIN`` (a
redirect to the site's login page), ``ADMIN_LOGIN`` (to the admin's), or a set of these when
more than one is right; ``REFUSED`` is every way of not showing a page. A user of ``None`` is an
anonymous visitor.

    assert_access(client, url, 403, user=trainer)
    assert_matrix(
        client,
        [Page(url, {"coordinator": 200}), Page(action, {"coordinator": 302}, method="post")],
        users={"anonymous": None, "trainer": trainer, "coordinator": coordinator},
    )

Roles a page does not name get its ``default`` (403), anonymous visitors its ``anonymous``
(``LOGIN``). ``assert_matrix`` asks every page as every user and fails once, listing every
answer that differs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpResponse
from django.test import Client

LOGIN = "login"
ADMIN_LOGIN = "admin login"
LOGIN_PATHS = {LOGIN: "/accounts/login/", ADMIN_LOGIN: "/admin/login/"}
REFUSED = frozenset({LOGIN, ADMIN_LOGIN, 403, 404, 405})

Expected = int | str | frozenset


def request_as(
    client: Client,
    url: str,
    *,
    user=None,
    method: str = "get",
    data: Mapping[str, Any] | None = None,
) -> HttpResponse:
    """Ask ``url`` as ``user`` (``None``: logged out)."""
    client.logout()
    if user is not None:
        client.force_login(user)
    return getattr(client, method)(url, data or {})


def _one_matches(response: HttpResponse, expected: int | str) -> bool:
    if expected in LOGIN_PATHS:
        return response.status_code == 302 and response.url.startswith(LOGIN_PATHS[expected])
    return response.status_code == expected


def matches(response: HttpResponse, expected: Expected) -> bool:
    if isinstance(expected, frozenset | set):
        return any(_one_matches(response, one) for one in expected)
    return _one_matches(response, expected)


def describe(response: HttpResponse) -> str:
    if 300 <= response.status_code < 400:
        return f"{response.status_code} → {response.url}"
    return str(response.status_code)


def assert_access(
    client: Client,
    url: str,
    expected: Expected,
    *,
    user=None,
    method: str = "get",
    data: Mapping[str, Any] | None = None,
) -> HttpResponse:
    """Ask ``url`` as ``user`` and assert the answer; returns the response for more checks."""
    response = request_as(client, url, user=user, method=method, data=data)
    assert matches(response, expected), (
        f"{method.upper()} {url} as {user or 'anonymous'}: expected {expected}, "
        f"got {describe(response)}"
    )
    return response


@dataclass(frozen=True)
class Page:
    """One row of a matrix: a URL, and the answer each role (by name) must get."""

    url: str
    expected: Mapping[str, Expected] = field(default_factory=dict)
    method: str = "get"
    data: Mapping[str, Any] | None = None
    default: Expected = 403
    anonymous: Expected = LOGIN

    def expected_for(self, role: str, user) -> Expected:
        if role in self.expected:
            return self.expected[role]
        return self.anonymous if user is None else self.default


def assert_matrix(client: Client, pages: Iterable[Page], users: Mapping[str, Any]) -> None:
    """Every page as every user (``{role: user or None}``); fails listing every mismatch."""
    wrong = []
    for page in pages:
        for role, user in users.items():
            expected = page.expected_for(role, user)
            response = request_as(client, page.url, user=user, method=page.method, data=page.data)
            if not matches(response, expected):
                wrong.append(
                    f"{page.method.upper()} {page.url} as {role}: expected {expected}, "
                    f"got {describe(response)}"
                )
    assert not wrong, "\n".join(wrong)
