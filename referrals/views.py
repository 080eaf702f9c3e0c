"""The referral list page and its calendar file; the list itself lives in the URL, nothing is stored."""

import segno
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from segno.encoder import DataOverflowError

from meetings.ical import calendar_for
from meetings.models import Meeting, Status
from referrals import lists as referrals
from referrals.forms import ListOptionsForm


def _load(referral):
    """The list's meetings that are not deleted, with what a row shows.

    Not listed(): a meeting that no longer meets stays on a list by name ("no longer meets"), so the patient
    knows which one to cross off. A meeting a volunteer deleted shows nothing of itself, here or in the
    calendar file: its row is the bare number of a meeting that is not in the directory.
    """
    if not referral.ids:
        return []
    return list(Meeting.objects.filter(pk__in=referral.ids, deleted_at__isnull=True).for_display())


def referral_list(request, ids=""):
    if not ids and "m" in request.GET:
        return _redirect_to_path_form(request)
    try:
        referral = referrals.parse(ids)
    except referrals.InvalidList as error:
        return render(request, "referrals/list.html", {"error": error}, status=400)
    meetings = _load(referral)
    if referral.ids and not meetings:
        error = _("None of the meetings on this list are in the directory. The list may have been mistyped.")
        return render(request, "referrals/list.html", {"error": error}, status=404)

    form = ListOptionsForm(request.GET)
    zone, only, query = form.options()
    entries, hidden = referrals.build_entries(referral, meetings, now=timezone.now(), zone=zone, only=only)
    listed = [entry["meeting"] for entry in entries if entry["state"] == "listed"]
    # The canonical list (capped, without duplicates) with the zone and filters chosen, to send or print.
    share_url = request.build_absolute_uri(referral.url() + (f"?{query}" if query else ""))
    context = {
        "referral": referral,
        "form": form,
        "entries": entries,
        "hidden": hidden,
        "programs": list({meeting.program_id: meeting.program for meeting in listed}.values()),
        "key_types": referrals.key_types(),
        "share_url": share_url,
        "qr_svg": _qr_svg(share_url) if referral.ids else "",
        "max_meetings": referrals.MAX_MEETINGS,
    }
    return render(request, "referrals/list.html", context, status=400 if form.errors else 200)


def _redirect_to_path_form(request):
    """/list/?m=12&m=45 (a form of checkboxes can make it) becomes the short /list/12-45/."""
    try:
        referral = referrals.parse(referrals.SEPARATOR.join(request.GET.getlist("m")))
    except referrals.InvalidList as error:
        return render(request, "referrals/list.html", {"error": error}, status=400)
    query = request.GET.copy()
    query.pop("m")
    return redirect(referral.url() + (f"?{query.urlencode()}" if query else ""))


def referral_calendar(request, ids):
    try:
        referral = referrals.parse(ids)
    except referrals.InvalidList as error:
        return render(request, "referrals/list.html", {"error": error}, status=400)
    by_pk = {meeting.pk: meeting for meeting in _load(referral) if meeting.status != Status.INACTIVE}
    if not by_pk:
        error = _("None of the meetings on this list are in the directory, so there is no calendar to add.")
        return render(request, "referrals/list.html", {"error": error}, status=404)
    meetings = [by_pk[pk] for pk in referral.ids if pk in by_pk]
    text = calendar_for(meetings, now=timezone.now(), base_url=request.build_absolute_uri("/").rstrip("/"))
    response = HttpResponse(text, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="meetings.ics"'
    return response


def _qr_svg(url):
    # segno writes the code as plain SVG paths (no script, no style attribute), safe to inline under a strict CSP;
    # the only text in it, the title, segno escapes.
    try:
        qr = segno.make(url, error="m")
    except DataOverflowError:  # only for addresses padded with many unknown parameters
        return ""
    return mark_safe(qr.svg_inline(border=2, omitsize=True, title=_("QR code for this list")))
