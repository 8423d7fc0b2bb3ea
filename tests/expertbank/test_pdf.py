import io
import subprocess
import sys

from django.conf import settings
from pypdf import PdfReader

from expertbank.services.pdf import render_pdf


def _text_and_fonts(data: bytes) -> tuple[str, set[str]]:
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    return text, fonts


def test_it_renders_a_real_pdf_in_the_given_language():
    data = render_pdf(template_name="pdf/base.html", context={"title": "Todistus"}, language="sv")
    assert data.startswith(b"%PDF-")
    text, _fonts = _text_and_fonts(data)
    assert "Todistus" in text
    assert "Erfarenhetsexpertbanken" in text


def test_it_renders_finnish_letters_with_the_vendored_font():
    data = render_pdf(
        template_name="pdf/base.html", context={"title": "Äänekoski ja Öljymäki"}, language="fi"
    )
    text, fonts = _text_and_fonts(data)
    assert "Äänekoski ja Öljymäki" in text
    assert "Kokemusasiantuntijapankki" in text
    assert fonts and all("Source-Sans-3" in font for font in fonts), fonts


def test_the_site_loads_without_weasyprint():
    code = (
        "import sys, os, django; os.environ['DJANGO_SETTINGS_MODULE']='expertbank.settings'; "
        "django.setup(); import expertbank.urls, expertbank.services.pdf; "
        "print('weasyprint' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=settings.BASE_DIR, capture_output=True, text=True
    )
    assert result.stdout.strip() == "False", result.stderr
