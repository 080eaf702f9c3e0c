"""The visitor's list and the "Your list" bar; the current list travels in the page's `list` parameter."""

from django import template

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


@register.inclusion_tag("referrals/includes/referral_bar.html", takes_context=True)
def referral_bar(context):
    """ "Your list: N meetings – view / print", shown once the visitor has added a meeting."""
    referral = _current(context)
    return {
        "referral": referral,
        "count": len(referral.ids),
        "list_url": referral.url(),
        "clear_url": _this_page_with(context, referrals.ReferralList()) if "request" in context else "",
    }
