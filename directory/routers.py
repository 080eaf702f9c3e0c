"""Read replicas: reads go to a replica, writes (and reads that must see them) to the primary."""

import random
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings

PRIMARY = "default"

# Set for the length of a request (or a block of code) whose reads must see its own writes.
_pinned = ContextVar("directory_db_pinned_to_primary", default=False)


def replica_aliases():
    return getattr(settings, "DATABASE_REPLICAS", [])


@contextmanager
def use_primary():
    """Within this block, reads go to the primary too (replicas lag a little behind it)."""
    token = _pinned.set(True)
    try:
        yield
    finally:
        _pinned.reset(token)


class ReplicaRouter:
    """Spreads reads over DATABASE_REPLICAS; writes and migrations go to the primary."""

    def db_for_read(self, model, **hints):
        replicas = replica_aliases()
        if not replicas or _pinned.get():
            return PRIMARY
        instance = hints.get("instance")
        # A related object read through an instance stays on that instance's database.
        if instance is not None and instance._state.db:
            return instance._state.db
        return random.choice(replicas)

    def db_for_write(self, model, **hints):
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        # The replicas hold the same data as the primary, so objects from any of them may be related.
        pool = {PRIMARY, *replica_aliases()}
        return obj1._state.db in pool and obj2._state.db in pool

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY


class PrimaryForWritersMiddleware:
    """Signed-in volunteers and form posts read from the primary, so they see what they just saved.

    Public pages set no cookies, so anonymous searches (nearly all traffic) still go to the replicas.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("GET", "HEAD", "OPTIONS") and settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return self.get_response(request)
        with use_primary():
            return self.get_response(request)
