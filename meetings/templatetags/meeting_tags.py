from django import template
from django.conf import settings
from django.http import QueryDict
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext

from core.time import next_start, zone_city
from meetings.models import Attendance, Status, Weekday
from referrals import lists as referrals
from referrals.templatetags.referral_tags import PageWithList
from search.rows import meeting_url_maker
from search.templatetags.form_tags import fast_escape

register = template.Library()


@register.simple_tag
def meeting_time(meeting, now=None):
    """Start (and end) time in the meeting's own zone, with the zone label of its next occurrence."""
    start = next_start(meeting.weekday, meeting.start_time, meeting.zone, now or timezone.now())
    label = time_format(meeting.start_time, "g:i A")
    if meeting.end_time:
        label += "–" + time_format(meeting.end_time, "g:i A")
    return f"{label} {start.tzname()}"


@register.filter
def zone_place(zone_name):
    return zone_city(zone_name)


def _detail_query(request):
    """The query string a meeting's page gets: the visitor's zone and referral list along (nothing else)."""
    if request is None:
        return ""
    keep = QueryDict(mutable=True)
    for name in ("tz", "list"):
        if request.GET.get(name):
            keep[name] = request.GET[name]
    return f"?{keep.urlencode()}" if keep else ""


@register.simple_tag(takes_context=True)
def detail_url(context, meeting):
    """The meeting's page, carrying the visitor's zone and referral list along (nothing else)."""
    return meeting.get_absolute_url() + _detail_query(context.get("request"))


@register.filter
def online_marks(meetings):
    """A "1" per online or hybrid meeting: the search script offers the visitor's zone when there is one."""
    return "1" * sum(1 for meeting in meetings if meeting.is_online)


@register.simple_tag(takes_context=True)
def result_rows(context, meetings):
    """The search results' <li> rows (annotated by presenters.annotate_rows), with their add-to-list links.

    One Python loop instead of two template includes per row: they were most of a results page's
    rendering time. The HTML, whitespace included, is what includes/result_row.html (with
    includes/add_to_list.html, which other pages still use) makes: keep them in step;
    tests/meetings/search/test_search_rendering.py compares them.
    """
    request = context.get("request")
    esc = fast_escape
    # Translated once per page, not per row. Like {% translate %}, the translations are trusted HTML.
    weekdays = {value: esc(label) for value, label in Weekday.choices}
    attendances = {value: esc(label) for value, label in Attendance.choices}
    in_progress = mark_safe(gettext("In progress"))
    closed = mark_safe(gettext("Temporarily closed"))
    types_label = mark_safe(gettext("Meeting types"))
    on_list, remove = mark_safe(gettext("On your list")), mark_safe(gettext("Remove"))
    list_full, add = mark_safe(gettext("Your list is full (30 meetings).")), mark_safe(gettext("Add to referral list"))
    detail_query = _detail_query(request)
    meeting_url = meeting_url_maker()
    referral = referrals.parse_leniently(request.GET.get("list", "")) if request is not None else None
    links = PageWithList(request) if request is not None else None
    # What template_localtime() converts to, looked up once per page.
    zone = timezone.get_current_timezone() if settings.USE_TZ else None
    # Rows share programs and meeting types: each is escaped once per page (by pk, in this page's language).
    programs, chips = {}, {}
    html = []
    for meeting in meetings:
        row = meeting.row
        weekday = weekdays.get(meeting.weekday) or esc(meeting.get_weekday_display())
        name = esc(meeting.name)
        html.append('<li class="meeting">\n  <p class="meeting-when">\n    ')
        if row["visitor_label"]:
            city = gettext("in %(city)s") % {"city": esc(row["zone_city"])}
            html.append(
                f'<strong>{esc(row["visitor_label"])}</strong> <span class="muted">({weekday} '
                f"{esc(row['local_label'])} {city})</span>\n    \n"
            )
        else:
            start = row["start"]
            if zone is not None and not timezone.is_naive(start) and getattr(start, "convert_to_local_time", True):
                start = start.astimezone(zone)  # as template_localtime(start) does
            start = start.isoformat()
            html.append(f'<span>{weekday}</span> <time datetime="{esc(start)}">{esc(row["local_label"])}</time>\n')
        if row["in_progress"]:
            html.append(f'    <span class="badge live">{in_progress}</span>\n    \n')
        elif row["starts_in"] is not None:
            minutes = row["starts_in"]
            soon = ngettext("Starts in %(minutes)s min", "Starts in %(minutes)s min", minutes) % {"minutes": minutes}
            html.append(f'    <span class="badge soon">{soon}</span>\n')
        else:
            html.append("    \n")
        location = meeting.location
        program = programs.get(meeting.program_id)
        if program is None:
            program = programs[meeting.program_id] = esc(meeting.program.short_name)
        html.append(
            f'  </p>\n  <h3 class="meeting-name"><a href="{esc(meeting_url(meeting) + detail_query)}">{name}'
            f'</a></h3>\n  <p class="meeting-meta">\n    <span>{program}</span> ·\n'
            f"    <span>{attendances.get(meeting.attendance) or esc(meeting.get_attendance_display())}</span>"
        )
        if location:
            html.append(f" ·\n    <span>{esc(location.name)}, {esc(location.city)}</span>\n")
        else:
            html.append("\n    \n")
        html.append(f"     · <span>{esc(row['distance'])}</span>\n" if row["distance"] else "    \n")
        html.append(f"     · <strong>{closed}</strong>\n" if meeting.status == Status.TEMPORARILY_CLOSED else "    \n")
        html.append("  </p>\n  ")
        if row["key_types"]:
            for meeting_type in row["key_types"]:
                if meeting_type.pk not in chips:
                    chips[meeting_type.pk] = f"<li>{esc(meeting_type.display_label)}</li>"
            chips_html = "".join(chips[meeting_type.pk] for meeting_type in row["key_types"])
            html.append(f'\n  <ul class="chips" aria-label="{types_label}">\n    {chips_html}\n  </ul>\n  ')
        html.append('\n  <p class="add-to-list">\n')
        if referral is None:
            pass  # no request, so no list to add to
        elif meeting.pk in referral.ids:
            href = esc(links.url(referral.without_meeting(meeting.pk)))
            html.append(
                f'<span class="on-list">{on_list}</span> <a href="{href}" rel="nofollow">{remove}'
                f'<span class="visually-hidden"> {name}</span></a>\n'
            )
        elif referral.full:
            html.append(f"<span>{list_full}</span>\n")
        else:
            href = esc(links.url(referral.with_meeting(meeting.pk)))
            html.append(
                f'<a class="button button-secondary" href="{href}" rel="nofollow">{add}'
                f'<span class="visually-hidden">: {name}</span></a>'
            )
        html.append("\n</p>\n\n</li>\n")
    return mark_safe("".join(html))
