"""Every page of every role fits a 390 px phone: no page scrolls sideways, in Finnish (the
longest words of the three languages).

The pages are the access map's (tests/test_access_map.py): every route that answers a role
with a page (200), asked with the objects of the access world (tests/access_world.py), as the
anonymous visitor, an expert, a unit member, a trainer and a coordinator; each route once, as
the first of these roles that it answers (so the run stays near a minute). The Django admin's
own pages are left out (Django's layout, not ours), and so are downloads (PDF, XML, CSV, the
calendar feed). A page fails when ``document.documentElement.scrollWidth`` is wider than the
window; the message names the elements that stick out past the right edge.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from expertbank.models import User
from tests.access_world import build_world
from tests.test_access_map import ACCESS_MAP

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

WIDTH = 390
ROLES = ("anonymous", "expert_a", "unit_a", "trainer", "coordinator")  # in this order

# Routes that answer with a file, not a page (not opened; one missing here is told apart by the
# browser's download).
DOWNLOADS = {
    "experts:data_export",
    "experts_coordinator:export",
    "experts_coordinator:data_export",
    "experts_coordinator:import_template",
    "bookings_expert:receipt",
    "bookings_expert:calendar",
    "bookings_coordinator:receipt",
    "invoicing_unit:pdf",
    "invoicing_coordinator:pdf",
    "invoicing_coordinator:fee_batch_sepa",
    "invoicing_coordinator:fee_batch_reports_xml",
    "invoicing_coordinator:fee_report_xml",
    "invoicing_expert:pdf",
    "invoicing_expert:summary",
    "training:certificate_download",
}

# What pushes the page past the window's right edge, widest first: elements whose box sticks out,
# and elements whose content (a long word) spills out of a box that does not.
OVERFLOW = """
async () => {
  await document.fonts.ready;
  const width = window.innerWidth;
  const root = document.documentElement;
  if (root.scrollWidth <= width) return null;
  const wide = [];
  const name = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
    + (typeof el.className === "string" && el.className.trim()
       ? "." + el.className.trim().split(/\\s+/).join(".") : "");
  for (const el of document.body.querySelectorAll("*")) {
    const box = el.getBoundingClientRect();
    if (box.width === 0) continue;
    let right = box.right;
    if (el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX === "visible") {
      right = Math.max(right, box.left + el.scrollWidth);
    }
    if (right > width + 0.5) {
      wide.push([Math.round(right), name(el), (el.textContent || "").trim().slice(0, 40)]);
    }
  }
  wide.sort((a, b) => b[0] - a[0]);
  return [root.scrollWidth, wide.slice(0, 4)];
}
"""


def pages(world) -> list[tuple[str, str]]:
    """(role, path) for every page of the access map (a route that answers 200), each asked once:
    as the first role in ``ROLES`` that gets it (a public page as the anonymous visitor, one
    every logged-in user has as the expert), with the world's objects."""
    found = [("anonymous", "/")]
    for role in ROLES:
        for name, entry in ACCESS_MAP.items():
            if name.startswith("admin:") or name in DOWNLOADS:
                continue
            answers = entry.expected
            if answers.get(role) != 200 or any(
                answers.get(earlier) == 200 for earlier in ROLES[: ROLES.index(role)]
            ):
                continue
            kwargs = entry.kwargs(world) if entry.kwargs else None
            found.append((role, reverse(name, kwargs=kwargs) + entry.query))
    return found


def _log_in(context, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def _too_wide(page, live_server, path: str) -> str | None:
    from playwright.sync_api import Error as PlaywrightError

    try:
        response = page.goto(live_server.url + path, wait_until="domcontentloaded")
    except PlaywrightError as error:
        if "Download is starting" in str(error):
            return None  # a file (a route not yet in DOWNLOADS), not a page
        raise
    if response is None or response.status != 200:
        return f"{path}: answered {response.status if response else 'nothing'}"
    if page.locator("html").get_attribute("lang") != "fi":
        return f"{path}: not in Finnish"
    found = page.evaluate(OVERFLOW)
    if found is None:
        return None
    scroll_width, elements = found
    return f"{path}: {scroll_width} px wide; sticking out: {elements}"


def test_no_page_of_any_role_scrolls_sideways_on_a_phone(browser, live_server, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    world = build_world()
    User.objects.update(language="fi")
    to_visit = pages(world)
    assert len(to_visit) > 100  # the map's pages, not a few
    assert {role for role, _ in to_visit} == set(ROLES)
    wrong = []
    for role in ROLES:
        context = browser.new_context(viewport={"width": WIDTH, "height": 844}, locale="fi-FI")
        try:
            if world.users[role] is not None:
                _log_in(context, live_server, world.users[role])
            page = context.new_page()
            page.set_default_timeout(15_000)
            for path in [path for who, path in to_visit if who == role]:
                problem = _too_wide(page, live_server, path)
                if problem:
                    wrong.append(f"{role} {problem}")
        finally:
            context.close()
    assert not wrong, "\n".join(wrong)


def test_the_check_sees_a_page_that_is_too_wide(page, live_server):
    """The measurement itself: a page made wider than the phone is caught, and named."""
    page.goto(live_server.url + "/")
    assert page.evaluate(OVERFLOW) is None
    page.evaluate(
        "() => { const d = document.createElement('div'); d.id = 'wide';"
        " d.style.width = '600px'; d.textContent = 'x'; document.body.append(d); }"
    )
    scroll_width, elements = page.evaluate(OVERFLOW)
    assert scroll_width >= 600
    assert any(name == "div#wide" for _, name, _ in elements)


# A table wider than the phone, scrolling in its box, with visually hidden text in its last
# column (as the units list and an expert's page had), and a heading of one long Finnish word.
WIDE_TABLE = """
() => {
  const box = document.createElement("div");
  box.className = "table-responsive";
  box.innerHTML = '<table class="table"><tbody><tr>'
    + '<td class="text-nowrap">Organisaatio ja yksikkö, jolla on hyvin pitkä nimi</td>'
    + '<td class="text-nowrap">Toinen pitkä sarake, joka ei mahdu puhelimeen</td>'
    + '<td><span class="visually-hidden">Toiminnot</span></td></tr></tbody></table>';
  const heading = document.createElement("h1");
  heading.textContent = "Kokemusasiantuntijakoulutushakemuslomakkeentäyttöohjeet";
  document.querySelector("main").append(box, heading);
  return box.scrollWidth > box.clientWidth;
}
"""


def test_hidden_text_in_a_scrolling_table_and_a_long_word_stay_on_the_phone(page, live_server):
    page.goto(live_server.url + "/")
    scrolls_in_its_box = page.evaluate(WIDE_TABLE)
    assert scrolls_in_its_box  # the table is wider than the phone…
    assert page.evaluate(OVERFLOW) is None  # …and the page is not


def test_the_units_bookings_are_cards_with_status_and_next_step_on_a_phone(page, live_server):
    from tests.bookings.factories import PriceRowFactory, request_booking
    from tests.factories import MembershipFactory, UserFactory

    PriceRowFactory()
    unit_member = MembershipFactory(user=UserFactory(language="fi")).user
    request_booking(by=unit_member, title="Kokemuspuheenvuoro nuorisotyöntekijöille")
    _log_in(page.context, live_server, unit_member)
    page.goto(live_server.url + "/unit/")
    row = page.locator("table.table-stack tbody tr").first
    assert row.evaluate("el => getComputedStyle(el).display") == "block"  # a card
    assert page.locator("table.table-stack thead").evaluate("el => el.offsetWidth") <= 1
    cells = row.locator("td")
    labels = [cells.nth(i).get_attribute("data-label") for i in range(cells.count())]
    assert labels == ["Tilaus", "Milloin", "Yksikkö", "Tila", "Seuraava vaihe"]
    # The status and next step are shown inside the phone's width, under their names.
    for cell in (cells.nth(3), cells.nth(4)):
        box = cell.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= WIDTH
        assert cell.is_visible() and cell.inner_text().strip()
    assert page.evaluate(OVERFLOW) is None
