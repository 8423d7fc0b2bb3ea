"""Render a Django template to PDF with WeasyPrint, in a given language.

WeasyPrint is imported only when a PDF is made, so the rest of the site runs on a machine that
lacks its system libraries (Pango, HarfBuzz; see README.md). The fonts come from ``static/fonts``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation


class PDFUnavailable(RuntimeError):
    """WeasyPrint or its system libraries are missing on this machine."""


def render_pdf(*, template_name: str, context: dict[str, Any], language: str) -> bytes:
    """The PDF of ``template_name`` rendered in ``language``, as bytes."""
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as exc:  # OSError: Pango or HarfBuzz not installed
        raise PDFUnavailable(
            "WeasyPrint cannot run here; install Pango and HarfBuzz (see README.md)."
        ) from exc
    with translation.override(language):
        html = render_to_string(template_name, {"language": language, **context})
    base_url = f"{settings.BASE_DIR / 'static'}/"
    return HTML(string=html, base_url=base_url).write_pdf()
