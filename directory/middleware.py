"""Security headers Django 5.2 does not set by itself, and the time limit on public database work."""

from contextlib import ExitStack, contextmanager

from django.conf import settings
from django.db import connections

# No inline script or style anywhere: an injected <script> or style attribute does nothing. Django 5.2's
# admin templates use no inline script or style (their data blocks are type="application/json", which a
# browser never runs), so the admin gets the same policy; see tests/directory/test_security.py.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
# Geolocation only for "near me" on our own pages; no camera or microphone, ever.
PERMISSIONS_POLICY = "geolocation=(self), camera=(), microphone=()"


class SecurityHeadersMiddleware:
    """Sets the Content-Security-Policy and Permissions-Policy headers on every response."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.csp = getattr(settings, "CONTENT_SECURITY_POLICY", CONTENT_SECURITY_POLICY)
        self.permissions = getattr(settings, "PERMISSIONS_POLICY", PERMISSIONS_POLICY)

    def __call__(self, request):
        response = self.get_response(request)
        # setdefault: a view that needs a narrower policy (never a wider one) may set its own.
        response.headers.setdefault("Content-Security-Policy", self.csp)
        response.headers.setdefault("Permissions-Policy", self.permissions)
        return response


class PublicStatementTimeout:
    """A time limit on each PostgreSQL statement, set on a connection just before its first statement.

    An execute wrapper, so a request that reads nothing from the database (a cached page) costs nothing; it
    follows a connection that is replaced during the request, and `lift()` sets every connection it limited
    back to that connection's own default.
    """

    def __init__(self, milliseconds):
        self.milliseconds = int(milliseconds)
        self.limited = {}  # alias -> the DB-API connection the limit was set on

    def __call__(self, execute, sql, params, many, context):
        database = context["connection"]
        if database.vendor == "postgresql" and self.limited.get(database.alias) is not database.connection:
            # On the DB-API connection itself: this bookkeeping is not one of the page's queries.
            with database.connection.cursor() as cursor:
                cursor.execute(f"SET statement_timeout = {self.milliseconds}")
            self.limited[database.alias] = database.connection
        return execute(sql, params, many, context)

    @contextmanager
    def applied(self):
        """The limit on every database's statements within the block, lifted at its end."""
        try:
            with ExitStack() as stack:
                for database in connections.all():
                    stack.enter_context(database.execute_wrapper(self))
                yield
        finally:
            self.lift()

    def around(self, chunks):
        """A streamed answer's chunks, written under the limit (lifted once all are sent or the client is gone)."""
        with self.applied():
            yield from chunks

    def lift(self):
        for alias, limited in self.limited.items():
            database = connections[alias]
            if database.connection is not limited:
                continue  # closed or replaced since: the setting went with it
            try:
                with limited.cursor() as cursor:
                    cursor.execute("RESET statement_timeout")
            except database.Database.Error:
                # Kept, it could carry the limit into the next request on it (an admin's, or an import's).
                database.close()
        self.limited.clear()


class PublicStatementTimeoutMiddleware:
    """Anonymous public requests: no PostgreSQL statement may run longer than PUBLIC_STATEMENT_TIMEOUT_MS.

    So no visitor (or script) can hold a worker and a database connection for long. The admin and signed-in
    volunteers are not limited, and nor are management commands (imports), which never pass through here. A
    statement cut off raises OperationalError, which directory.views.server_error answers with a 503.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.milliseconds = settings.PUBLIC_STATEMENT_TIMEOUT_MS
        self.admin_path = "/" + settings.ADMIN_URL

    def __call__(self, request):
        if not self.milliseconds or request.path_info.startswith(self.admin_path) or request.user.is_authenticated:
            return self.get_response(request)
        limit = PublicStatementTimeout(self.milliseconds)
        with limit.applied():
            response = self.get_response(request)
        if response.streaming:
            # A streamed answer (the feed, a large BMLT answer) reads meetings after the view has returned.
            response.streaming_content = limit.around(response.streaming_content)
        return response
