"""Sessions of the roles that see other people's health data end after a short idle time."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.dispatch import receiver
from django.utils.translation import ngettext

from expertbank.roles import has_staff_role

# When the user's last request came, in seconds since the epoch (kept in the session).
LAST_SEEN_KEY = "expertbank_last_seen"
# The time is written at most this often (and at login), so that pages do not save the session
# each time; someone may thus be logged out up to this much before the full idle time.
LAST_SEEN_RESOLUTION = 60


@receiver(user_logged_in)
def _seen_at_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session") and has_staff_role(user):
        request.session[LAST_SEEN_KEY] = int(time.time())


class StaffIdleTimeoutMiddleware:
    """Logs out a coordinator, trainer or staff user whose previous request was longer than
    ``COORDINATOR_IDLE_TIMEOUT_MINUTES`` ago and sends them to the login page with a message
    (below the message middleware, which carries it there)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if not has_staff_role(user):
            return self.get_response(request)
        minutes = settings.COORDINATOR_IDLE_TIMEOUT_MINUTES
        now = int(time.time())
        last_seen = request.session.get(LAST_SEEN_KEY)
        if isinstance(last_seen, int) and now - last_seen > minutes * 60:
            logout(request)
            messages.info(
                request,
                ngettext(
                    "You were logged out after %(minutes)d minute without activity. "
                    "Please log in again.",
                    "You were logged out after %(minutes)d minutes without activity. "
                    "Please log in again.",
                    minutes,
                )
                % {"minutes": minutes},
            )
            return redirect_to_login(request.get_full_path())
        if not isinstance(last_seen, int) or now - last_seen >= LAST_SEEN_RESOLUTION:
            request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)
