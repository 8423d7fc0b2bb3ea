"""In a real browser: the keyboard's focus ring shows on every kind of control (Bootstrap's
``outline: 0`` no longer wins), and the experts filter's "Clear" link reads at 4.5:1."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from tests.factories import CoordinatorFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# The focused element's ring: [outline style, width in px, colour].
RING = """
() => {
  const style = getComputedStyle(document.activeElement);
  return [style.outlineStyle, parseFloat(style.outlineWidth), style.outlineColor];
}
"""

# WCAG contrast of an element's text colour against the first opaque background behind it.
CONTRAST = """
(el) => {
  const rgb = (text) => text.match(/[\\d.]+/g).map(Number);
  const luminance = ([r, g, b]) => {
    const lin = (c) => {
      c /= 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
  };
  let back = [255, 255, 255];
  for (let node = el; node; node = node.parentElement) {
    const colour = rgb(getComputedStyle(node).backgroundColor);
    if (colour.length === 3 || colour[3] === 1) { back = colour.slice(0, 3); break; }
  }
  const text = luminance(rgb(getComputedStyle(el).color));
  const [a, b] = [text, luminance(back)].sort((x, y) => y - x);
  return (a + 0.05) / (b + 0.05);
}
"""


def _log_in(page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def _tab_to(page, selector: str, tries: int = 40) -> None:
    for _ in range(tries):
        page.keyboard.press("Tab")
        if page.evaluate(f"document.activeElement.matches({selector!r})"):
            return
    pytest.fail(f"Tab never reached {selector}")


@pytest.mark.parametrize(
    "selector",
    [
        "input.form-control",  # a text field
        "button.btn-primary",  # the submit button
        "form button.btn-outline-light",  # a language button on the blue bar
        "a.btn-light",  # the bar's login link (.btn)
    ],
)
def test_the_focus_ring_shows_on_every_kind_of_control(page, live_server, selector):
    page.set_viewport_size({"width": 1280, "height": 900})  # the bar's links without the menu
    page.goto(f"{live_server.url}/accounts/login/")
    _tab_to(page, selector)
    style, width, colour = page.evaluate(RING)
    assert style == "solid"
    assert width >= 3
    on_the_bar = page.evaluate("!!document.activeElement.closest('.navbar-dark')")
    # Dark on the page, yellow on the blue bar (3:1 or more against each).
    assert colour == ("rgb(255, 210, 77)" if on_the_bar else "rgb(27, 30, 33)")


def test_the_experts_filters_clear_link_reads_at_four_and_a_half_to_one(page, live_server):
    _log_in(page, live_server, CoordinatorFactory())
    page.goto(f"{live_server.url}/coordinator/experts/")
    clear = page.get_by_role("link", name="Tyhjennä")
    assert clear.evaluate(CONTRAST) >= 4.5
    muted = page.locator("main .text-body-secondary").first
    assert muted.evaluate(CONTRAST) >= 4.5


def test_the_account_menu_dropping_from_the_bar_has_the_dark_ring(page, live_server):
    _log_in(page, live_server, CoordinatorFactory())
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/coordinator/")
    _tab_to(page, "button.dropdown-toggle")
    assert page.evaluate(RING)[2] == "rgb(255, 210, 77)"  # the toggle, on the blue bar
    page.keyboard.press("Enter")
    _tab_to(page, ".dropdown-menu a.dropdown-item", tries=3)
    assert page.evaluate(RING) == ["solid", 3, "rgb(27, 30, 33)"]  # on the white menu
