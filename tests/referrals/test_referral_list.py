from datetime import date, time

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from meetings.models import Attendance, Status
from referrals import lists as referrals
from referrals.lists import ListLinks
from tests.factories import make_location, make_meeting, make_program, make_type

pytestmark = pytest.mark.django_db


def list_url(*meetings_or_ids):
    return referrals.list_url([getattr(item, "pk", item) for item in meetings_or_ids])


@pytest.fixture
def key_types():
    return {
        "verification": make_type(
            code="attendance-verification",
            name="Attendance verification",
            description="Someone can sign an attendance slip for a court, employer or treatment program.",
        ),
        "friendly": make_type(
            code="medication-friendly",
            name="Medication-friendly",
            description="People taking prescribed medication for addiction treatment are openly welcome.",
        ),
    }


@pytest.fixture
def meetings(key_types):
    smart = make_program(
        name="SMART Recovery", what_to_expect="A facilitator guides a discussion using practical tools."
    )
    aa = make_program(name="Alcoholics Anonymous", what_to_expect="Members share their experience.")
    in_person = make_meeting(
        program=aa,
        name="Tuesday Hope",
        weekday=2,
        start_time=time(19, 0),
        end_time=time(20, 0),
        location=make_location(name="St. Mark's Hall", address="12 Walnut St"),
        last_verified=date(2026, 1, 5),
        types=[key_types["verification"], make_type(name="Open", short_label="Open", is_key=True)],
    )
    online = make_meeting(
        program=smart,
        name="SMART Online",
        attendance=Attendance.ONLINE,
        weekday=4,
        start_time=time(18, 0),
        end_time=time(19, 30),
        timezone="America/Chicago",
        conference_url="https://zoom.us/j/555",
        conference_url_notes="Passcode 42",
        conference_phone="+1 312 555 0100",
        conference_phone_notes="Meeting ID 555",
        types=[key_types["friendly"]],
    )
    return {"in_person": in_person, "online": online}


# Parsing


def test_parse_reads_ids_in_order_and_drops_duplicates():
    assert referrals.parse("12-45-12-78").ids == [12, 45, 78]
    assert referrals.parse("").ids == []


@pytest.mark.parametrize(
    "token", ["abc", "12-x", "-5", "12--5", "0", "12-", "1.5", "99999999999999999999", "1" * 10_000]
)
def test_parse_rejects_what_is_not_a_list(token):
    with pytest.raises(referrals.InvalidList):
        referrals.parse(token)


def test_parse_caps_a_list_at_30_meetings():
    referral = referrals.parse("-".join(str(n) for n in range(1, 501)))
    assert referral.ids == list(range(1, 31))
    assert referral.capped


# The page


def test_it_shows_each_meeting_with_what_a_patient_needs(client, meetings):
    response = client.get(list_url(meetings["in_person"], meetings["online"]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Meetings to try</h1>" in html
    assert "Tuesday Hope" in html and "SMART Online" in html
    assert "Tuesday" in html and "7:00 PM–8:00 PM E" in html  # EST or EDT
    assert "St. Mark&#x27;s Hall" in html and "12 Walnut St" in html
    assert 'href="https://zoom.us/j/555"' in html and "Passcode 42" in html
    assert "+1 312 555 0100" in html and "Meeting ID 555" in html
    assert "Alcoholics Anonymous" in html and "SMART Recovery" in html
    assert "Open" in html
    assert "5 January 2026" in html  # last confirmed
    assert "Not yet confirmed" in html
    assert "Try several meetings." in html
    assert f'?list={meetings["in_person"].pk}-{meetings["online"].pk}"' in html  # add more, keeping the list
    assert "What to expect" in html
    assert "A facilitator guides a discussion using practical tools." in html
    assert "Members share their experience." in html


def test_it_shows_times_in_the_zone_the_patient_chose(client, meetings):
    response = client.get(list_url(meetings["in_person"]), {"tz": "America/Los_Angeles"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "4:00 PM–5:00 PM P" in html  # PST or PDT
    assert "7:00 PM E" in html  # still with its own local time
    assert '<label for="id_tz">' in html


def test_an_unknown_time_zone_gets_the_form_error_and_400(client, meetings):
    response = client.get(list_url(meetings["in_person"]), {"tz": "Mars/Olympus"})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()


def test_it_badges_and_explains_medication_friendly_and_attendance_verification(client, meetings):
    html = client.get(list_url(meetings["in_person"], meetings["online"])).content.decode()
    assert 'class="type-badge type-badge-attendance-verification">Attendance verification</span>' in html
    assert "Someone can sign an attendance slip for a court, employer or treatment program." in html
    assert 'class="type-badge type-badge-medication-friendly">Medication-friendly</span>' in html
    assert "People taking prescribed medication for addiction treatment are openly welcome." in html


def test_it_filters_the_list_to_meetings_with_a_key_type(client, meetings):
    url = list_url(meetings["in_person"], meetings["online"])
    response = client.get(url, {"verification": "on"})
    names = [entry["meeting"].name for entry in response.context["entries"]]
    assert names == ["Tuesday Hope"]
    assert "1 meeting on this list is hidden" in response.content.decode()
    response = client.get(url, {"medication_friendly": "on"})
    assert [entry["meeting"].name for entry in response.context["entries"]] == ["SMART Online"]
    assert '<input type="checkbox" name="medication_friendly"' in response.content.decode()


def test_remove_links_give_the_list_without_that_meeting(client, meetings):
    first, second = meetings["in_person"], meetings["online"]
    html = client.get(list_url(first, second), {"tz": "UTC"}).content.decode()
    assert f'href="/list/{second.pk}/?tz=UTC"' in html
    assert f'href="/list/{first.pk}/?tz=UTC"' in html


def test_it_offers_a_short_link_a_calendar_file_a_qr_code_and_a_printed_date(client, meetings):
    html = client.get(list_url(meetings["in_person"])).content.decode()
    pk = meetings["in_person"].pk
    assert '<label for="share-link">' in html
    assert f'<input id="share-link" type="url" readonly value="http://testserver/list/{pk}/">' in html
    assert f'href="/list/{pk}/meetings.ics"' in html
    assert '<svg viewBox="0 0' in html and "QR code for this list" in html
    assert 'class="print-only">Printed <time datetime="' in html


def test_a_meeting_that_no_longer_meets_is_shown_as_no_longer_listed(client, meetings):
    gone = make_meeting(name="Old Friday", status=Status.INACTIVE)
    response = client.get(list_url(meetings["in_person"], gone))
    html = response.content.decode()
    assert response.status_code == 200
    assert "No longer listed" in html and "Old Friday" in html
    assert "Tuesday Hope" in html


@pytest.fixture
def deleted(db):
    """A meeting a volunteer deleted: nothing of it may be public, not its name nor its program."""
    meeting = make_meeting(
        name="Deleted Thursday", program=make_program(name="Hidden Program"), location=make_location(name="Safe House")
    )
    meeting.deleted_at = meeting.updated
    meeting.save()
    return meeting


def test_a_meeting_deleted_by_a_volunteer_shows_nothing_of_itself(client, meetings, deleted):
    html = client.get(list_url(meetings["in_person"], deleted)).content.decode()
    assert f"Meeting number {deleted.pk} is no longer listed" in html
    assert "Deleted Thursday" not in html and "Hidden Program" not in html and "Safe House" not in html
    assert "Tuesday Hope" in html


def test_a_list_of_deleted_meetings_only_is_the_same_404_as_unknown_numbers(client, deleted):
    response = client.get(list_url(deleted))
    assert response.status_code == 404
    assert "Deleted Thursday" not in response.content.decode()
    assert client.get(f"/list/{deleted.pk}/meetings.ics").status_code == 404


def test_an_id_that_does_not_exist_is_shown_as_no_longer_listed_beside_the_others(client, meetings):
    response = client.get(list_url(meetings["in_person"], 987654))
    assert response.status_code == 200
    assert "Meeting number 987654 is no longer listed" in response.content.decode()


def test_a_list_of_ids_that_do_not_exist_is_a_clear_404(client):
    response = client.get("/list/987654-987655/")
    assert response.status_code == 404
    assert "None of the meetings on this list are in the directory" in response.content.decode()


@pytest.mark.parametrize(
    "path", ["/list/abc/", "/list/-5/", "/list/12--5/", "/list/12-x-4/", "/list/" + "9" * 10_240 + "/"]
)
def test_a_malformed_list_address_is_a_clear_400(client, path):
    response = client.get(path)
    assert response.status_code == 400
    assert "<h1>This list cannot be shown</h1>" in response.content.decode()


def test_a_list_of_500_meetings_keeps_30_and_says_so(client, meetings):
    ids = [meetings["in_person"].pk, meetings["online"].pk] + list(range(900_000, 900_498))
    response = client.get("/list/" + "-".join(map(str, ids)) + "/")
    assert response.status_code == 200
    assert len(response.context["entries"]) == 30
    assert "A list holds up to 30 meetings; only the first 30 were kept." in response.content.decode()


def test_an_empty_list_says_how_to_add_meetings(client):
    response = client.get(reverse("referrals:list"))
    assert response.status_code == 200
    assert "This list is empty" in response.content.decode()


def test_it_sets_no_cookies_and_has_no_inline_script_or_style(client, meetings):
    response = client.get(list_url(meetings["in_person"], meetings["online"]))
    html = response.content.decode()
    assert not response.cookies
    assert "<script" not in html and "style=" not in html


def test_it_runs_a_fixed_number_of_queries_whatever_the_number_of_meetings(
    client, key_types, django_assert_num_queries
):
    listed = [make_meeting(types=[key_types["friendly"]]) for _ in range(2)]
    client.get(list_url(*listed))  # warms the cached "is this sample data?" check every page makes
    # Meetings with program and location, their types, and the two key types.
    with django_assert_num_queries(3):
        client.get(list_url(*listed))
    listed += [make_meeting(types=[key_types["verification"]]) for _ in range(10)]
    with django_assert_num_queries(3):
        response = client.get(list_url(*listed))
    assert len(response.context["entries"]) == 12


# The calendar file


def test_the_calendar_has_every_listed_meeting_but_not_those_that_no_longer_meet(client, meetings):
    gone = make_meeting(slug="gone", status=Status.INACTIVE)
    ids = [meetings["in_person"].pk, meetings["online"].pk, gone.pk]
    response = client.get(reverse("referrals:calendar", kwargs={"ids": "-".join(map(str, ids))}))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    text = response.content.decode()
    assert text.count("BEGIN:VEVENT") == 2
    assert f"UID:{meetings['online'].slug}@manypaths" in text
    assert "UID:gone@manypaths" not in text


def test_the_calendar_of_a_malformed_list_is_a_400(client):
    assert client.get("/list/abc/meetings.ics").status_code == 400
    assert client.get("/list/987654/meetings.ics").status_code == 404


# The template tags


def render(source, path="/", **params):
    request = RequestFactory().get(path, params)
    return Template("{% load referral_tags %}" + source).render(Context({"request": request, "meeting": MEETING}))


class FakeMeeting:
    pk = 7
    name = "Tuesday Hope"


MEETING = FakeMeeting()


def links(path="/", **params):
    return ListLinks(RequestFactory().get(path, params))


def add_to_list(path="/", **params):
    return render('{% load jinja %}{% jinja_include "referrals/add_to_list.html" %}', path, **params)


def test_the_add_link_keeps_the_visitor_on_the_page_with_the_meeting_added():
    url = links("/", list="3-5", page="2", program="smart").add(MEETING)
    assert url.startswith("/?")
    assert "list=3-5-7" in url and "page=2" in url and "program=smart" in url
    assert "&amp;" in add_to_list("/", list="3-5", page="2")  # escaped for an attribute


def test_the_add_link_starts_a_list_when_there_is_none_or_it_is_malformed():
    assert links("/meetings/x/").add(MEETING) == "/meetings/x/?list=7"
    assert links("/meetings/x/", list="abc").add(MEETING) == "/meetings/x/?list=7"


def test_the_include_offers_to_add_or_shows_the_meeting_is_on_the_list():
    html = add_to_list("/", list="3")
    assert 'href="/?list=3-7"' in html and "Add to referral list" in html
    html = add_to_list("/", list="3-7")
    assert "On your list" in html and 'href="/?list=3"' in html


def test_a_full_list_does_not_offer_to_add():
    full = "-".join(str(n) for n in range(100, 130))
    html = add_to_list("/", list=full)
    assert "Your list is full" in html and "Add to referral list" not in html


def test_the_referral_bar_counts_the_list_and_links_to_it():
    html = render("{% referral_bar %}", "/", list="3-5")
    assert "Your list: 2 meetings" in html
    assert 'href="/list/3-5/"' in html and 'href="/list/3-5/#handout"' in html
    assert render("{% referral_bar %}", "/").strip() == ""


def test_a_list_given_as_m_parameters_redirects_to_the_short_address(client):
    response = client.get("/list/", {"m": ["12", "45"], "tz": "UTC"})
    assert response.status_code == 302
    assert response["Location"] == "/list/12-45/?tz=UTC"
    assert client.get("/list/", {"m": ["12", "-5"]}).status_code == 400


def test_a_real_zone_outside_the_common_list_is_accepted(client):
    # Neither zone has daylight saving time, so the answer is the same all year.
    meeting = make_meeting(timezone="America/Phoenix", start_time=time(19, 0), end_time=time(20, 0))
    response = client.get(list_url(meeting), {"tz": "Asia/Seoul"})
    assert response.status_code == 200
    assert "11:00 AM–12:00 PM KST" in response.content.decode()
