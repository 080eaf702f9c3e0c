from urllib.parse import urlsplit

from django import template

register = template.Library()


@register.filter
def site_name(url):
    """The host a link goes to, as a citation shows it (www. dropped)."""
    host = urlsplit(url or "").hostname or ""
    return host.removeprefix("www.")
