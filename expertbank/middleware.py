from django.utils import translation
from django.utils.cache import cc_delim_re


class UserLanguageMiddleware:
    """A logged-in user's stored language wins over the cookie and the browser."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return self.get_response(request)


NO_STORE = "no-store, private"


class NoStoreMiddleware:
    """Nothing the site builds is kept in a browser's, proxy's or shared computer's cache.

    Every page may show personal or health data: to a logged-in user, behind a session, through
    a signed answer link or a calendar feed whose token is the key. Deciding page by page is how
    one gets forgotten, so every response that passes here says ``no-store, private`` (one the
    view already marked no-store keeps its own words). Static files keep their long caching:
    WhiteNoise, above this middleware in MIDDLEWARE, answers them before they get here.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        directives = {
            part.split("=", 1)[0].strip().lower()
            for part in cc_delim_re.split(response.get("Cache-Control", ""))
        }
        if "no-store" not in directives:
            response["Cache-Control"] = NO_STORE
            # An Expires or max-age from the view would contradict the header now sent.
            if "Expires" in response:
                del response["Expires"]
        return response
