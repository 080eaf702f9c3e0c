"""Sign-in lockout: a user name from one address after a few failures, a whole address only after many."""

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum


class PairThenAddressHandler(AxesDatabaseHandler):
    """django-axes' database handler, with a second and higher limit for one address over all user names.

    AXES_LOCKOUT_PARAMETERS locks a (user name, address) pair after AXES_FAILURE_LIMIT failures, so nobody
    can lock a volunteer out from elsewhere, nor lock out the other people behind their own address (an
    office, a library). An address that fails AXES_ADDRESS_FAILURE_LIMIT times over any user names (someone
    guessing many accounts) is locked for every user name. django-axes has one limit; its maintainers point
    to a handler like this one for a second (jazzband/django-axes#661).
    """

    def get_failures(self, request, credentials=None):
        failures = super().get_failures(request, credentials)
        if self.address_failures(request) >= settings.AXES_ADDRESS_FAILURE_LIMIT:
            # Counted as at the pair's limit whatever the user name, so axes refuses it as it refuses a pair.
            return max(failures, settings.AXES_FAILURE_LIMIT)
        return failures

    @staticmethod
    def address_failures(request):
        """Failed sign-ins from the request's address within the cool-off, over every user name."""
        attempts = AccessAttempt.objects.filter(ip_address=request.axes_ip_address)
        if settings.AXES_COOLOFF_TIME is not None:
            attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
        return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
