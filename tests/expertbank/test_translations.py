"""The catalogues are complete and the committed .mo files match the .po files."""

from pathlib import Path

import polib
import pytest
from django.conf import settings

LANGUAGES = ["fi", "sv", "en"]


def _po(lang: str) -> polib.POFile:
    return polib.pofile(
        str(Path(settings.BASE_DIR) / "locale" / lang / "LC_MESSAGES" / "django.po")
    )


def _entries(catalogue) -> dict:
    result = {}
    for entry in catalogue:
        if entry.obsolete:
            continue
        value = tuple(sorted(entry.msgstr_plural.items())) if entry.msgid_plural else entry.msgstr
        result[(entry.msgctxt, entry.msgid)] = value
    return result


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_string_is_translated(lang):
    catalogue = _po(lang)
    assert len(catalogue) > 100
    untranslated = [e.msgid for e in catalogue.untranslated_entries()]
    fuzzy = [e.msgid for e in catalogue.fuzzy_entries()]
    assert untranslated == []
    assert fuzzy == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_compiled_catalogue_matches_the_source(lang):
    po_path = Path(settings.BASE_DIR) / "locale" / lang / "LC_MESSAGES" / "django.po"
    mo = polib.mofile(str(po_path.with_suffix(".mo")))
    assert _entries(mo) == _entries(_po(lang)), "run `make compilemessages` and commit the .mo"


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_placeholders_survive_translation(lang):
    import re

    def names(text: str) -> set[str]:
        return set(re.findall(r"%\(\w+\)[sd]", text))

    for entry in _po(lang):
        wanted = names(entry.msgid)
        if entry.msgid_plural:
            wanted |= names(entry.msgid_plural)
            forms = [entry.msgstr_plural[i] for i in sorted(entry.msgstr_plural)]
            # The singular form may say "one" instead of showing the number; the plural shows all.
            assert all(names(form) <= wanted for form in forms), entry.msgid
            assert names(forms[-1]) == wanted, entry.msgid
        else:
            assert names(entry.msgstr) == wanted, entry.msgid
