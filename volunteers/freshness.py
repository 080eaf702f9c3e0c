"""When a listing counts as stale: not confirmed for STALE_AFTER_MONTHS months."""

import datetime

from django.conf import settings
from django.utils import timezone


def stale_cutoff(today=None):
    """The date STALE_AFTER_MONTHS months before today (the last day of a shorter month if need be)."""
    today = today or timezone.localdate()
    months = today.year * 12 + today.month - 1 - settings.STALE_AFTER_MONTHS
    year, month = divmod(months, 12)
    month += 1
    for day in (today.day, 30, 29, 28):
        try:
            return datetime.date(year, month, day)
        except ValueError:
            continue


def is_stale(last_verified, today=None):
    """Whether a confirmation date is older than the cutoff; an unknown date is not called stale."""
    return last_verified is not None and last_verified < stale_cutoff(today)
