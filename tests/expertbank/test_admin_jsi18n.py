"""The Django admin wholly in the user's language: its JavaScript catalogue (the selector widget
of filter_horizontal, the date and time pickers) is served in Finnish and Swedish, with the
strings Django's own Finnish catalogue leaves empty filled by expertbank/admin_catalogue."""

import json
import re
from pathlib import Path

import django
import polib
import pytest
from django.urls import reverse

from expertbank.admin import ADMIN_CATALOGUE
from tests.factories import CoordinatorFactory

pytestmark = pytest.mark.django_db

# What SelectFilter2.js (the filter_horizontal widget) asks the catalogue for.
SELECTOR = {
    "fi": {
        "Available %s": "Mahdolliset %s",  # Django's own
        "Chosen %s": "Valitut %s",  # Django's own
        "Choose all %s": "Valitse kaikki %s",  # the supplement
        "Remove all %s": "Poista kaikki %s",
        "Choose selected %s": "Valitse merkityt %s",
        "Remove selected %s": "Poista merkityt %s",
    },
    "sv": {
        "Available %s": "Tillgängliga %s",
        "Choose all %s": "Välj alla %s",
        "Remove all %s": "Ta bort alla %s",
    },
}


def _catalogue(client, language: str) -> dict:
    """The catalogue the admin's pages load (``<script src="/admin/jsi18n/">``), as a dict."""
    client.force_login(CoordinatorFactory(language=language))
    response = client.get(reverse("admin:jsi18n"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    found = re.search(r"const newcatalog = (\{.*?\});", response.content.decode(), re.S)
    return json.loads(found.group(1)) if found else {}


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_the_admin_catalogue_speaks_the_users_language(client, language):
    catalogue = _catalogue(client, language)
    for english, translated in SELECTOR[language].items():
        assert catalogue.get(english) == translated, english


def test_english_keeps_the_english_strings(client):
    """English needs no catalogue: the widget's own strings show, never the Finnish default."""
    catalogue = _catalogue(client, "en")
    assert "Choose all %s" not in catalogue
    assert "Available %s" not in catalogue


def test_every_selector_string_has_a_finnish_translation():
    """Django's Finnish catalogue and the supplement together leave none of the widget's
    strings empty (a newer Django adding one shows up here)."""
    django_po = polib.pofile(
        str(Path(django.__file__).parent / "contrib/admin/locale/fi/LC_MESSAGES/djangojs.po")
    )
    ours = polib.pofile(str(ADMIN_CATALOGUE / "fi/LC_MESSAGES/djangojs.po"))
    translated = {e.msgid for e in django_po if e.msgstr} | {e.msgid for e in ours if e.msgstr}
    script = (
        Path(django.__file__).parent / "contrib/admin/static/admin/js/SelectFilter2.js"
    ).read_text()
    wanted = set(re.findall(r"gettext\(['\"](.+?)['\"]\)", script))
    assert wanted, "the widget's strings were not found"
    assert wanted - translated == set()


def test_the_compiled_supplement_matches_its_source():
    po = polib.pofile(str(ADMIN_CATALOGUE / "fi/LC_MESSAGES/djangojs.po"))
    mo = polib.mofile(str(ADMIN_CATALOGUE / "fi/LC_MESSAGES/djangojs.mo"))
    assert {e.msgid: e.msgstr for e in po if e.msgstr} == {e.msgid: e.msgstr for e in mo if e.msgid}
