"""Security headers Django 5.2 does not set by itself."""

from django.conf import settings

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
