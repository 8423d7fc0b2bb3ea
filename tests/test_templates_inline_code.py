"""No template holds code or styles that the Content-Security-Policy would block: scripts live in
static/js/, styles in static/css/site.css (PDF templates, read by WeasyPrint only, and the HTML of
e-mails, read by mail programs only, keep theirs)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.template.loader import get_template

from tests.inline_code import (
    inline_code_in_template,
    is_email_template,
    is_pdf_template,
    project_templates,
)


def _report(paths) -> list[str]:
    wrong = []
    base = Path(settings.BASE_DIR)
    for path in paths:
        source = path.read_text(encoding="utf-8")
        styles = not (is_pdf_template(path, source) or is_email_template(path))
        for line, what in inline_code_in_template(source, styles=styles):
            wrong.append(f"{path.relative_to(base)}:{line}: {what}")
    return wrong


def test_the_scan_finds_inline_scripts_handlers_javascript_urls_and_styles():
    source = (
        '<script>alert(1)</script>\n<script src="/static/js/site.js"></script>\n'
        '<script type="application/json" id="x">{}</script>\n'
        '<button type="button" onclick="go()">Go</button>\n<a href="javascript:void(0)">x</a>\n'
        '<div hx-on:click="go()"></div>\n<style>p {}</style>\n<p style="color: red">x</p>\n'
    )
    found = inline_code_in_template(source, styles=True)
    assert found == [
        (1, "inline <script>"),
        (4, "event handler onclick="),
        (5, "javascript: URL"),
        (6, "event handler hx-on:click="),
        (7, "inline <style>"),
        (8, "style= attribute"),
    ]
    assert inline_code_in_template('<p style="x">', styles=False) == []


def test_no_template_has_inline_scripts_event_handlers_javascript_urls_or_styles():
    templates = project_templates()
    assert len(templates) > 50  # the scan reads the real folders
    wrong = _report(templates)
    assert not wrong, "Move these into static/js/ or static/css/site.css:\n" + "\n".join(wrong)


def test_the_third_party_templates_the_admin_and_account_pages_show_have_no_inline_code():
    """Other packages' templates that render inline code whatever the data (the admin's own
    pages are checked as served, in test_security_headers)."""
    names = ["admin/djcelery/change_periodictask_form.html", "account/email.html"]
    paths = [Path(get_template(name).origin.name) for name in names]
    wrong = _report(paths)
    assert not wrong, "Override these in templates/ without inline code:\n" + "\n".join(wrong)
