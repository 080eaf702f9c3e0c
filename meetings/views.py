from django.shortcuts import get_object_or_404, render

from meetings.models import Meeting


def meeting_detail(request, slug):
    meeting = get_object_or_404(Meeting.objects.listed().for_display(), slug=slug)
    return render(request, "meetings/meeting_detail.html", {"meeting": meeting})
