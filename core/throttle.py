"""Throttling for public forms and other abuse-prone endpoints.

Counts live in the shared cache (the database cache by default, so every gunicorn worker
sees the same counts). Increments are not strictly atomic across processes; for throttling
a small overshoot is acceptable.
"""

import hashlib

from django.core.cache import cache


def client_key(request, scope: str) -> str:
    ip = request.META.get("REMOTE_ADDR", "")
    return "throttle:" + scope + ":" + hashlib.sha256(ip.encode()).hexdigest()[:24]


def hit(key: str, limit: int, window_seconds: int) -> bool:
    """Count one hit; False once `limit` hits happened within the window."""
    if cache.add(key, 1, window_seconds):
        return True
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, window_seconds)
        return True
    return count <= limit


def allow(request, scope: str, limit: int, window_seconds: int) -> bool:
    return hit(client_key(request, scope), limit, window_seconds)
