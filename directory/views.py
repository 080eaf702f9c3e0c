from django.db import connection
from django.http import HttpResponse
from django.shortcuts import render


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
