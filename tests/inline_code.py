"""What a Content-Security-Policy without 'unsafe-inline' would block, found in a template's
source or in a page as served: inline scripts, event handler attributes, ``javascript:`` URLs,
and (for pages a browser shows) ``<style>`` elements and ``style`` attributes.

A ``<script type="application/json">`` (``json_script``) is data, never run, and is allowed.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from django.conf import settings

DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}

_SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
_SRC = re.compile(r"\bsrc\s*=", re.IGNORECASE)
_TYPE = re.compile(r"""\btype\s*=\s*["']?([^"'\s>]+)""", re.IGNORECASE)
# An attribute on*=… (onclick, onchange, onload) or htmx's hx-on (run with eval) in a tag.
_HANDLER = re.compile(r"<[a-zA-Z][^<>]*?\s((?:hx-)?on[a-z:\-]*)\s*=", re.IGNORECASE)
_JAVASCRIPT_URL = re.compile(r"javascript\s*:", re.IGNORECASE)
_STYLE_ELEMENT = re.compile(r"<style\b", re.IGNORECASE)
_STYLE_ATTRIBUTE = re.compile(r"<[a-zA-Z][^<>]*?\sstyle\s*=", re.IGNORECASE)


def project_templates() -> list[Path]:
    """Every template of the project: the site's folder and each app's own."""
    base = Path(settings.BASE_DIR)
    folders = [Path(folder) for folder in settings.TEMPLATES[0]["DIRS"]]
    for app in ("expertbank", "experts", "training", "bookings", "invoicing"):
        folders.append(base / app / "templates")
    return sorted(path for folder in folders if folder.exists() for path in folder.rglob("*.html"))


def is_pdf_template(path: Path, source: str) -> bool:
    """Rendered by WeasyPrint into a PDF, never shown by a browser: its styles are inline."""
    return path.parent.name == "pdf" or '{% extends "pdf/base.html" %}' in source


def is_email_template(path: Path) -> bool:
    """The HTML of an e-mail (``notifications/``), read by mail programs, never served by the
    site: mail programs drop style sheets, so its styles are inline."""
    return "notifications" in path.parts


def line_of(source: str, index: int) -> int:
    return source.count("\n", 0, index) + 1


def inline_code_in_template(source: str, *, styles: bool) -> list[tuple[int, str]]:
    """(line, what) for everything in a template's source that the policy would block."""
    found = []
    for match in _SCRIPT_TAG.finditer(source):
        attributes = match.group(1)
        kind = _TYPE.search(attributes)
        if _SRC.search(attributes) or (kind and kind.group(1).lower() in DATA_SCRIPT_TYPES):
            continue
        found.append((line_of(source, match.start()), "inline <script>"))
    for match in _HANDLER.finditer(source):
        found.append((line_of(source, match.start(1)), f"event handler {match.group(1)}="))
    for match in _JAVASCRIPT_URL.finditer(source):
        found.append((line_of(source, match.start()), "javascript: URL"))
    if styles:
        for match in _STYLE_ELEMENT.finditer(source):
            found.append((line_of(source, match.start()), "inline <style>"))
        for match in _STYLE_ATTRIBUTE.finditer(source):
            found.append((line_of(source, match.end()), "style= attribute"))
    return sorted(found)


class _PageParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        kind = (values.get("type") or "").lower()
        if tag == "script" and not values.get("src") and kind not in DATA_SCRIPT_TYPES:
            self.found.append(f"inline <script> at line {self.getpos()[0]}")
        if tag == "style":
            self.found.append(f"inline <style> at line {self.getpos()[0]}")
        for name, value in attrs:
            if name.startswith(("on", "hx-on")):
                self.found.append(f"<{tag} {name}=…> at line {self.getpos()[0]}")
            elif name == "style":
                self.found.append(f"<{tag} style=…> at line {self.getpos()[0]}")
            elif value and _JAVASCRIPT_URL.match(value.strip()):
                self.found.append(f"<{tag} {name}=javascript:…> at line {self.getpos()[0]}")


def inline_code_in_page(html: str) -> list[str]:
    """Everything in a served HTML page that the site's policy blocks."""
    parser = _PageParser()
    parser.feed(html)
    parser.close()
    return parser.found
