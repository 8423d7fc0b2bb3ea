"""What every journey step uses: ``visit``/``check_page`` (no sideways scroll at a phone's width,
no serious or critical axe-core violation, a screenshot for the user guide when asked),
``mails_to`` (the e-mails the real worker sent), ``finnish_words`` (the Finnish UI words left on a
page) and ``JOURNEY`` (the marks of a journey module)."""

from __future__ import annotations

import email
import os
import re
import time
from dataclasses import dataclass, field
from email import policy
from pathlib import Path

import pytest

from tests.e2e.test_phone_width import OVERFLOW

# A journey module's marks: PostgreSQL (its no-overlap constraints, as in production), a real
# Celery worker, a transactional database the live server and the worker both read.
JOURNEY = [
    pytest.mark.postgres,
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

AXE = Path(__file__).resolve().parent.parent / "assets" / "axe.min.js"
FAILING_IMPACTS = ("serious", "critical")
PHONE_WIDTH = 390

# axe-core on the whole document; the WCAG 2.x A and AA rules and axe's best practices.
RUN_AXE = """
async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ") + " :: " + n.failureSummary),
  }));
}
"""


def with_axe(context) -> None:
    """axe-core in every page of ``context``, loaded before the page's own scripts. An init
    script, not ``page.add_script_tag``: the site's Content-Security-Policy (``script-src
    'self'``) rightly refuses a script tag injected into the page, and the journeys keep it on."""
    context.add_init_script(path=str(AXE))


def axe_violations(page) -> list[dict]:
    """axe-core's violations on the page as it is now (every impact)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))  # a page of a context without ``with_axe``
    return page.evaluate(RUN_AXE)


def check_page(page, screenshot: str | None = None, *, axe: bool = True) -> None:
    """The page as it is now: no sideways scroll at the phone's width, no serious or critical
    axe-core violation; a user-guide screenshot ``<screenshot>.png`` when
    ``USER_GUIDE_SCREENSHOTS`` names a folder."""
    where = page.url
    width = page.viewport_size["width"] if page.viewport_size else None
    if width is not None and width <= PHONE_WIDTH:
        found = page.evaluate(OVERFLOW)
        assert found is None, f"{where} scrolls sideways at {width} px: {found}"
    if axe:
        # Colours are measured when the CSS transitions (a button's hover) have finished.
        page.evaluate("() => Promise.all(document.getAnimations().map((a) => a.finished))")
        bad = [v for v in axe_violations(page) if v["impact"] in FAILING_IMPACTS]
        assert not bad, f"{where}: axe-core finds serious or critical violations:\n" + "\n".join(
            f"- {v['impact']} {v['id']}: {v['help']} {v['nodes']}" for v in bad
        )
    if screenshot:
        save_screenshot(page, screenshot)


def visit(page, url: str, screenshot: str | None = None, *, axe: bool = True):
    """Open ``url`` (a path on the page's live server, or a full URL), check it answers a page
    and ``check_page`` it. Returns the response."""
    response = page.goto(url)  # a path is on the context's base_url, the live server
    assert response is not None and response.status < 400, (
        f"{url} answered {response.status if response else 'nothing'}"
    )
    page.wait_for_load_state()
    check_page(page, screenshot, axe=axe)
    return response


def save_screenshot(page, name: str) -> Path | None:
    """``<USER_GUIDE_SCREENSHOTS>/<name>.png`` of the window, its colours quantized (≤ 256) so
    the committed PNGs stay small. Nothing without the variable."""
    folder = os.environ.get("USER_GUIDE_SCREENSHOTS")
    if not folder:
        return None
    path = Path(folder) / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=False, animations="disabled", caret="hide")
    try:
        from PIL import Image
    except ImportError:  # pragma: no cover - Pillow comes with WeasyPrint
        return path
    with Image.open(path) as image:
        small = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    small.save(path, optimize=True)
    return path


# --- E-mail the worker sent ---------------------------------------------------------------------

LINK = re.compile(r"https?://[^\s<>\"')]+")


@dataclass
class Mail:
    to: list[str]
    subject: str
    body: str
    html: str = ""
    links: list[str] = field(default_factory=list)

    def link(self, contains: str) -> str:
        """The first link whose address contains ``contains``."""
        for link in self.links:
            if contains in link:
                return link
        raise AssertionError(f"no link with {contains!r} in {self.subject!r}: {self.links}")


def _mails_in(folder: Path) -> list[Mail]:
    """Every message Django's file e-mail backend wrote into ``folder``, oldest first."""
    mails = []
    separator = b"\n" + b"-" * 79 + b"\n"
    for path in sorted(folder.glob("*.log"), key=lambda p: p.stat().st_mtime):
        for chunk in path.read_bytes().split(separator):
            if not chunk.strip():
                continue
            message = email.message_from_bytes(chunk.lstrip(b"\n"), policy=policy.default)
            text = message.get_body(preferencelist=("plain",))
            html = message.get_body(preferencelist=("html",))
            body = text.get_content() if text else ""
            mails.append(
                Mail(
                    to=[a.addr_spec.lower() for a in message["To"].addresses],
                    subject=str(message["Subject"]),
                    body=body,
                    html=html.get_content() if html else "",
                    links=LINK.findall(body),
                )
            )
    return mails


def mails_to(
    address: str,
    folder: Path | None = None,
    *,
    subject: str = "",
    count: int = 1,
    timeout: float = 45,
) -> list[Mail]:
    """The e-mails sent to ``address`` (subject containing ``subject``), waiting up to
    ``timeout`` seconds until there are at least ``count``: the worker sends them after the
    request that caused them has answered. ``folder`` is the worker's mail folder (by default
    the one the journey fixtures set, ``JOURNEY_MAIL_DIR``)."""
    folder = folder or Path(os.environ["JOURNEY_MAIL_DIR"])
    address = address.lower()
    deadline = time.monotonic() + timeout
    while True:
        found = [
            mail
            for mail in _mails_in(folder)
            if address in mail.to and subject.lower() in mail.subject.lower()
        ]
        if len(found) >= count or time.monotonic() > deadline:
            break
        time.sleep(0.25)
    assert len(found) >= count, (
        f"{count} e-mail(s) to {address} with {subject!r} expected, {len(found)} came; "
        f"all sent: {[(m.to, m.subject) for m in _mails_in(folder)]}"
    )
    return found


# --- Language -----------------------------------------------------------------------------------

# Common Finnish words of the site's own interface (buttons, menus, headings, statuses) that have
# no place on a page in Swedish or English. Whole words, matched case-insensitively; names in the
# data (people, units, places) are not on the list.
FINNISH_UI_WORDS = (
    "Tilaus",
    "Tilaukset",
    "Tilaa",
    "Keikka",
    "Keikat",
    "Tallenna",
    "Peruuta",
    "Kirjaudu",
    "Kirjaudu ulos",
    "Laskut",
    "Lasku",
    "Etusivu",
    "Yksikkö",
    "Hinta",
    "Peruutusehdot",
    "Lähetä",
    "Hyväksy",
    "Hylkää",
    "Palkkiot",
    "Asiantuntija",
    "Kokemusasiantuntija",
    "Kokemusasiantuntijat",
    "Valikko",
    "Näytä valikko",
    "Omat tiedot",
    "Asetukset",
    "Sähköposti",
    "Salasana",
    "Milloin",
    "Missä",
    "Tila",
    "Seuraava vaihe",
    "Jatka",
    "Takaisin",
    "Sulje",
    "Kyllä",
    "Ei",
    "tai",
    "sekä",
)


def finnish_words(text: str, allowed: tuple[str, ...] = ()) -> list[str]:
    """The words of ``FINNISH_UI_WORDS`` found in ``text`` as whole words (a phrase as a whole),
    less those in ``allowed`` (the data's own words, e.g. a unit's Finnish name)."""
    for part in allowed:
        text = text.replace(part, " ")
    found = []
    for word in FINNISH_UI_WORDS:
        if re.search(rf"(?<![\wåäö]){re.escape(word)}(?![\wåäö])", text, flags=re.IGNORECASE):
            found.append(word)
    return found


def visible_text(page) -> str:
    """What a person reads on the page: the body's rendered text, the title, and the labels a
    screen reader says (aria-label, alt, placeholder, title)."""
    return page.evaluate(
        """() => [document.title, document.body.innerText,
            ...[...document.querySelectorAll('[aria-label],[alt],[placeholder],[title]')]
              .filter((el) => el.offsetParent !== null || el === document.body)
              .map((el) => [el.getAttribute('aria-label'), el.getAttribute('alt'),
                            el.getAttribute('placeholder'), el.getAttribute('title')]
                   .filter(Boolean).join(' '))].join('\\n')"""
    )


def tr(msgid: str, language: str = "fi", **values) -> str:
    """``msgid`` as the site says it in ``language`` (the catalogues, not a copy of them), with
    ``%(name)s`` filled from ``values``: what a journey looks for on the page."""
    from django.utils import translation

    with translation.override(language):
        text = translation.gettext(msgid)
    return text % values if values else text


def field(page, label: str):
    """The form field labelled exactly ``label`` (a required field's asterisk allowed)."""
    return page.locator("main").get_by_label(re.compile(rf"^\s*{re.escape(label)}\s*\*?\s*$"))


# --- The coordinator's desk ---------------------------------------------------------------------

DESKTOP = 1280


def also_on_a_phone(page) -> None:
    """A desktop page (the coordinator's) must not scroll sideways on a phone either: the same
    page narrowed to 390 px, checked, and widened back."""
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 844})
    try:
        check_page(page, axe=False)  # axe already ran at the desktop's width
    finally:
        page.set_viewport_size({"width": DESKTOP, "height": 844})
