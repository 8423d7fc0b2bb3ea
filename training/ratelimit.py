"""A per-client counter in the cache for public forms (fixed window)."""

from __future__ import annotations

import hashlib

from allauth.account.adapter import get_adapter
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The client's address as the login rate limits see it (trusted proxies included)."""
    try:
        return get_adapter(request).get_client_ip(request)
    except PermissionDenied:
        return "unknown"


def rate_limit_exceeded(request: HttpRequest, *, scope: str, limit: int, window: int) -> bool:
    """Count one attempt from this client; True once more than ``limit`` came in ``window``
    seconds. The address is hashed so the cache holds no IP addresses."""
    digest = hashlib.sha256(client_ip(request).encode()).hexdigest()[:32]
    key = f"expertbank:ratelimit:{scope}:{digest}"
    if cache.add(key, 1, timeout=window):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=window)
            count = 1
    return count > limit
