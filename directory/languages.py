"""Whether a visitor's browser prefers Spanish: the front page then offers the Spanish site (no redirect)."""

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
