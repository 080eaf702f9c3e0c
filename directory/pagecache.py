"""A short-lived cache of whole public pages, shared by every visitor.

Public search pages set no cookies and show the same thing to everyone who asks the same question in the
same minute, so the rendered page can be kept and served to the next visitor who asks. Under load most
requests are a handful of popular searches; this is what lets a small server answer them. Anything
personal is never cached: a request carrying any cookie (a signed-in volunteer, a CSRF cookie) or a
response setting one is passed through untouched.

A page is fresh during the minute it was made in ("starts in 5 min" stays true). In the next minute, the
first request to ask makes it again, and requests arriving meanwhile get the previous minute's page rather
than all making it at once: a popular page is never more than a minute behind, and never makes a crowd wait.

Kept rather than Django's cache_page, which would serve a page up to its timeout (not "this minute"), let
every request of a new minute make the page at once, and cache responses that set cookies (Vary: Cookie).
"""

import hashlib
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import get_language

from directory.languages import prefers_spanish

CACHED_STATUSES = (200, 400)  # a bad search gets the same 400 page for everyone too
# A view's own policy (the map view's, which allows its tile server) is kept with its page.
KEPT_HEADERS = ("Content-Type", "Content-Language", "Cache-Control", "Content-Security-Policy")
REFRESH_LOCK_SECONDS = 30  # if the request making a page dies, another one takes over after this


def page_cache_key(request):
    # The whole address, scheme and host too: a page may hold absolute links built from them (the API's
    # "url"), so a request by another allowed host name, or with another X-Forwarded-Proto, is another page
    # and cannot hand its links to the next visitor. Hosts are limited by ALLOWED_HOSTS, so keys stay few.
    # The English front page offers the Spanish site to a browser preferring Spanish: two versions of it.
    offer = "es-offer" if request.path == "/" and prefers_spanish(request) else ""
    raw = f"{request.method}|{get_language()}|{offer}|{request.build_absolute_uri()}"
    return "page:" + hashlib.sha256(raw.encode()).hexdigest()


def _minute():
    return timezone.now().strftime("%Y%m%d%H%M")


def _response(stored):
    _, status, headers, content = stored
    response = HttpResponse(content, status=status)
    for name, value in headers:
        response[name] = value
    return response


def public_page_cache(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        seconds = settings.PAGE_CACHE_SECONDS
        if not seconds or request.method not in ("GET", "HEAD") or request.COOKIES:
            return view(request, *args, **kwargs)
        key, minute = page_cache_key(request), _minute()
        stored = cache.get(key)
        if stored is not None:
            if stored[0] == minute:
                return _response(stored)
            # From an earlier minute: one request makes the page again, the others get this one meanwhile.
            if not cache.add(f"{key}:refreshing", 1, REFRESH_LOCK_SECONDS):
                return _response(stored)
        try:
            response = view(request, *args, **kwargs)
            if (
                response.status_code in CACHED_STATUSES
                and not response.streaming
                and not response.cookies
                and not response.has_header("Vary")
            ):
                headers = [(name, response[name]) for name in KEPT_HEADERS if response.has_header(name)]
                # Kept a little past its minute, to be served while the next minute's page is made.
                cache.set(key, (minute, response.status_code, headers, response.content), seconds + 60)
        finally:
            if stored is not None:
                cache.delete(f"{key}:refreshing")
        return response

    return wrapped
