from django.conf import settings
from django.shortcuts import get_object_or_404, redirect, render

from groups.models import Program
from meetings.models import Meeting
from volunteers.forms import MeetingUpdateForm, NewMeetingForm, ProgramCorrectionForm
from volunteers.models import ChangeRequest
from volunteers.ratelimit import ratelimit_take

# Asked of a visitor refused because the moderation queue is full: volunteers need hours, not seconds.
QUEUE_FULL_RETRY_SECONDS = 6 * 3600


def _queue_full(request):
    """A polite 503 while more suggestions wait for review than volunteers can take; None otherwise."""
    pending = ChangeRequest.objects.filter(status=ChangeRequest.Status.PENDING)
    if pending.count() < settings.CHANGE_REQUESTS_PENDING_MAX:
        return None
    response = render(request, "volunteers/refused.html", {"queue_full": True}, status=503)
    response["Retry-After"] = str(QUEUE_FULL_RETRY_SECONDS)
    return response


def _refused(request):
    """A suggestion that is too big, too frequent or finds the queue full, refused unread; None when it may go on."""
    if request.method != "POST":
        # The form is refused too: nobody should fill one in only to have it turned away.
        return _queue_full(request)
    try:
        size = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        size = settings.SUGGESTION_MAX_BYTES + 1
    if size > settings.SUGGESTION_MAX_BYTES:
        return render(request, "volunteers/refused.html", {"too_large": True}, status=413)
    if not ratelimit_take(request=request, bucket="suggest", limit=settings.SUGGESTIONS_PER_HOUR):
        return render(request, "volunteers/refused.html", {"too_many": True}, status=429)
    return _queue_full(request)


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


def suggest_program(request, slug):
    program = get_object_or_404(Program, slug=slug)
    if refused := _refused(request):
        return refused
    fact = request.GET.get("fact")
    form = ProgramCorrectionForm(
        request.POST if request.method == "POST" else None, program=program, initial={"fact": fact}
    )
    return _respond(request, form, "volunteers/suggest_program.html", {"program": program})


def thanks(request):
    return render(request, "volunteers/thanks.html")
