from django.conf import settings
from django.shortcuts import get_object_or_404, redirect, render

from meetings.models import Meeting
from volunteers.forms import MeetingUpdateForm, NewMeetingForm
from volunteers.ratelimit import ratelimit_take


def _refused(request):
    """A POST that is too big or too frequent, refused before its body is read; None when it may go on."""
    if request.method != "POST":
        return None
    try:
        size = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        size = settings.SUGGESTION_MAX_BYTES + 1
    if size > settings.SUGGESTION_MAX_BYTES:
        return render(request, "volunteers/refused.html", {"too_large": True}, status=413)
    if not ratelimit_take(request=request, bucket="suggest", limit=settings.SUGGESTIONS_PER_HOUR):
        return render(request, "volunteers/refused.html", {"too_many": True}, status=429)
    return None


def _respond(request, form, template, context):
    if form.is_bound:
        if form.is_bot():
            # Looks the same as success, so a bot learns nothing; nothing is stored.
            return redirect("volunteers:thanks")
        if form.is_valid():
            form.save()
            return redirect("volunteers:thanks")
    return render(request, template, context | {"form": form}, status=400 if form.is_bound else 200)


def suggest_update(request, slug):
    meeting = get_object_or_404(Meeting.objects.listed().select_related("location", "program"), slug=slug)
    if refused := _refused(request):
        return refused
    form = MeetingUpdateForm(request.POST if request.method == "POST" else None, meeting=meeting)
    return _respond(request, form, "volunteers/suggest_update.html", {"meeting": meeting})


def suggest_new(request):
    if refused := _refused(request):
        return refused
    form = NewMeetingForm(request.POST if request.method == "POST" else None)
    return _respond(request, form, "volunteers/suggest_new.html", {})


def thanks(request):
    return render(request, "volunteers/thanks.html")
