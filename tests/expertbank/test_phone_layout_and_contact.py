"""The bank's contact details in the site's footer and on the login page, in the reader's
language; and the pieces every page needs on a phone: stacked tables, the focus ring, wrapping
words (the browser test at 390 px is tests/e2e/test_phone_width.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from expertbank.context_processors import contact
from tests.factories import ExpertFactory, MembershipFactory
from tests.inline_code import is_pdf_template, project_templates

CSS = Path(django_settings.BASE_DIR) / "static" / "css" / "site.css"
JS = Path(django_settings.BASE_DIR) / "static" / "js" / "site.js"


@pytest.fixture
def bank(settings):
    settings.BANK_PHONE = "+358 9 123 4567"
    settings.BANK_CONTACT_EMAIL = "toimisto@pankki.example"
    settings.BANK_OPENING_HOURS = "ma–pe 9–15"
    return settings


def _contact_block(html: str) -> str:
    blocks = re.findall(r'<address class="mb-0 bank-contact">(.*?)</address>', html, re.S)
    assert blocks, "no contact details on the page"
    return blocks[-1]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "name", "phone_label"),
    [
        ("fi", "Kokemusasiantuntijapankki", "Puhelin"),
        ("sv", "Erfarenhetsexpertbanken", "Telefon"),
        ("en", "Experience Expert Bank", "Phone"),
    ],
)
def test_the_footer_of_every_page_has_the_banks_contact_details(
    client, bank, language, name, phone_label
):
    expert = ExpertFactory(user__language=language)
    client.force_login(expert.user)
    html = client.get(reverse("experts:portal_home")).content.decode()
    footer = html[html.index("<footer") :]
    block = _contact_block(footer)
    assert name in block
    assert 'href="tel:+35891234567"' in block and "+358 9 123 4567" in block
    assert 'href="mailto:toimisto@pankki.example"' in block
    assert "ma–pe 9–15" in block
    assert phone_label in block


@pytest.mark.django_db
def test_the_login_page_says_how_to_reach_the_bank(client, bank):
    html = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="fi").content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    assert 'aria-labelledby="login-help"' in main
    block = _contact_block(main)
    assert "Kokemusasiantuntijapankki" in block
    assert "+358 9 123 4567" in block and "toimisto@pankki.example" in block
    assert "ma–pe 9–15" in block


@pytest.mark.django_db
def test_details_not_set_are_left_out(client, settings):
    settings.BANK_PHONE = ""
    settings.BANK_CONTACT_EMAIL = ""
    settings.BANK_OPENING_HOURS = ""
    html = client.get(reverse("account_login")).content.decode()
    block = _contact_block(html)
    assert "tel:" not in block and "mailto:" not in block
    assert "Kokemusasiantuntijapankki" in block


def test_the_context_processor_answers_in_the_active_language(rf, bank):
    from django.utils import translation

    with translation.override("sv"):
        details = contact(rf.get("/"))["bank_contact"]
    assert details["name"] == "Erfarenhetsexpertbanken"
    assert details["phone"] == "+358 9 123 4567"
    assert details["email"] == "toimisto@pankki.example"


# --- Phones: the pieces in the templates and the style sheet -----------------------------------

TABLE = re.compile(r"<table\b[^>]*>")


def test_every_table_a_browser_shows_stacks_on_a_phone():
    """Every table of a page (not the PDFs, which WeasyPrint lays out on A4) carries
    .table-stack, so that below 576 px its rows are cards and no page scrolls sideways."""
    base = Path(django_settings.BASE_DIR)
    wrong = []
    for path in project_templates():
        source = path.read_text(encoding="utf-8")
        if is_pdf_template(path, source) or "/admin/" in str(path):
            continue
        for tag in TABLE.findall(source):
            if "table-stack" not in tag:
                wrong.append(f"{path.relative_to(base)}: {tag}")
    assert not wrong, "tables without .table-stack:\n" + "\n".join(wrong)


@pytest.mark.django_db
def test_the_units_bookings_list_is_a_stacked_table(client):
    from tests.bookings.factories import request_booking

    unit_member = MembershipFactory().user
    request_booking(by=unit_member)
    client.force_login(unit_member)
    html = client.get(reverse("bookings:unit_home")).content.decode()
    (table,) = TABLE.findall(html)
    assert "table-stack" in table
    # The status and next step columns have names for the card (site.js copies them in).
    assert '<th scope="col">' in html
    assert "Tila" in html and "Seuraava vaihe" in html


def _rule(css: str, selector: str) -> str:
    match = re.search(re.escape(selector) + r"\s*(?:,[^{]*)?\{([^}]*)\}", css)
    assert match, f"no rule for {selector}"
    return match.group(1)


def test_the_style_sheet_has_the_phone_and_focus_rules():
    css = CSS.read_text(encoding="utf-8")
    # The focus ring beats Bootstrap's outline: 0 on buttons and fields.
    focus = _rule(css, ":focus-visible")
    assert "outline: 3px solid" in focus and "!important" in focus
    # Visually hidden text in a table stays in its scroll box.
    assert "position: relative" in _rule(css, ".table-responsive")
    # Long words wrap; headings hyphenate.
    headings = _rule(css, "h1, h2, h3")
    assert "overflow-wrap: anywhere" in headings and "hyphens: auto" in headings
    # Below the sm breakpoint a stacked table's rows are blocks with their labels.
    phone = css[css.index("@media (max-width: 575.98px) {\n  .table-stack") :]
    assert "display: block" in phone
    assert "content: attr(data-label)" in phone
    # Links are the bank's blue, not Bootstrap's #0d6efd (4.26:1 on the filter box's grey).
    assert "--bs-link-color: #0b4f8a" in css


def test_site_js_names_the_cells_of_stacked_tables():
    js = JS.read_text(encoding="utf-8")
    assert "table.table-stack" in js and 'setAttribute("data-label"' in js


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize(
    ("colour", "background", "least"),
    [
        ("#0b4f8a", "#f8f9fa", 4.5),  # links and .btn-link ("Clear") on .bg-body-tertiary
        ("#0b4f8a", "#f2f2f2", 4.5),  # links on a striped row
        ("#53575c", "#f8f9fa", 4.5),  # muted text and .btn-outline-secondary on grey
        ("#53575c", "#f2f2f2", 4.5),
        ("#1b1e21", "#ffffff", 3.0),  # the focus ring on the page
        ("#1b1e21", "#f8f9fa", 3.0),
        ("#ffd24d", "#0b4f8a", 3.0),  # the focus ring on the blue bar
    ],
)
def test_the_colours_in_the_style_sheet_have_enough_contrast(colour, background, least):
    assert colour in CSS.read_text(encoding="utf-8")
    assert _contrast(colour, background) >= least
    assert _contrast("#0d6efd", "#f8f9fa") < 4.5  # the old link colour, which failed
