"""Each role's pages and the admin in a real browser under the site's Content-Security-Policy:
the policy is sent, the browser reports no violation (no inline script or style refused, no
eval), and what JavaScript does on those pages still works."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from django_celery_beat.models import CrontabSchedule

from bookings.models import Gig
from expertbank.roles import visible_sections
from tests.bookings.test_matching import days_ago, gig_at
from tests.factories import CoordinatorFactory, ExpertFactory, MembershipFactory, TrainerFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# Reported by the browser whenever the policy refuses something, e.g. "Refused to execute
# inline script because it violates the following Content Security Policy directive: …".
CSP_MESSAGE = "Content Security Policy"
# The same, from the page itself: an init script is not subject to the page's policy.
LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""


@pytest.fixture
def watched(browser, live_server):
    """A phone-sized browser page, with every console message and page error kept."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="fi-FI")
    context.add_init_script(LISTEN)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.console_lines = []
    page.on("console", lambda message: page.console_lines.append(message.text))
    page.on("pageerror", lambda error: page.console_lines.append(f"page error: {error}"))
    yield page
    context.close()


def _log_in(page, live_server, user) -> None:
    """The session of a logged-in ``user`` as the browser's cookie (the login form has its own
    test); the live server reads the same database."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def _visit(page, live_server, path: str) -> list[str]:
    """Open ``path``; what went wrong: a missing policy, violations, script errors."""
    page.console_lines.clear()
    response = page.goto(live_server.url + path)
    page.wait_for_load_state("load")
    wrong = []
    if response is None or response.status != 200:
        wrong.append(f"{path}: answered {response.status if response else 'nothing'}")
        return wrong
    policy = response.headers.get("content-security-policy", "")
    if "script-src 'self'" not in policy or "unsafe" in policy:
        wrong.append(f"{path}: policy {policy!r}")
    if "no-store" not in response.headers.get("cache-control", ""):
        wrong.append(f"{path}: Cache-Control {response.headers.get('cache-control')!r}")
    reported = [
        line for line in page.console_lines if CSP_MESSAGE in line or line.startswith("page error")
    ]
    wrong += [f"{path}: {line}" for line in reported]
    wrong += [f"{path}: violated {v}" for v in page.evaluate("window.__violations")]
    return wrong


def _visit_all(page, live_server, paths) -> None:
    wrong = []
    for path in paths:
        wrong += _visit(page, live_server, path)
    assert not wrong, "\n".join(wrong)


def _menu(user) -> list[str]:
    return [item.url for item in visible_sections(user) if not item.url.startswith("/admin/")]


def test_anonymous_pages_run_under_the_policy(watched, live_server):
    _visit_all(watched, live_server, ["/", "/accounts/login/", "/accounts/password/reset/"])


def test_the_coordinators_pages_run_under_the_policy_and_the_menu_opens(watched, live_server):
    coordinator = CoordinatorFactory()
    _log_in(watched, live_server, coordinator)
    two_factor = ["/accounts/2fa/", "/accounts/reauthenticate/"]
    _visit_all(watched, live_server, ["/coordinator/", *_menu(coordinator), *two_factor])
    # Bootstrap's collapse (the phone menu) still runs.
    watched.goto(live_server.url + "/coordinator/")
    watched.get_by_role("button", name="Näytä valikko").click()
    # And the drop-down (Bootstrap's JavaScript too) opens the management pages.
    watched.get_by_role("navigation").get_by_role("button", name="Hallinta").click()
    assert watched.get_by_role("navigation").get_by_role("link", name="Kutsut").is_visible()


def test_the_trainers_pages_run_under_the_policy(watched, live_server):
    trainer = TrainerFactory()
    _log_in(watched, live_server, trainer)
    _visit_all(watched, live_server, ["/training/", *_menu(trainer)])


def test_a_unit_members_pages_run_under_the_policy_and_the_request_form_adapts(
    watched, live_server
):
    member = MembershipFactory().user
    _log_in(watched, live_server, member)
    _visit_all(watched, live_server, ["/unit/", *_menu(member), "/unit/request/"])
    # static/js/booking_request.js: only the chosen kind's time fields show.
    series_only = watched.locator('[data-kinds="series"]')
    fixed_term_only = watched.locator('[data-kinds="fixed_term"]')
    assert fixed_term_only.is_hidden() and series_only.is_hidden()  # a one-off by default
    watched.locator('input[name="kind"][value="fixed_term"]').check()
    assert fixed_term_only.is_visible() and series_only.is_hidden()
    watched.locator('input[name="kind"][value="series"]').check()
    assert series_only.is_visible() and fixed_term_only.is_hidden()


def test_an_experts_pages_run_under_the_policy_and_the_earnings_bar_is_drawn(watched, live_server):
    expert = ExpertFactory(earnings_cap_yearly=Decimal("1000.00"))
    gig_at(expert, days_ago(10), status=Gig.Status.APPROVED, fee="300.00")
    _log_in(watched, live_server, expert.user)
    account = ["/accounts/email/", "/accounts/password/change/"]
    _visit_all(watched, live_server, ["/expert/", *_menu(expert.user), "/payments/", *account])
    # static/js/site.js draws the bar from data-bar-width: 300 of 1,000 is 30 %.
    watched.goto(live_server.url + "/expert/")
    bar = watched.locator("#cap-year").locator("xpath=preceding-sibling::div[1]/div")
    assert bar.get_attribute("data-bar-width") == "30"
    assert bar.evaluate("el => el.style.width") == "30%"
    width, track = bar.evaluate(
        "el => [el.getBoundingClientRect().width, el.parentElement.getBoundingClientRect().width]"
    )
    assert abs(width / track - 0.30) < 0.02


def test_the_admin_runs_under_the_policy_and_its_scripts_work(watched, live_server):
    coordinator = CoordinatorFactory(is_superuser=True)
    schedule = CrontabSchedule.objects.create(minute="0", hour="6", day_of_month="1")
    _log_in(watched, live_server, coordinator)
    _visit_all(
        watched,
        live_server,
        [
            "/admin/",
            "/admin/expertbank/user/",
            f"/admin/expertbank/user/{coordinator.pk}/change/",
            "/admin/django_celery_beat/periodictask/add/",
        ],
    )
    # The admin's own scripts: the date and time shortcuts beside the start time.
    assert watched.locator(".datetimeshortcuts").count() >= 1
    # static/js/admin/periodic_task.js: the chosen crontab in words under the field.
    watched.locator("#id_crontab").select_option(str(schedule.pk))
    help_text = watched.locator(".field-crontab .help").inner_text()
    assert schedule.human_readable in help_text
    assert watched.locator(".field-crontab_translation").is_hidden()
    assert not watched.evaluate("window.__violations")
