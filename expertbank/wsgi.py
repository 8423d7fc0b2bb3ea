import contextlib
import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "expertbank.settings")

application = get_wsgi_application()

# New objects between collections of the garbage collector's youngest generation (Python: 700).
YOUNGEST_EVERY = 7000


def _freeze_what_lives_forever() -> None:
    """Everything made at start-up (Django, the apps, the URLconf and the views it imports) lives
    as long as the process. Frozen, it is out of the garbage collector's sight: a full
    collection during a request walks only what the request made (issue 19: a 5,000-expert
    ranking spent about 45 ms of its CPU in collections that walked ~120,000 start-up objects).

    Each language's URL look-ups (Django builds one a namespace and language on the first
    ``reverse`` there: ~7,500 patterns turned into look-ups, ~25 ms a language) are made here too,
    and frozen with the rest, so a new worker's first requests do not pay for them (the work
    queue's first request in a new worker: ~210 → ~170 ms; the later ones ~82 ms). The youngest
    generation is collected every 7,000 new objects, not 700: a page reading thousands of rows
    ran a collection every few hundred (the ranking of 5,000 experts: ~205 → ~190 ms median).
    """
    from django.conf import settings
    from django.urls import NoReverseMatch, get_resolver, reverse
    from django.utils import translation

    resolver = get_resolver()
    resolver.url_patterns  # noqa: B018 - imports every view now, not in a request
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            resolver.reverse_dict  # noqa: B018 - the look-up of names without a namespace
            for namespace in _namespaces(resolver):
                # A name no namespace has: its look-up is built, then nothing matches.
                with contextlib.suppress(NoReverseMatch):
                    reverse(f"{namespace}:-")
    gc.freeze()
    gc.set_threshold(YOUNGEST_EVERY, *gc.get_threshold()[1:])


def _namespaces(resolver, outer: str = ""):
    """Every URL namespace ("bookings_coordinator", "a:b"): each has a look-up of its own."""
    for name, (_prefix, included) in resolver.namespace_dict.items():
        yield f"{outer}{name}"
        yield from _namespaces(included, f"{outer}{name}:")


_freeze_what_lives_forever()
