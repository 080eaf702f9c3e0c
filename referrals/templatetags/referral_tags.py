"""The visitor's list and the "Your list" bar; the current list travels in the page's `list` parameter."""

from urllib.parse import urlencode

from django import template

from core.time import available_timezones
from directory.templatetags.jinja import jinja_html
from referrals import lists as referrals

register = template.Library()


def _list_of(request):
    return referrals.parse_leniently(request.GET.get("list", "")) if request is not None else referrals.ReferralList()


@register.simple_tag(takes_context=True)
def current_list(context):
    """The visitor's list, for hidden form fields and links that should keep it."""
    return _list_of(context.get("request"))


def _zone_query(request, referral_zone=None):
    """ "?tz=…" for the list page: the zone the list was built in (the page's `referral_zone`, e.g. the place the
    finder was given), else the page's own tz; the list then prints each time in it."""
    zone = referral_zone or (request.GET.get("tz", "") if request is not None else "")
    return f"?{urlencode({'tz': zone}, safe='/')}" if zone in available_timezones() else ""


@register.simple_tag(takes_context=True)
def referral_bar(context):
    """ "Your list: N meetings – view / print", shown once the visitor has added a meeting."""
    facts = referral_bar_facts(context.get("request"), context.get("referral_zone"))
    return jinja_html("referrals/referral_bar.html", {"bar": facts})


def referral_bar_facts(request, referral_zone=None):
    """What the "Your list" bar says (referrals/jinja2/referrals/referral_bar.html); Jinja2 pages call it too."""
    referral = _list_of(request)
    return {
        "count": len(referral.ids),
        "list_url": referral.url() + _zone_query(request, referral_zone),
        "clear_url": referrals.PageWithList(request).url(referrals.ReferralList()) if request is not None else "",
    }
