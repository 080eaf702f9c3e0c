"""Add-to-list links and the "Your list" bar; the current list travels in the page's `list` parameter."""

from django import template
from django.http import QueryDict

from referrals import lists as referrals

register = template.Library()


def _current(context):
    request = context.get("request")
    return referrals.parse_leniently(request.GET.get("list", "")) if request is not None else referrals.ReferralList()


class PageWithList:
    """The current page's address with its list replaced, keeping every other parameter (filters, page).

    The rest of the query string is encoded once, so a page of results can make a link per meeting cheaply;
    the result is the same as replacing `list` in a copy of request.GET and encoding it.
    """

    def __init__(self, request):
        query = request.GET.copy()
        # Setting it keeps `list` where it was in the query string, or puts it last.
        query["list"] = ""
        before, after = (
            QueryDict(mutable=True, encoding=query.encoding),
            QueryDict(mutable=True, encoding=query.encoding),
        )
        target = before
        for name, values in query.lists():
            if name == "list":
                target = after
                continue
            target.setlist(name, values)
        self.path = request.path
        self.before, self.after = before.urlencode(), after.urlencode()

    def url(self, referral):
        # A token is digits and dashes, which URL encoding leaves as they are.
        token = f"list={referral.token}" if referral.ids else ""
        encoded = "&".join(part for part in (self.before, token, self.after) if part)
        return f"{self.path}?{encoded}" if encoded else self.path


def _this_page_with(context, referral):
    """The current page's address with its list replaced, keeping every other parameter (filters, page)."""
    return PageWithList(context["request"]).url(referral)


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
