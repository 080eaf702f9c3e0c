from django import template

from volunteers.freshness import is_stale

register = template.Library()


@register.filter
def listing_is_stale(last_verified):
    """Whether a meeting's "last confirmed" date is older than STALE_AFTER_MONTHS."""
    return is_stale(last_verified)
