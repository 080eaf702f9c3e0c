"""A per-client count in the shared cache, so abuse of the public forms is refused with a 429.

Kept rather than django-ratelimit, which counts with incr(): atomic on Redis, not on the database cache.
"""

import time

from django.conf import settings
from django.core.cache import cache
from django.utils.crypto import salted_hmac


def client_ip(request):
    """The client's address: REMOTE_ADDR, or the entry the nearest trusted proxy added to X-Forwarded-For."""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        # Each trusted proxy appends the address it saw; entries further left are the client's own claims.
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def client_key(request):
    # Keyed with SECRET_KEY: the cache never holds a visitor's address, only a hash no one can reverse.
    return salted_hmac("volunteers.ratelimit", client_ip(request)).hexdigest()


def ratelimit_take(*, request, bucket, limit, window_seconds=3600):
    """Count one use of `bucket` by this client; False when it is over `limit` in the current window."""
    window = int(time.time() // window_seconds)
    base = f"ratelimit:{bucket}:{client_key(request)}:{window}"
    # One key per use, claimed with add(), the one operation every shared cache makes atomic (Redis SET NX,
    # Memcached add, the database cache's primary key): requests racing on many workers and servers never
    # claim more than `limit` between them. A counter would need incr(), which the database cache does as a
    # read and a write, so that racing requests could each count the same number.
    uses = [f"{base}:{number}" for number in range(limit)]
    taken = cache.get_many(uses)
    return any(cache.add(use, 1, timeout=window_seconds) for use in uses if use not in taken)
