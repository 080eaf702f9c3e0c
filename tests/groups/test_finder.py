import html as html_lib
import re
import time as pytime
from datetime import UTC, datetime, time
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from groups.finder import FIT_COUNTS_KEY, find_programs
from groups.models import MEETING_COUNTS_SECONDS
from meetings.models import Attendance, Status
from tests.factories import make_meeting, make_program, make_type

pytestmark = pytest.mark.django_db

URL = reverse("groups:finder")
SECULAR_ONLINE_ON_MEDICATION = {"basis": "secular", "medication": "yes", "attendance": "online"}


@pytest.fixture
def programs():
    smart = make_program(name="SMART Recovery", spiritual_basis="secular", medication="welcoming", substances="any")
    make_meeting(program=smart, name="SMART Online Tuesday", attendance=Attendance.ONLINE)
    aa = make_program(name="Alcoholics Anonymous", spiritual_basis="spiritual", medication="individual-choice")
    make_meeting(program=aa, name="AA Online", attendance=Attendance.ONLINE)
    lifering = make_program(name="LifeRing", spiritual_basis="secular", medication="welcoming")
    make_meeting(program=lifering, name="LifeRing Hall", attendance=Attendance.IN_PERSON)
    varies = make_program(name="Secular Varies", spiritual_basis="secular", medication="varies", substances="drugs")
    friendly = make_type(code="medication-friendly", name="Medication-friendly")
    make_meeting(program=varies, name="Varies Friendly Online", attendance=Attendance.ONLINE, types=[friendly])
    make_meeting(program=varies, name="Varies Other Online", attendance=Attendance.ONLINE)
    return {"smart": smart, "aa": aa, "lifering": lifering, "varies": varies}


def test_it_asks_plain_questions_in_a_get_form_and_shows_no_results_before_any_answer(client):
    response = client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert '<form method="get"' in html
    assert "<legend>Spiritual or secular?</legend>" in html
    assert '<label class="choice" for="id_medication_0">' in html
    assert "programs fit" not in html and "program fits" not in html


def test_it_leads_from_secular_on_medication_online_to_programs_that_fit(client, programs):
    response = client.get(URL, SECULAR_ONLINE_ON_MEDICATION)
    assert response.status_code == 200
    names = [match["program"].name for match in response.context["matches"]]
    # AA is spiritual; LifeRing has no online meeting listed.
    assert names == ["SMART Recovery", "Secular Varies"]
    html = response.content.decode()
    assert "It is secular: no higher power is involved." in html
    assert "explicitly welcomes people taking prescribed medication" in html
    assert "It has meetings online." in html
    assert "SMART Online Tuesday" in html


def test_a_program_whose_welcome_varies_shows_only_its_medication_friendly_meetings(client, programs):
    response = client.get(URL, SECULAR_ONLINE_ON_MEDICATION)
    varies = next(m for m in response.context["matches"] if m["program"].name == "Secular Varies")
    assert [meeting.name for meeting in varies["meetings"]] == ["Varies Friendly Online"]
    assert any("only its meetings marked medication-friendly" in reason for reason in varies["reasons"])


def test_it_matches_substances_with_programs_for_any_substance(client, programs):
    response = client.get(URL, {"substances": "alcohol", "basis": "secular"})
    names = {match["program"].name for match in response.context["matches"]}
    assert names == {"SMART Recovery", "LifeRing"}  # "any" fits alcohol; "drugs" does not
    assert "It welcomes people whatever the substance or behaviour." in response.content.decode()


def test_women_only_fits_womens_programs_and_womens_meetings_of_programs_for_everyone(client):
    wfs = make_program(name="Women for Sobriety", gender_focus="women")
    make_meeting(program=wfs)
    open_program = make_program(name="Open Program", gender_focus="everyone")
    women = make_type(code="women", name="Women")
    make_meeting(program=open_program, name="Open Women Meeting", types=[women])
    make_meeting(program=open_program, name="Open Mixed Meeting")
    make_meeting(program=make_program(name="No Women Meetings", gender_focus="everyone"))
    make_meeting(program=make_program(name="Men Program", gender_focus="men"))
    response = client.get(URL, {"gender": "women", "near": "19104"})
    matches = {match["program"].name: match for match in response.context["matches"]}
    assert set(matches) == {"Women for Sobriety", "Open Program"}
    assert "It is for women." in matches["Women for Sobriety"]["reasons"]
    assert [m.name for m in matches["Open Program"]["meetings"]] == ["Open Women Meeting"]


def test_someone_you_care_about_leads_to_family_programs(client):
    make_program(name="Al-Anon", audience="family", abstinence="not-applicable", medication="not-applicable")
    make_program(name="Recovery Program")
    response = client.get(URL, {"who": "family"})
    assert [match["program"].name for match in response.context["matches"]] == ["Al-Anon"]
    assert "It is for family and friends" in response.content.decode()


def test_it_shows_the_next_three_meetings_soonest_first(programs):
    program = make_program(name="Busy")
    # Wednesday 2026-01-07 12:00 UTC = 07:00 in New York; weekday 0 = Sunday.
    now = datetime(2026, 1, 7, 12, 0, tzinfo=UTC)
    for name, weekday, start in [
        ("Mon", 1, time(19)),
        ("Wed evening", 3, time(19)),
        ("Wed morning", 3, time(6)),  # already started today: next week
        ("Thu", 4, time(8)),
        ("Fri", 5, time(8)),
    ]:
        make_meeting(program=program, name=name, weekday=weekday, start_time=start, end_time=None)
    make_meeting(program=program, name="Closed", weekday=3, start_time=time(9), status=Status.TEMPORARILY_CLOSED)
    matches = find_programs({"who": "self"}, now=now)
    busy = next(match for match in matches if match["program"].name == "Busy")
    assert [meeting.name for meeting in busy["meetings"]] == ["Wed evening", "Thu", "Fri"]
    assert busy["meetings"][0].next_start == datetime(2026, 1, 7, 19, 0, tzinfo=busy["meetings"][0].zone)


def test_it_says_so_when_nothing_fits(client, programs):
    html = client.get(URL, {"gender": "men", "basis": "secular"}).content.decode()
    assert "0 programs fit" in html
    assert "No program fits every answer" in html


def test_an_answer_that_is_not_a_choice_gets_the_form_error_and_400(client):
    response = client.get(URL, {"attendance": "teleport"})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()


def test_it_stores_nothing_and_sets_no_cookies(client, programs):
    response = client.get(URL, SECULAR_ONLINE_ON_MEDICATION)
    assert not response.cookies
    html = response.content.decode()
    # One script file (the browser's time zone, static/js/finder.js), nothing inline.
    assert "<script>" not in html and "style=" not in html
    assert html.count("<script") == 1 and '<script src="/static/js/finder.js" defer>' in html


def test_it_keeps_the_referral_list_and_offers_to_add_meetings(client, programs):
    smart_meeting = programs["smart"].meetings.get()
    html = client.get(URL, SECULAR_ONLINE_ON_MEDICATION | {"list": "999"}).content.decode()
    assert '<input type="hidden" name="list" value="999">' in html
    assert f"list=999-{smart_meeting.pk}" in html
    assert "Your list: 1 meeting" in html


# Wednesday 2026-01-07 12:00 UTC = 07:00 in New York (the factories' zone); weekday 3 = Wednesday.
WEDNESDAY_NOON_UTC = datetime(2026, 1, 7, 12, 0, tzinfo=UTC)


def test_it_runs_a_fixed_number_of_queries_whatever_the_number_of_programs(client, django_assert_num_queries):
    make_meeting(program=make_program(spiritual_basis="secular"), attendance=Attendance.ONLINE)
    with mock.patch("groups.views.timezone.now", return_value=WEDNESDAY_NOON_UTC):
        # Warms what is kept between requests: the counts of fitting meetings, the zones' offsets and
        # the "is this sample data?" check every page makes.
        client.get(URL, {"basis": "secular"})
        # Programs; the fitting meetings starting in the next hours, ranked; the same over the week for
        # programs with fewer than three there (every one here: theirs are at 19:00); the soonest ones.
        with django_assert_num_queries(4):
            client.get(URL, {"basis": "secular"})
        for _ in range(8):
            program = make_program(spiritual_basis="secular")
            for _ in range(4):
                make_meeting(program=program, attendance=Attendance.ONLINE)
        cache.delete(FIT_COUNTS_KEY)  # or the new programs would wait for the counts to be taken again
        client.get(URL, {"basis": "secular"})
        with django_assert_num_queries(4):
            response = client.get(URL, {"basis": "secular"})
    assert len(response.context["matches"]) == 9
    assert [len(match["meetings"]) for match in response.context["matches"]].count(3) == 8


def test_it_does_not_rank_the_week_when_the_next_hours_hold_three_of_every_program(client, django_assert_num_queries):
    program = make_program(spiritual_basis="secular")
    for hour in (8, 9, 10):
        make_meeting(program=program, weekday=3, start_time=time(hour), end_time=None)
    with mock.patch("groups.views.timezone.now", return_value=WEDNESDAY_NOON_UTC):
        client.get(URL, {"basis": "secular", "near": "19104"})
        # Programs; the fitting meetings starting in the next hours near the place, ranked; the soonest ones.
        with django_assert_num_queries(3):
            response = client.get(URL, {"basis": "secular", "near": "19104"})
    [match] = response.context["matches"]
    assert [meeting.start_time.hour for meeting in match["meetings"]] == [8, 9, 10]


def test_it_adds_later_meetings_when_the_next_hours_hold_fewer_than_three():
    quiet = make_program(name="Quiet")
    for name, weekday, start in [
        ("Friday", 5, time(9)),
        ("Soon", 3, time(8)),
        ("Tonight", 3, time(19)),
        ("Thursday", 4, time(9)),
        ("Sooner", 3, time(7, 30)),
    ]:
        make_meeting(program=quiet, name=name, weekday=weekday, start_time=start, end_time=None)
    busy = make_program(name="Busy")
    for hour in (10, 9, 8, 7):
        make_meeting(program=busy, name=f"Busy {hour}", weekday=3, start_time=time(hour), end_time=None)
    make_meeting(program=busy, name="Busy Thursday", weekday=4, start_time=time(6), end_time=None)
    matches = {match["program"].name: match for match in find_programs({"who": "self"}, now=WEDNESDAY_NOON_UTC)}
    # The next hours (from 07:00 in New York) hold two of Quiet's meetings and four of Busy's.
    assert [meeting.name for meeting in matches["Quiet"]["meetings"]] == ["Sooner", "Soon", "Tonight"]
    assert [meeting.name for meeting in matches["Busy"]["meetings"]] == ["Busy 7", "Busy 8", "Busy 9"]


def test_it_shows_a_meeting_starting_right_now_first():
    program = make_program()
    make_meeting(program=program, name="Started a minute ago", weekday=3, start_time=time(6, 59), end_time=None)
    make_meeting(program=program, name="Starting now", weekday=3, start_time=time(7), end_time=None)
    for hour in (10, 9, 8):
        make_meeting(program=program, name=f"At {hour}", weekday=3, start_time=time(hour), end_time=None)
    [match] = find_programs({"who": "self"}, now=WEDNESDAY_NOON_UTC)
    assert [meeting.name for meeting in match["meetings"]] == ["Starting now", "At 8", "At 9"]
    assert match["meetings"][0].next_start == WEDNESDAY_NOON_UTC


def test_it_orders_the_soonest_meetings_exactly_across_a_daylight_saving_change():
    program = make_program()
    # Saturday 2026-03-07 12:00 UTC; New York moves to daylight time early on Sunday 8 March.
    now = datetime(2026, 3, 7, 12, 0, tzinfo=UTC)
    make_meeting(program=program, name="UTC 23:30", weekday=0, start_time=time(23, 30), timezone="UTC")
    make_meeting(program=program, name="New York 19:00", weekday=0, start_time=time(19), end_time=None)
    make_meeting(program=program, name="London 23:15", weekday=0, start_time=time(23, 15), timezone="Europe/London")
    make_meeting(program=program, name="UTC 23:45", weekday=0, start_time=time(23, 45), timezone="UTC")
    [match] = find_programs({"who": "self"}, now=now)
    # 19:00 in New York on Sunday is 23:00 UTC (daylight time), not midnight (standard time, as now).
    assert [meeting.name for meeting in match["meetings"]] == ["New York 19:00", "London 23:15", "UTC 23:30"]
    assert match["meetings"][0].next_start == datetime(2026, 3, 8, 23, 0, tzinfo=UTC)


def test_it_counts_fitting_meetings_once_then_reads_the_cache(client, programs):
    with CaptureQueriesContext(connection) as first:
        client.get(URL, SECULAR_ONLINE_ON_MEDICATION)
    with CaptureQueriesContext(connection) as second:
        response = client.get(URL, SECULAR_ONLINE_ON_MEDICATION)
    counting = [query for query in first.captured_queries if "COUNT(" in query["sql"]]
    assert len(counting) == 1
    assert not [query for query in second.captured_queries if "COUNT(" in query["sql"]]
    assert [match["program"].name for match in response.context["matches"]] == ["SMART Recovery", "Secular Varies"]


def test_it_lets_a_first_fitting_meeting_make_a_program_fit_once_the_counts_are_taken_again(client, monkeypatch):
    program = make_program(name="Open Program", gender_focus="everyone")
    make_meeting(program=program, name="Mixed")
    women = make_type(code="women", name="Women")
    near = {"gender": "women", "near": "19104"}
    assert client.get(URL, near).context["matches"] == []
    make_meeting(program=program, name="Women Tuesday", types=[women])
    # Within the keep of the counts (groups.models.MEETING_COUNTS_SECONDS) the program has none yet.
    assert client.get(URL, near).context["matches"] == []
    later = pytime.time() + MEETING_COUNTS_SECONDS + 1
    monkeypatch.setattr(pytime, "time", lambda: later)
    [match] = client.get(URL, near).context["matches"]
    assert [meeting.name for meeting in match["meetings"]] == ["Women Tuesday"]


def test_a_clinician_goes_from_the_finder_to_a_handout_of_four_meetings(client, programs):
    for n in range(3):
        make_meeting(program=programs["smart"], name=f"SMART Online {n}", attendance=Attendance.ONLINE, weekday=n)
    url = URL + "?basis=secular&medication=yes&attendance=online"
    for _ in range(4):
        page = client.get(url).content.decode()
        url = html_lib.unescape(re.search(r'href="([^"]+)"[^>]*>Add to referral list', page).group(1))
    page = client.get(url).content.decode()
    assert "Your list: 4 meetings" in page
    list_url = re.search(r'href="(/list/[0-9-]+/)">view</a>', page).group(1)
    handout = client.get(list_url)
    assert handout.status_code == 200
    assert len([entry for entry in handout.context["entries"] if entry["state"] == "listed"]) == 4
    html = handout.content.decode()
    assert "Printed" in html and "<svg" in html and "What to expect" in html
