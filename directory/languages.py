"""The other languages of a page: the language switch (a plain link to the same page and query string in each other
language), and the Spanish site offered on the front page to a browser that prefers Spanish (no redirect)."""

from django.conf import settings
from django.urls import reverse, translate_url
from django.utils import translation
from django.utils.translation.trans_real import parse_accept_lang_header

# A header longer than this is not a browser's: only its start is read.
HEADER_MAX = 200


def prefers_spanish(request):
    """True when, of English and Spanish, the browser's Accept-Language ranks Spanish first."""
    for code, _quality in parse_accept_lang_header(request.META.get("HTTP_ACCEPT_LANGUAGE", "")[:HEADER_MAX]):
        base = code.split("-")[0].lower()
        if base in ("es", "en"):
            return base == "es"
    return False


def other_language_links(request):
    """[{code, name, url}] for every configured language but the active one."""
    current = translation.get_language()
    full_path = request.get_full_path() if request is not None else "/"
    links = []
    for code, name in settings.LANGUAGES:
        if code == current:
            continue
        url = translate_url(full_path, code)
        if url == full_path:
            # A page that does not resolve (a 404) has no twin: offer the other language's front page.
            with translation.override(code):
                url = reverse("home")
        links.append({"code": code, "name": name, "url": url})
    return links


def spanish_offer_url(request):
    """The Spanish front page's address when an English front page is read by a browser preferring Spanish.

    Only an offer (a link): no redirect and no cookie, so a visitor who chose English stays there.
    """
    if request is None or request.path != "/" or translation.get_language() != "en" or not prefers_spanish(request):
        return ""
    with translation.override("es"):
        return reverse("home")
