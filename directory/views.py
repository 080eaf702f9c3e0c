from django.db import connection
from django.http import HttpResponse
from django.shortcuts import render

from groups.models import Program


def program_list(request):
    programs = Program.objects.with_meeting_counts()
    return render(
        request,
        "directory/programs.html",
        {
            "recovery_programs": [p for p in programs if p.audience == "recovery"],
            "family_programs": [p for p in programs if p.audience == "family"],
        },
    )


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
