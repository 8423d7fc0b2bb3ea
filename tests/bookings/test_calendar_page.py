"""The expert's calendar address on the gigs page: a webcal:// subscribe link, a copy button run
by a static script (no inline script under the CSP), help for phones and what a reset does."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from bookings import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def page(client, anna):
    anna.user.language = "en"
    anna.user.save()
    client.force_login(anna.user)
    response = client.get(reverse("bookings_expert:home"))
    assert response.status_code == 200
    return response.content.decode()


def test_the_subscribe_link_is_the_feed_address_with_the_webcal_scheme(page, anna):
    token = services.calendar_token_get(expert=anna).token
    feed = "http://testserver" + reverse("bookings_expert:calendar", args=[token])
    assert f'value="{feed}"' in page
    subscribe = "webcal://testserver" + reverse("bookings_expert:calendar", args=[token])
    assert f'href="{subscribe}"' in page
    assert "On a phone, tap the button and confirm the subscription" in page


def test_the_copy_button_is_run_by_a_static_script_and_no_inline_one(page):
    assert 'data-copy-from="calendar-url"' in page
    assert 'data-copied-text="Copied"' in page
    assert '<script src="/static/js/copy.js"></script>' in page
    scripts = re.findall(r"<script(?P<attrs>[^>]*)>(?P<body>.*?)</script>", page, re.S)
    assert scripts and all("src=" in attrs and not body.strip() for attrs, body in scripts)
    source = Path(settings.BASE_DIR, "static", "js", "copy.js").read_text()
    assert "navigator.clipboard" in source and "data-copy-from" in source


def test_resetting_says_what_happens_to_old_subscriptions(client, page, anna):
    assert "calendars subscribed to it get no more updates" in page
    old = services.calendar_token_get(expert=anna).token
    response = client.post(reverse("bookings_expert:calendar_reset"), follow=True)
    text = response.content.decode()
    assert "Remove the old subscription and subscribe again." in text
    new = services.calendar_token_get(expert=anna).token
    assert new != old
    assert f"webcal://testserver{reverse('bookings_expert:calendar', args=[new])}" in text
    assert client.get(reverse("bookings_expert:calendar", args=[old])).status_code == 404
