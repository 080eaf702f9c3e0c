"""The language switch: a plain link to the same page (and query string) in each other language."""

from django import template
from django.conf import settings
from django.urls import reverse, translate_url
from django.utils import translation

from directory.languages import prefers_spanish

register = template.Library()


@register.simple_tag(takes_context=True)
def other_languages(context):
    """[{code, name, url}] for every configured language but the active one."""
    request = context.get("request")
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


@register.simple_tag(takes_context=True)
def spanish_offer(context):
    """The Spanish front page's address when an English front page is read by a browser preferring Spanish.

    Only an offer (a link): no redirect and no cookie, so a visitor who chose English stays there.
    """
    request = context.get("request")
    if request is None or request.path != "/" or translation.get_language() != "en" or not prefers_spanish(request):
        return ""
    with translation.override("es"):
        return reverse("home")
