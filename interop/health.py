"""A source's health over time: its editors are told after 72 hours of failure, and it is paused after 14 days.

The Meeting Guide app does the same with the feeds it reads: a feed nobody fixes stops being fetched, rather than
being fetched and failing twice a day for ever, and its meetings stay listed as they were last read.
"""

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)


def escalate(datasource, *, now):
    """Warn the editors of a source failing for SOURCE_WARN_AFTER_HOURS; pause one failing SOURCE_PAUSE_AFTER_DAYS."""
    failing = now - datasource.failing_since
    if failing >= dt.timedelta(days=settings.SOURCE_PAUSE_AFTER_DAYS) and datasource.paused_at is None:
        datasource.paused_at = now
        _tell(datasource, paused=True, failing=failing)
    elif failing >= dt.timedelta(hours=settings.SOURCE_WARN_AFTER_HOURS) and datasource.warned_at is None:
        datasource.warned_at = now
        _tell(datasource, paused=False, failing=failing)


def _tell(datasource, *, paused, failing):
    """E-mail the source's contact address (if it has one) that it has been failing, and log it for the operator."""
    logger.warning(
        "Source %r has failed for %s%s: %s",
        datasource.slug,
        failing,
        " and is paused" if paused else "",
        datasource.last_error,
    )
    if not datasource.contact_email:
        return
    hours = int(failing.total_seconds() // 3600)
    context = {
        "source": datasource,
        "paused": paused,
        "days": failing.days,
        "hours": hours,
        "SITE_NAME": settings.SITE_NAME,
    }
    subject = render_to_string("interop/source_failing_subject.txt", context).strip()
    body = render_to_string("interop/source_failing_email.txt", context)
    try:
        send_mail(subject, body, None, [datasource.contact_email])
    except Exception:
        # A mail server that is down must not stop the sync: the admin lists the source as failing anyway.
        logger.exception("Could not e-mail the editors of source %r", datasource.slug)
