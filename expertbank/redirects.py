"""Where a form sends its user afterwards: the ``next`` the page asked for, if it is a path on
this site, otherwise the view's own page.

``next`` comes from the browser, so it is never trusted: no other host or scheme (an open
redirect), no plain http from an https page, no view name or relative word (which
``django.shortcuts.redirect`` would try to reverse, failing with ``NoReverseMatch``). Every view
that reads ``next`` goes through ``safe_next``.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme

MAX_NEXT_LENGTH = 2000


def safe_next(request: HttpRequest, fallback: str, *, field: str = "next") -> str:
    """The ``next`` of the request (POST first, then GET) if it is a safe local path, else
    ``fallback``."""
    target = request.POST.get(field) or request.GET.get(field) or ""
    if (
        target.startswith("/")
        and len(target) <= MAX_NEXT_LENGTH
        and "\x00" not in target
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return target
    return fallback


def redirect_next(request: HttpRequest, fallback: str, *, field: str = "next"):
    """A redirect to ``safe_next``: never reversed as a view name, never off the site."""
    return HttpResponseRedirect(safe_next(request, fallback, field=field))
