"""The client's address as the rate limits see it, behind a known number of proxies.

Behind a reverse proxy ``REMOTE_ADDR`` is the proxy's address: every visitor would share one
login lockout and one application quota. Each proxy we run appends the address it saw to
``X-Forwarded-For``, so with ``TRUSTED_PROXY_COUNT = N`` the client is the N-th entry from the
right. Entries further left were written by the client and are never read: prepending made-up
addresses changes nothing. A header shorter than N, or an entry that is not an address, means the
request did not come through our proxies as configured; then ``REMOTE_ADDR`` is used, which the
client cannot choose either.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _address(value: str) -> str | None:
    """``value`` as a canonical IP address, or None. Accepts ``1.2.3.4:80`` and ``[::1]:80``."""
    value = value.strip()
    if value.startswith("[") and "]" in value:  # [IPv6]:port
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # IPv4:port
        value = value.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: the ``TRUSTED_PROXY_COUNT``-th entry of X-Forwarded-For from the
    right, else ``REMOTE_ADDR``; None when neither is an address."""
    remote = _address(request.META.get("REMOTE_ADDR", ""))
    count = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if count <= 0 or not forwarded:
        return remote
    entries = forwarded.split(",")
    if len(entries) < count:
        return remote
    return _address(entries[-count]) or remote
