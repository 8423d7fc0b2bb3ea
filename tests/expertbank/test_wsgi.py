"""The WSGI application a web server loads: everything made at start-up is ready and frozen."""

from __future__ import annotations

import json

from tests.expertbank.test_settings import _run

# Imports the application as gunicorn does, then reverses names in every language while
# counting the URL patterns turned into look-ups (what Django does on a language's first
# ``reverse`` in each namespace: ~25 ms a language on the first requests of a new worker).
STARTED = """
import gc, json, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "expertbank.settings")
from expertbank.wsgi import application
import django.urls.resolvers as resolvers
from django.conf import settings
from django.urls import reverse
from django.utils import translation

made = []
normalize = resolvers.normalize
resolvers.normalize = lambda pattern: made.append(pattern) or normalize(pattern)
urls = {}
for code, _name in settings.LANGUAGES:
    with translation.override(code):
        urls[code] = [
            reverse("home"),
            reverse("bookings_coordinator:list"),
            reverse("reports_coordinator:dashboard"),
            reverse("admin:index"),
        ]
print(json.dumps({
    "made": len(made),
    "urls": urls,
    "frozen": gc.get_freeze_count(),
    "threshold": gc.get_threshold(),
}))
"""


def test_a_new_worker_has_every_language_s_url_look_ups_ready_and_its_start_up_frozen():
    result = _run(["-c", STARTED])
    assert result.returncode == 0, result.stderr
    started = json.loads(result.stdout.strip().splitlines()[-1])
    assert started["made"] == 0  # nothing left to build in a request, in any language
    assert set(started["urls"]) == {"fi", "sv", "en"}
    assert started["urls"]["fi"][1] == "/coordinator/bookings/"
    assert started["frozen"] > 50_000  # Django, the apps and the look-ups: out of the GC's way
    assert started["threshold"][0] == 7000
