import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _

# What a client is asked to wait after a 503, in seconds: long enough for a restarted database, or a burst of
# slow requests, to pass.
RETRY_AFTER_SECONDS = 60
# PostgreSQL's code for a statement cancelled, here by the public statement timeout (directory.middleware).
QUERY_CANCELED = "57014"


def about(request):
    return render(request, "directory/about.html")


def privacy(request):
    return render(request, "directory/privacy.html")


def healthz(request):
    """For load balancers: 200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        return HttpResponse("database unreachable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


def server_error(request):
    """handler500: a static 503 page when the database is down or too slow, otherwise a static 500 page.

    Static: neither page reads the database (no context processors), so both are there when it is not.
    """
    failure = _database_failure(sys.exc_info()[1])
    if failure is None:
        return _error_page(request, 500, "500.html", _("Something went wrong on our side. Please try again later."))
    busy = getattr(failure.__cause__, "sqlstate", None) == QUERY_CANCELED
    message = (
        _("This request took too long. Please try again in a minute, or ask for fewer meetings at once.")
        if busy
        else _("The meeting listings cannot be reached right now. Please try again in a minute.")
    )
    response = _error_page(request, 503, "503.html", message, busy=busy)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def page_not_found(request, exception):
    """handler404: the site's own static page (or JSON for an API), with the way back to the search."""
    message = _("There is no page at this address. The meeting may have moved or ended: search for it again.")
    return _error_page(request, 404, "404.html", message)


def bad_request(request, exception):
    """handler400 (a host not served, too many fields, a broken form body): the site's static page, or JSON.

    Static, without context processors: for a host that is not served, those would fail again on the host.
    """
    return _error_page(request, 400, "400.html", _("The address or the form sent could not be read. Start again."))


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: a form sent without its token, or with an old one (the reason stays in the log)."""
    message = _(
        "This form has expired, or your browser did not send its cookie. Go back, reload it and send it again."
    )
    return _error_page(request, 403, "403_csrf.html", message)


def _database_failure(error):
    """The database error (unreachable, gone, or a statement cancelled) behind this exception, if there is one."""
    while error is not None:
        if isinstance(error, OperationalError | InterfaceError):
            return error
        error = error.__cause__ or error.__context__
    return None


def _error_page(request, status, template, message, **context):
    if _is_api(request):
        return JsonResponse({"error": message}, status=status)
    context |= {"SITE_NAME": settings.SITE_NAME, "HELP_NOW": settings.HELP_NOW, "message": message}
    return HttpResponse(render_to_string(template, context), status=status)


def _is_api(request):
    """Whether the request was for the feeds, the BMLT interface or the search API, which answer in JSON."""
    match = request.resolver_match
    if match is None:  # the failure came before the URL was resolved (in a middleware)
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return False
    return match.namespace == "interop" or match.view_name in ("search:api", "search:geojson")
