"""The search page's fast renderings give the HTML of Django's own, and its cached choice lists stay current."""

from datetime import UTC, datetime, time

import pytest
from django.core.cache import cache
from django.db import connection
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from meetings.models import Attendance, Meeting, Status
from search.filters import MeetingFilter
from search.rows import annotate_rows
from search.templatetags.form_tags import input_widget
from search.vocabulary import CHOICES_KEY
from tests.factories import make_location, make_meeting, make_program, make_type

pytestmark = pytest.mark.django_db

# Tuesday 2026-06-16, 21:00 UTC = 17:00 in Philadelphia (EDT).
NOW = datetime(2026, 6, 16, 21, 0, tzinfo=UTC)


@pytest.fixture
def varied_meetings():
    """Meetings covering every branch of a result row."""
    key = make_type(code="women", name="Women", name_es="Mujeres", category="audience", is_key=True)
    other = make_type(code="speaker", name="Speaker", category="format")
    program = make_program(short_name="A&B <AA>")
    made = [
        make_meeting(name="In progress", weekday=2, start_time=time(16, 30), end_time=time(17, 30), types=[key]),
        make_meeting(name="Soon", weekday=2, start_time=time(17, 30), types=[key, other], program=program),
        make_meeting(name="Café & <“friends”> 'n' more", weekday=5, start_time=time(9), types=[other]),
        make_meeting(name="Closed", status=Status.TEMPORARILY_CLOSED, location=make_location(name="St. Ann's & Hall")),
        make_meeting(name="Online LA", attendance=Attendance.ONLINE, timezone="America/Los_Angeles", weekday=3),
        make_meeting(name="Hybrid Sydney", attendance=Attendance.HYBRID, timezone="Australia/Sydney", weekday=0),
    ]
    return [m.pk for m in made]


def _rows(pks, *, visitor_tz="", distance=False):
    meetings = list(Meeting.objects.filter(pk__in=pks).for_display().order_by("pk"))
    if distance:
        for number, meeting in enumerate(meetings):
            meeting.distance_km = 1.5 * number
    return annotate_rows(meetings, now=NOW, visitor_tz=visitor_tz)


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize(
    "params",
    [
        {},
        {"tz": "Europe/Paris", "q": "a&b", "day": ["1", "2"], "page": "2"},
        {"list": "ON_LIST", "sort": "day"},
        {"sort": "day", "list": "FULL", "tz": "America/New_York"},
        {"list": "not-a-list"},
    ],
    ids=["plain", "visitor-zone", "on-list", "full-list", "bad-list"],
)
def test_the_result_rows_tag_gives_the_html_of_the_row_templates(varied_meetings, params, language):
    params = dict(params)
    if params.get("list") == "ON_LIST":
        params["list"] = f"{varied_meetings[1]}-{varied_meetings[3]}"
    elif params.get("list") == "FULL":
        params["list"] = "-".join(str(n) for n in range(900, 930))
    with translation.override(language):
        request = RequestFactory().get(f"/{language}/meetings/" if language == "es" else "/meetings/", params)
        meetings = _rows(varied_meetings, visitor_tz=params.get("tz", ""), distance=bool(params.get("tz")))
        context = {"request": request, "meetings": meetings}
        expected = Template(
            '{% for meeting in meetings %}{% include "search/includes/result_row.html" %}{% endfor %}'
        ).render(Context(context))
        fast = Template("{% load meeting_tags %}{% result_rows meetings %}").render(Context(context))
    assert fast == expected
    assert "Starts in" in fast or "Empieza en" in fast  # the branches are really exercised
    assert ("your time" in fast or "tu hora" in fast) == bool(params.get("tz"))


@pytest.mark.parametrize(
    "query",
    [
        "",
        "q=hope&near=19104&radius=5&now=2&starts_after=18:00&starts_before=20:00&lat=39.9&lng=-75.1&tz=UTC",
        "q=" + "x" * 101 + "&radius=far&now=99&starts_after=25:00&lat=91&lng=0&tz=Not/AZone",
        'q="><script>&near=<b>&radius=0',
    ],
    ids=["empty", "valid", "invalid", "markup"],
)
def test_the_input_widget_tag_gives_the_html_of_django_widgets(query):
    form = MeetingFilter(RequestFactory().get(f"/meetings/?{query}").GET, queryset=Meeting.objects.all()).form
    form.is_valid()
    for name in ("q", "near", "radius", "now", "starts_after", "starts_before", "lat", "lng", "tz"):
        assert input_widget(form[name]) == form[name].as_widget(), name


def test_the_choice_lists_are_read_once_not_on_every_page(client):
    make_type(code="women", name="Women", category="audience")
    make_type(code="spanish", name="Spanish", category="language")
    make_program(name="Recovery Dharma")
    first = client.get("/meetings/").content.decode()
    with CaptureQueriesContext(connection) as queries:
        second = client.get("/meetings/").content.decode()
    assert second == first
    # Without meetings, only the program, meeting-type and language choices would read these tables.
    assert not [q["sql"] for q in queries if "groups_program" in q["sql"] or "meetings_meetingtype" in q["sql"]]


def test_a_renamed_meeting_type_shows_under_its_new_name_in_each_language(client):
    women = make_type(code="women", name="Women", name_es="Mujeres", category="audience")
    assert 'value="women"> Women</label>' in client.get("/meetings/").content.decode()
    assert 'value="women"> Mujeres</label>' in client.get("/es/meetings/").content.decode()
    women.name, women.name_es = "Women only", "Solo mujeres"
    women.save()
    assert 'value="women"> Women only</label>' in client.get("/meetings/").content.decode()
    assert 'value="women"> Solo mujeres</label>' in client.get("/es/meetings/").content.decode()


def test_added_and_deleted_programs_and_languages_show_at_once(client):
    make_program(slug="aa", name="Alcoholics Anonymous")
    assert 'value="aa"> Alcoholics Anonymous</label>' in client.get("/meetings/").content.decode()
    program = make_program(slug="smart", name="SMART Recovery")
    french = make_type(code="french", name="French", category="language")
    html = client.get("/meetings/").content.decode()
    assert 'value="smart"> SMART Recovery</label>' in html and '<option value="french">French</option>' in html
    program.delete()
    french.delete()
    html = client.get("/meetings/").content.decode()
    assert 'value="smart"' not in html and 'value="french"' not in html
    assert 'value="aa"> Alcoholics Anonymous</label>' in html


def test_an_active_filter_is_named_from_the_cached_choices(client):
    make_type(code="women", name="Women", name_es="Mujeres", category="audience")
    make_program(slug="aa", name="Alcoholics Anonymous")
    html = client.get("/meetings/", {"type": "women", "program": "aa"}).content.decode()
    assert "Meeting types (all must match): Women" in html and "Program: Alcoholics Anonymous" in html
    assert "Mujeres" in client.get("/es/meetings/", {"type": "women"}).content.decode()


@pytest.mark.parametrize("prefix", ["", "/es"])
def test_the_api_gives_each_meetings_absolute_address(client, prefix):
    meeting = make_meeting(slug="tuesday-hope_2")
    results = client.get(f"{prefix}/api/meetings", {"sort": "day"}).json()["results"]
    with translation.override(prefix.strip("/") or "en"):
        assert [r["url"] for r in results] == [f"http://testserver{meeting.get_absolute_url()}"]


def test_the_choice_lists_are_forgotten_again_when_the_change_commits(client, django_capture_on_commit_callbacks):
    women = make_type(code="women", name="Women", category="audience")
    with django_capture_on_commit_callbacks(execute=True):
        women.name = "Women only"
        women.save()
        # A page rendered before the commit (here: on the same connection) caches the lists again...
        client.get("/meetings/")
        assert cache.get(CHOICES_KEY) is not None
    # ...and the commit forgets them.
    assert cache.get(CHOICES_KEY) is None


def test_the_input_field_tag_gives_the_html_of_the_field_include():
    query = "q=" + "x" * 101 + "&near=<b>&radius=far&now=2"
    form = MeetingFilter(RequestFactory().get(f"/meetings/?{query}").GET, queryset=Meeting.objects.all()).form
    form.is_valid()
    for name in ("q", "near", "radius", "now", "starts_after", "starts_before"):
        context = {"field": form[name]}
        expected = Template('{% include "includes/field.html" %}').render(Context(context))
        assert Template("{% load form_tags %}{% input_field field %}").render(Context(context)) == expected, name
