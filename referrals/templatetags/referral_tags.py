"""The visitor's list and the "Your list" bar; the current list travels in the page's `list` parameter."""

from urllib.parse import urlencode

from django import template

from core.time import available_timezones
from referrals import lists as referrals

register = template.Library()


def _current(context):
    request = context.get("request")
    return referrals.parse_leniently(request.GET.get("list", "")) if request is not None else referrals.ReferralList()


def _this_page_with(context, referral):
    """The current page's address with its list replaced, keeping every other parameter (filters, page)."""
    return referrals.PageWithList(context["request"]).url(referral)


@register.simple_tag(takes_context=True)
def current_list(context):
    """The visitor's list, for hidden form fields and links that should keep it."""
    return _current(context)


def _zone_query(context):
    """ "?tz=…" for the list page: the zone the list was built in (the page's `referral_zone`, e.g. the place the
    finder was given), else the page's own tz; the list then prints each time in it."""
    request = context.get("request")
    zone = context.get("referral_zone") or (request.GET.get("tz", "") if request is not None else "")
    return f"?{urlencode({'tz': zone}, safe='/')}" if zone in available_timezones() else ""


@register.inclusion_tag("referrals/includes/referral_bar.html", takes_context=True)
def referral_bar(context):
    """ "Your list: N meetings – view / print", shown once the visitor has added a meeting."""
    referral = _current(context)
    return {
        "referral": referral,
        "count": len(referral.ids),
        "list_url": referral.url() + _zone_query(context),
        "clear_url": _this_page_with(context, referrals.ReferralList()) if "request" in context else "",
    }
