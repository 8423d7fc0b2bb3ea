"""The journeys' ground itself: the worker's e-mail reaches ``mails_to``, the page check fails on
an axe-core violation and on sideways scroll, and a user-guide screenshot is a small PNG."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.utils import timezone

from expertbank.models import Message
from expertbank.services.notifications import message_send
from tests.e2e.journeys.helpers import JOURNEY, check_page, finnish_words, mails_to, visit

pytestmark = JOURNEY


def test_the_real_worker_sends_the_mail_and_the_test_reads_its_link(ground, live_server):
    with transaction.atomic():
        message_send(
            kind="invitation",
            key="ground-check",
            to_user=ground.unit_member,
            context={
                "url": f"{live_server.url}/invitation/x/",
                "inviter": "Sanna",
                "expires_at": timezone.now(),
            },
        )
    (mail,) = mails_to("Laura.Makinen@vantaa.example")
    assert mail.subject
    assert mail.link("/invitation/x/") == f"{live_server.url}/invitation/x/"
    assert Message.objects.get(key="ground-check").status == Message.Status.SENT


def test_the_page_check_fails_on_a_serious_violation_and_on_sideways_scroll(open_page):
    page = open_page(name="visitor")
    visit(page, "/")  # the front page passes
    page.evaluate(
        "() => { const b = document.createElement('button');"
        " b.innerHTML = '<svg width=10 height=10></svg>';"
        " document.querySelector('main').append(b); }"
    )
    with pytest.raises(AssertionError, match="button-name"):
        check_page(page)
    page.reload()
    page.evaluate(
        "() => { const d = document.createElement('div'); d.style.width = '700px';"
        " d.textContent = 'x'; document.querySelector('main').append(d); }"
    )
    with pytest.raises(AssertionError, match="scrolls sideways"):
        check_page(page, axe=False)


def test_a_user_guide_screenshot_is_a_small_png(open_page, tmp_path, monkeypatch):
    from PIL import Image

    monkeypatch.setenv("USER_GUIDE_SCREENSHOTS", str(tmp_path))
    page = open_page(name="visitor")
    visit(page, "/", screenshot="front-page")
    with Image.open(tmp_path / "front-page.png") as image:
        assert image.format == "PNG"
        assert image.mode == "P"  # a palette of at most 256 colours
        assert image.size == (390, 844)


def test_finnish_words_are_found_whole_and_the_datas_own_words_are_allowed():
    assert finnish_words("Beställning · Tallenna · Save") == ["Tallenna"]
    assert finnish_words("Tilaustiedot") == []  # whole words only
    assert finnish_words("Unit: Nuorisopalvelut, Yksikkö 3", allowed=("Yksikkö 3",)) == []
