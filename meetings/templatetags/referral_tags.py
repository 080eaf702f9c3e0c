"""Add-to-list links and the "Your list" bar; the current list travels in the page's `list` parameter."""

from django import template

from meetings import referrals

register = template.Library()


def _current(context):
    request = context.get("request")
    return referrals.parse_leniently(request.GET.get("list", "")) if request is not None else referrals.ReferralList()


def _this_page_with(context, referral):
    """The current page's address with its list replaced, keeping every other parameter (filters, page)."""
    request = context["request"]
    query = request.GET.copy()
    if referral.ids:
        query["list"] = referral.token
    else:
        query.pop("list", None)
    encoded = query.urlencode()
    return f"{request.path}?{encoded}" if encoded else request.path


@register.simple_tag(takes_context=True)
def add_to_list_link(context, meeting):
    """This page's address with `meeting` added to the visitor's list (unchanged if it is full)."""
    return _this_page_with(context, _current(context).with_meeting(meeting.pk))


@register.simple_tag(takes_context=True)
def remove_from_list_link(context, meeting):
    return _this_page_with(context, _current(context).without_meeting(meeting.pk))


@register.simple_tag(takes_context=True)
def current_list(context):
    """The visitor's list, for hidden form fields and links that should keep it."""
    return _current(context)


@register.inclusion_tag("includes/referral_bar.html", takes_context=True)
def referral_bar(context):
    """ "Your list: N meetings – view / print", shown once the visitor has added a meeting."""
    referral = _current(context)
    return {
        "referral": referral,
        "count": len(referral.ids),
        "list_url": referral.url(),
        "clear_url": _this_page_with(context, referrals.ReferralList()) if "request" in context else "",
    }
