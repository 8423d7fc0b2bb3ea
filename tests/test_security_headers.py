"""Every page says what a browser may run (Content-Security-Policy without inline script) and
that it must not be kept (Cache-Control: no-store): for each role, the admin, a signed answer
link and a calendar feed, which show personal data without a login."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

from bookings import services
from expertbank.roles import visible_sections
from tests.bookings.factories import bookable_expert, offer, request_booking, staffed
from tests.factories import CoordinatorFactory, ExpertFactory, MembershipFactory, TrainerFactory
from tests.inline_code import inline_code_in_page
from tests.permissions import request_as

pytestmark = pytest.mark.django_db

REQUIRED = {
    "default-src": {"'self'"},
    "script-src": {"'self'"},
    "style-src": {"'self'"},
    "img-src": {"'self'", "data:"},
    "object-src": {"'none'"},
    "base-uri": {"'self'"},
    "form-action": {"'self'"},
    "frame-ancestors": {"'none'"},
}


def policy(response) -> dict[str, set[str]]:
    header = response.get("Content-Security-Policy", "")
    directives = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives[name] = set(sources)
    return directives


def problems(response, *, html: bool = True) -> list[str]:
    """What is wrong with one response's headers (and, for a page, its inline code)."""
    found = []
    directives = policy(response) if "Content-Security-Policy" in response else {}
    if not directives:
        found.append("no Content-Security-Policy")
    for name, sources in REQUIRED.items():
        if directives and directives.get(name) != sources:
            found.append(f"{name} is {sorted(directives.get(name, []))}, not {sorted(sources)}")
    script = directives.get("script-src", set()) | directives.get("default-src", set())
    for unsafe in ("'unsafe-inline'", "'unsafe-eval'"):
        if unsafe in script:
            found.append(f"script-src allows {unsafe}")
    cache_control = response.get("Cache-Control", "")
    if "no-store" not in cache_control:
        found.append(f"Cache-Control is {cache_control!r}")
    if html:
        found += inline_code_in_page(response.content.decode())
    return found


def _assert_pages(client, user, urls, *, html: bool = True) -> None:
    wrong = []
    for url in urls:
        response = request_as(client, url, user=user)
        assert response.status_code == 200, f"{url}: {response.status_code}"
        wrong += [f"{url} as {user or 'anonymous'}: {p}" for p in problems(response, html=html)]
    assert not wrong, "\n".join(wrong)


def _own_pages(user) -> list[str]:
    """The pages in the user's menu (the home page only redirects a logged-in user)."""
    return [item.url for item in visible_sections(user)]


def test_pages_for_anonymous_visitors_have_the_policy_and_are_not_stored(client):
    _assert_pages(client, None, ["/", "/accounts/login/", "/accounts/password/reset/"])


def test_the_coordinators_pages_have_the_policy_and_are_not_stored(client):
    coordinator = CoordinatorFactory()
    urls = [url for url in _own_pages(coordinator) if not url.startswith("/admin/")]
    two_factor = ["/accounts/2fa/", "/accounts/reauthenticate/"]
    _assert_pages(client, coordinator, [*urls, "/coordinator/", *two_factor])


def test_the_trainers_pages_have_the_policy_and_are_not_stored(client):
    trainer = TrainerFactory()
    _assert_pages(client, trainer, [*_own_pages(trainer), "/training/"])


def test_a_unit_members_pages_have_the_policy_and_are_not_stored(client):
    member = MembershipFactory().user
    request_url = reverse("bookings:request")
    _assert_pages(client, member, [*_own_pages(member), "/unit/", request_url])


def test_an_experts_pages_have_the_policy_and_are_not_stored(client):
    expert = ExpertFactory(earnings_cap_yearly="1000.00")
    account = ["/accounts/email/", "/accounts/password/change/"]
    _assert_pages(
        client, expert.user, [*_own_pages(expert.user), "/expert/", "/payments/", *account]
    )


def test_the_admin_has_the_policy_and_is_not_stored(client):
    coordinator = CoordinatorFactory(is_superuser=True)
    _assert_pages(
        client,
        coordinator,
        [
            "/admin/",
            "/admin/expertbank/user/",
            f"/admin/expertbank/user/{coordinator.pk}/change/",
            "/admin/django_celery_beat/periodictask/add/",
        ],
    )


def test_a_signed_answer_link_has_the_policy_and_is_not_stored(client):
    expert = bookable_expert()
    (assignment,) = offer(request_booking(), [expert])
    url = services.answer_url(assignment).removeprefix(settings.SITE_URL)
    assert url.startswith("/gigs/answer/")
    _assert_pages(client, None, [url])


def test_a_calendar_feed_is_not_stored(client):
    expert = bookable_expert()
    staffed(request_booking(), [expert])
    token = services.calendar_token_get(expert=expert).token
    url = reverse("bookings_expert:calendar", args=[token])
    _assert_pages(client, None, [url], html=False)


def test_static_files_keep_their_caching(client, settings):
    # WhiteNoise serves from the source folders, as in development, instead of collectstatic's.
    settings.WHITENOISE_AUTOREFRESH = True
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_MAX_AGE = 3600
    response = client.get(settings.STATIC_URL + "css/site.css")
    assert response.status_code == 200
    assert response["Cache-Control"] == "max-age=3600, public"
