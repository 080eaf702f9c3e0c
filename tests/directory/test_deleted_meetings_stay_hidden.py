"""A meeting a volunteer deleted shows nothing of itself on any public page, feed or interface."""

import pytest
from django.utils import timezone, translation

from meetings.models import Attendance
from tests.factories import make_location, make_meeting, make_program, make_region

pytestmark = pytest.mark.django_db

NAME, NOTES = "Zebra Crossing Group", "Ring the blue door"


@pytest.fixture
def directory():
    """A listed meeting and a deleted one at the same venue, of the same program, in the same region."""
    region = make_region(name="Lancaster", slug="lancaster")
    program = make_program(name="Narcotics Anonymous", slug="na", audience="recovery")
    venue = make_location(name="Grace Hall", region=region)
    listed = make_meeting(name="Open Door", program=program, location=venue)
    deleted = make_meeting(name=NAME, notes=NOTES, program=program, location=venue)
    online = make_meeting(name=f"{NAME} Online", program=program, attendance=Attendance.ONLINE)
    for meeting in (deleted, online):
        meeting.deleted_at = timezone.now()
        meeting.save()
    return {"listed": listed, "deleted": deleted, "online": online, "program": program, "region": region}


@pytest.fixture(autouse=True)
def _no_language_left_behind():
    yield
    translation.deactivate()


def public_paths(d):
    deleted, listed, program = d["deleted"], d["listed"], d["program"]
    bmlt = "/client_interface/json/?switcher=GetSearchResults"
    return [
        "/",
        "/meetings/?sort=day",
        "/meetings/?q=Crossing",
        "/es/meetings/?q=Crossing",
        "/api/meetings?q=Crossing",
        "/api/meetings?sort=day",
        listed.get_absolute_url(),  # "also at this place"
        program.get_absolute_url(),
        "/programs/finder/?who=self&attendance=either",
        "/programs/compare/",
        "/meetings.json",
        f"/programs/{program.slug}/meetings.json",
        f"/regions/{d['region'].slug}/meetings.json",
        bmlt,
        f"{bmlt}&SearchString=Crossing",
        f"{bmlt}&meeting_ids={deleted.pk},{d['online'].pk}",
        f"/list/{listed.pk}-{deleted.pk}-{d['online'].pk}/",
        f"/list/{listed.pk}-{deleted.pk}-{d['online'].pk}/meetings.ics",
        f"/meetings/{listed.slug}/suggest/",
    ]


def test_no_public_page_shows_anything_of_a_deleted_meeting(client, directory):
    for path in public_paths(directory):
        response = client.get(path)
        content = b"".join(response.streaming_content) if response.streaming else response.content
        text = content.decode()
        assert response.status_code == 200, path
        assert "Zebra" not in text and NOTES not in text and directory["deleted"].slug not in text, path


@pytest.mark.parametrize("page", ["", "calendar.ics", "suggest/"])
def test_a_deleted_meetings_own_pages_are_not_found(client, directory, page):
    for meeting in (directory["deleted"], directory["online"]):
        assert client.get(f"{meeting.get_absolute_url()}{page}").status_code == 404
