"""A test-only URLconf: views that run a slow statement, or report the time limit they run under."""

from django.db import connection
from django.http import HttpResponse, StreamingHttpResponse
from django.urls import path

from directory import urls as site


def sleep(request):
    """Runs pg_sleep(?seconds=), as a slow search would."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_sleep(%s)", [float(request.GET.get("seconds", "1"))])
    return HttpResponse("slept")


def sleep_while_streaming(request):
    """Answers at once, then runs pg_sleep while the answer is written, as the feed reads meetings."""

    def chunks():
        yield "first chunk\n"
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_sleep(%s)", [float(request.GET.get("seconds", "1"))])
        yield "slept\n"

    return StreamingHttpResponse(chunks())


def show_limit(request):
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        return HttpResponse(cursor.fetchone()[0])


def fail(request):
    raise RuntimeError("a bug: secret detail 0xDEADBEEF")


# These, then the whole site (the failure pages link to its front page), and its failure pages.
urlpatterns = [
    path("sleep/", sleep),
    path("sleep-while-streaming/", sleep_while_streaming),
    path("limit/", show_limit),
    path("admin/limit/", show_limit),
    path("fail/", fail),
    *site.urlpatterns,
]
handler500 = site.handler500
