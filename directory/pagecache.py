"""A short-lived cache of whole public pages, shared by every visitor.

Public search pages set no cookies and show the same thing to everyone who asks the same question in the
same minute, so the rendered page can be kept for the rest of that minute and served to the next visitor
who asks. Under load most requests are a handful of popular searches; this is what lets a small server
answer them. Anything personal is never cached: a request carrying any cookie (a signed-in volunteer, a
CSRF cookie) or a response setting one is passed through untouched.
"""

import hashlib
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import get_language

CACHED_STATUSES = (200, 400)  # a bad search gets the same 400 page for everyone too
KEPT_HEADERS = ("Content-Type", "Content-Language", "Cache-Control")


def page_cache_key(request):
    # The minute is part of the key, so a page is never older than its minute: "starts in 5 min" stays true.
    minute = timezone.now().strftime("%Y%m%d%H%M")
    raw = f"{request.method}|{get_language()}|{request.get_full_path()}|{minute}"
    return "page:" + hashlib.sha256(raw.encode()).hexdigest()


def public_page_cache(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        seconds = settings.PAGE_CACHE_SECONDS
        if not seconds or request.method not in ("GET", "HEAD") or request.COOKIES:
            return view(request, *args, **kwargs)
        key = page_cache_key(request)
        stored = cache.get(key)
        if stored is not None:
            status, headers, content = stored
            response = HttpResponse(content, status=status)
            for name, value in headers:
                response[name] = value
            return response
        response = view(request, *args, **kwargs)
        if (
            response.status_code in CACHED_STATUSES
            and not response.streaming
            and not response.cookies
            and not response.has_header("Vary")
        ):
            headers = [(name, response[name]) for name in KEPT_HEADERS if response.has_header(name)]
            cache.set(key, (response.status_code, headers, response.content), seconds)
        return response

    return wrapped
