"""The registry of message kinds against the templates: every kind is registered, SMS texts fit
two segments and no subject or SMS carries an experience area."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.template.loader import get_template
from django.utils import translation

from expertbank.message_kinds import CATEGORIES, KINDS
from expertbank.services.notifications import render_message
from expertbank.sms import sms_fit, sms_segments


def _template_folders() -> dict[str, Path]:
    base = Path(settings.BASE_DIR)
    folders = [*base.glob("templates/notifications/*"), *base.glob("*/templates/notifications/*")]
    return {folder.name: folder for folder in folders if folder.is_dir()}


def test_every_template_folder_has_a_registry_entry():
    missing = sorted(set(_template_folders()) - set(KINDS))
    assert missing == [], f"add these kinds to expertbank/message_kinds.py: {missing}"


def test_every_registry_entry_names_a_category_and_says_whether_it_has_an_sms():
    folders = _template_folders()
    for kind, info in KINDS.items():
        assert info["category"] in CATEGORIES, kind
        assert isinstance(info["essential"], bool), kind
        if kind in folders:
            has_sms = (folders[kind] / "sms.txt").exists()
            assert info["sms"] == has_sms, f"{kind}: 'sms' says {info['sms']}, sms.txt {has_sms}"


@pytest.mark.parametrize(
    ("text", "segments"),
    [
        ("a" * 160, 1),
        ("a" * 161, 2),
        ("a" * 306, 2),
        ("a" * 307, 3),
        ("€" * 80, 1),  # an extension character takes two
        ("€" * 81, 2),
        ("ä" * 160, 1),  # ä is in the GSM alphabet
        ("š" * 70, 1),  # š is not: UCS-2
        ("š" * 71, 2),
        ("š" * 134, 2),
        ("š" * 135, 3),
    ],
)
def test_segments_are_counted_by_the_encoding(text, segments):
    assert sms_segments(text) == segments


def test_a_long_sms_is_cut_to_two_segments_keeping_its_link():
    link = "https://kokemuspankki.example/keikat/123/vastaa/abcdefabcdef"
    long_text = "Kokemusasiantuntijapankki: " + "pitkä sana " * 60 + link
    fitted = sms_fit(long_text)
    assert sms_segments(fitted) <= 2
    assert fitted.endswith(" " + link)
    assert "…" in fitted
    unicode_text = "Šárka " * 40 + link
    fitted = sms_fit(unicode_text)
    assert sms_segments(fitted) == 2
    assert fitted.endswith(link)


def _area_names() -> list[str]:
    from experts.models import ExperienceArea

    rows = ExperienceArea.objects.values_list("name_fi", "name_sv", "name_en")
    return [name for row in rows for name in row]


def _demo_context(areas: list[str]) -> dict:
    """Long, believable values for everything the templates use, with the experience areas put
    where a careless template could reach them."""
    when = datetime(2026, 12, 14, 9, 30, tzinfo=ZoneInfo("Europe/Helsinki"))
    area_text = ", ".join(areas)
    organisation = SimpleNamespace(name="Pohjois-Pohjanmaan hyvinvointialueen psykiatrian klinikka")
    unit = SimpleNamespace(
        name="Aikuisten psykiatrisen kuntoutuksen poliklinikka, Oulaisten toimipiste",
        organisation=organisation,
    )
    booking = SimpleNamespace(
        pk=12345,
        title="Kokemuspuheenvuoro henkilöstön kehittämispäivässä ja keskustelu hoitajien kanssa",
        unit=unit,
        first_start=when,
        last_end=when,
        place="Kaarlenväylä 9, auditorio 2, 90220 Oulu",
        areas=SimpleNamespace(all=lambda: areas),
        purpose=area_text,
        share_topics=area_text,
        notes=area_text,
    )
    expert = SimpleNamespace(
        public_alias="Marjatta-Helena Väisänen-Koskimäki",
        areas=SimpleNamespace(all=lambda: areas),
        user=SimpleNamespace(full_name="Marjatta-Helena Väisänen-Koskimäki"),
    )
    occurrence = SimpleNamespace(start=when, end=when, place=booking.place, booking=booking)
    assignment = SimpleNamespace(answer_by=when, booking=booking, expert=expert)
    gig = SimpleNamespace(
        start=when, end=when, booking=booking, expert=expert, occurrence=occurrence
    )
    url = settings.SITE_URL + "/keikat/12345/vastaa/0123456789abcdef0123456789abcdef/"
    return {
        "recipient": SimpleNamespace(full_name=expert.public_alias, get_short_name="Marjatta"),
        "booking": booking,
        "gig": gig,
        "gigs": [gig],
        "occurrence": occurrence,
        "occurrences": [occurrence],
        "assignment": assignment,
        "expert": expert,
        "unit": unit,
        "organisation": organisation,
        "invoice": SimpleNamespace(number="2026-001234", due_date=when.date()),
        "notice": SimpleNamespace(version=3),
        "name": expert.public_alias,
        "areas": areas,
        "experience_areas": areas,
        "topics": area_text,
        "reason": area_text,
        "url": url,
        "site_url": settings.SITE_URL,
    }


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_sms_texts_fit_two_segments_and_no_subject_or_sms_names_an_experience_area(language):
    areas = _area_names()
    assert areas
    context = _demo_context(areas)
    folders = _template_folders()
    for kind in sorted(folders):
        if (folders[kind] / "sms.txt").exists():
            raw = get_template(f"notifications/{kind}/sms.txt").render(context)
            _subject, text, _html = render_message(
                kind=kind, channel="sms", language=language, context=context
            )
            assert sms_segments(text) <= 2, (kind, text)
            assert context["url"] not in raw or context["url"] in text, (kind, text)
            assert not [area for area in areas if area in text], (kind, text)
        with translation.override(language):
            subject = get_template(f"notifications/{kind}/subject.txt").render(context)
        assert not [area for area in areas if area in subject], (kind, subject)
