"""A conference link is a web link (https or http): on the model, in every importer, and wherever Join is shown.

An importer leaves out a link with another scheme and warns, keeping the meeting when people can still come (an
address) or join (a phone); a meeting whose only way in was that link is rejected, since nobody could use it.
"""

import json

import pytest
from django.core.exceptions import ValidationError

from interop.sources import feed_import
from meetings import ical
from meetings.models import Attendance, Meeting
from referrals import lists as referrals
from tests.factories import make_location, make_meeting

pytestmark = pytest.mark.django_db

FTP = "ftp://files.example.org/meeting"
IN_PERSON = {
    "name": "Hall",
    "slug": "hall",
    "day": 1,
    "time": "19:00",
    "timezone": "America/Chicago",
    "formatted_address": "4953 W Addison St, Chicago, IL 60641, USA",
}
ONLINE = {"name": "Online", "slug": "online", "day": 2, "time": "19:00", "timezone": "America/Chicago"}


def run(aa, items, format="meeting-guide"):
    return feed_import(data=json.dumps(items).encode(), format=format, source="s", program=aa)


@pytest.mark.parametrize("url", [FTP, "ftps://files.example.org/x", "javascript:alert(1)", "mailto:a@example.org"])
def test_the_model_refuses_a_link_that_is_not_a_web_link(url):
    meeting = make_meeting(attendance=Attendance.ONLINE)
    meeting.conference_url = url

    with pytest.raises(ValidationError) as raised:
        meeting.full_clean()

    assert "conference_url" in raised.value.message_dict


def test_the_model_takes_web_links():
    meeting = make_meeting(attendance=Attendance.ONLINE)
    for url in ("https://zoom.us/j/1", "http://meet.example.org/room"):
        meeting.conference_url = url
        meeting.full_clean()


def test_an_import_lists_an_in_person_meeting_without_its_ftp_link(aa):
    report = run(aa, [dict(IN_PERSON, conference_url=FTP)])

    assert report.created == ["hall"]
    meeting = Meeting.objects.get()
    assert (meeting.conference_url, meeting.attendance) == ("", Attendance.IN_PERSON)
    assert [str(warning) for warning in report.warnings] == [
        f"record 1 (hall): conference_url {FTP!r} is not a web link (https:// or http://); "
        "the meeting is listed without it."
    ]


def test_an_import_keeps_an_online_meeting_people_can_still_phone_into(aa):
    report = run(aa, [dict(ONLINE, conference_url=FTP, conference_phone="+1 312 555 0100")])

    assert report.created == ["online"]
    meeting = Meeting.objects.get()
    assert (meeting.conference_url, meeting.conference_phone) == ("", "+1 312 555 0100")
    assert len(report.warnings) == 1


def test_an_import_rejects_an_online_meeting_whose_only_way_in_is_not_a_web_link(aa):
    report = run(aa, [IN_PERSON, dict(ONLINE, conference_url=FTP)])

    assert report.created == ["hall"]
    assert [str(rejection) for rejection in report.rejected] == [
        f"record 2 (online): conference_url {FTP!r} is not a web link (https:// or http://), and nothing else "
        "lets people join."
    ]


def test_a_bmlt_import_rejects_a_virtual_meeting_with_only_an_ftp_link(aa):
    item = {
        "id_bigint": "7",
        "weekday_tinyint": "2",
        "start_time": "19:00:00",
        "venue_type": "2",
        "time_zone": "America/Chicago",
        "meeting_name": "Virtual",
        "virtual_meeting_link": FTP,
    }

    report = run(aa, [item], format="bmlt")

    assert "is not a web link" in report.rejected[0].reason
    assert Meeting.objects.count() == 0


def test_a_csv_import_drops_an_ftp_link(aa):
    data = (
        "Name,Day,Time,Address,Timezone,Conference URL,Slug\n"
        f'Hall,Monday,7:00 PM,"4953 W Addison St, Chicago, IL 60641, USA",America/Chicago,{FTP},hall\n'
    )

    report = feed_import(data=data.encode(), format="csv", source="s", program=aa)

    assert report.created == ["hall"]
    assert Meeting.objects.get().conference_url == ""
    assert "is not a web link" in report.warnings[0].reason


@pytest.fixture
def saved_before_the_check():
    """A meeting whose link was saved before only web links were allowed (update() skips validation)."""
    meeting = make_meeting(attendance=Attendance.HYBRID, location=make_location())
    Meeting.objects.filter(pk=meeting.pk).update(conference_url=FTP)
    return Meeting.objects.get(pk=meeting.pk)


def test_no_page_shows_a_join_link_that_is_not_a_web_link(client, saved_before_the_check):
    meeting = saved_before_the_check

    detail = client.get(meeting.get_absolute_url()).content.decode()
    referral = client.get(referrals.list_url([meeting.pk])).content.decode()

    assert FTP not in detail and "Join the meeting" not in detail
    assert FTP not in referral and "Join online" not in referral
    assert FTP not in ical.calendar_for([meeting], now=meeting.updated).decode()


def test_pages_show_a_web_join_link(client):
    meeting = make_meeting(attendance=Attendance.ONLINE, conference_url="https://zoom.us/j/42")

    detail = client.get(meeting.get_absolute_url()).content.decode()
    referral = client.get(referrals.list_url([meeting.pk])).content.decode()

    assert 'href="https://zoom.us/j/42"' in detail and "Join the meeting" in detail
    assert 'href="https://zoom.us/j/42"' in referral
