"""Sessions of the roles that see other people's health data end after a short idle time."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.utils.translation import ngettext

from expertbank.roles import Role, user_roles

# When the user's last request came, in seconds since the epoch (kept in the session).
LAST_SEEN_KEY = "expertbank_last_seen"


def idle_timeout_applies(user) -> bool:
    """Coordinators, trainers and staff are logged out after ``COORDINATOR_IDLE_TIMEOUT_MINUTES``
    without a request; experts and unit members keep the normal session age."""
    if user.is_staff or user.is_superuser:
        return True
    return bool(user_roles(user) & {Role.COORDINATOR, Role.TRAINER})


class StaffIdleTimeoutMiddleware:
    """Logs out a coordinator, trainer or staff user whose previous request was longer than
    ``COORDINATOR_IDLE_TIMEOUT_MINUTES`` ago and sends them to the login page with a message
    (below the message middleware, which carries it there)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not idle_timeout_applies(user):
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
        request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)
