"""A per-client counter in the cache for public forms (fixed window)."""

from __future__ import annotations

import hashlib
import ipaddress

from django.core.cache import cache
from django.http import HttpRequest

from expertbank.client_ip import client_ip

# An IPv6 client holds a whole /64: counting single addresses would let it rotate out of a limit.
IPV6_PREFIX = 64


def _client_key(request: HttpRequest, scope: str) -> str:
    """The cache key of this client's counter; the address is hashed so the cache holds no IP
    addresses."""
    # The address the login limits see too (trusted proxies included).
    address = client_ip(request) or "unknown"
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        pass
    else:
        if parsed.version == 6:
            address = str(ipaddress.ip_network(f"{parsed}/{IPV6_PREFIX}", strict=False))
    digest = hashlib.sha256(address.encode()).hexdigest()[:32]
    return f"expertbank:ratelimit:{scope}:{digest}"


def rate_limit_reached(request: HttpRequest, *, scope: str, limit: int) -> bool:
    """True if this client already made ``limit`` attempts in the window (counts nothing)."""
    return (cache.get(_client_key(request, scope)) or 0) >= limit


def rate_limit_exceeded(request: HttpRequest, *, scope: str, limit: int, window: int) -> bool:
    """Count one attempt from this client; True once more than ``limit`` came in ``window``
    seconds."""
    key = _client_key(request, scope)
    if cache.add(key, 1, timeout=window):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=window)
            count = 1
    return count > limit
