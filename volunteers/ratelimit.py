"""A per-client counter in Django's cache, so abuse of the public forms is refused with a 429."""

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
    key = f"ratelimit:{bucket}:{client_key(request)}:{window}"
    # add() is a no-op when the key exists; incr() is atomic in the shared caches (Redis, Memcached, database).
    cache.add(key, 0, timeout=window_seconds)
    try:
        count = cache.incr(key)
    except ValueError:  # Expired between add() and incr().
        cache.set(key, 1, timeout=window_seconds)
        count = 1
    return count <= limit
