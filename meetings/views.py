"""A meeting's page and its calendar file."""

from urllib.parse import urlencode

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from meetings.models import Meeting
from search.rows import annotate_rows


def meeting_detail(request, slug):
    meeting = Meeting.objects.listed().for_display().filter(slug=slug).first()
    if meeting is None:
        # Another source's listing of a meeting already shown: its address leads to the one shown.
        shown = Meeting.objects.listed().filter(duplicates__slug=slug, duplicates__deleted_at__isnull=True).first()
        if shown is not None:
            return redirect(shown)
        return no_longer_meeting(request, slug)
    tz = request.GET.get("tz", "")
    annotate_rows([meeting], now=timezone.now(), visitor_tz=tz if _valid_zone(tz) else "")
    context = {"meeting": meeting, "same_place": meeting.others_at_its_place(), "sources": meeting.listing_sources()}
    return render(request, "meetings/meeting_detail.html", context)


def no_longer_meeting(request, slug):
    """An old link to a meeting that ended (a printed referral list, a bookmark): still not found (404), but the
    page names it and offers meetings like it, so the person is not left at a dead end."""
    meeting = Meeting.objects.no_longer_meeting().select_related("program", "location").filter(slug=slug).first()
    if meeting is None:
        raise Http404("No meeting has this address.")
    query, place = meeting.similar_search()
    context = {
        "meeting": meeting,
        "search_url": reverse("home") + "?" + urlencode(query),
        "place": place,
        "same_place": meeting.others_at_its_place(),
    }
    return render(request, "meetings/no_longer_meeting.html", context, status=404)


def meeting_calendar(request, slug):
    from meetings.ical import calendar_for

    meeting = get_object_or_404(Meeting.objects.listed().for_display(), slug=slug)
    response = HttpResponse(calendar_for([meeting], now=timezone.now()), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{meeting.slug}.ics"'
    return response


def _valid_zone(name):
    from core.time import get_zone

    return bool(name) and len(name) < 64 and get_zone(name) is not None
