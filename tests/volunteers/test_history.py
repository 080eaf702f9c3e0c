"""History: every change to a meeting, venue, group or program, with who and what, and a way back."""

import pytest
from django.urls import reverse

from groups.models import Group, Program
from meetings.models import Location, Meeting
from tests.factories import make_location, make_meeting, make_program

pytestmark = pytest.mark.django_db


def meeting_post(meeting, **overrides):
    data = {
        "program": meeting.program_id,
        "name": meeting.name,
        "slug": meeting.slug,
        "status": meeting.status,
        "weekday": meeting.weekday,
        "start_time": "19:00",
        "end_time": "20:00",
        "timezone": meeting.timezone,
        "attendance": meeting.attendance,
        "location": meeting.location_id,
    }
    return data | overrides


def test_it_records_who_changed_what_from_the_admin(admin_client, admin_user):
    meeting = make_meeting(name="Tuesday Hope")

    admin_client.post(
        reverse("admin:meetings_meeting_change", args=[meeting.pk]), meeting_post(meeting, name="Tuesday Serenity")
    )

    latest = meeting.history.latest()
    assert latest.history_type == "~"
    assert latest.history_user == admin_user
    delta = latest.diff_against(latest.prev_record)
    assert [(c.field, c.old, c.new) for c in delta.changes] == [("name", "Tuesday Hope", "Tuesday Serenity")]


def test_it_shows_the_history_and_reverts_it(admin_client, admin_user):
    meeting = make_meeting(name="Tuesday Hope")
    change = reverse("admin:meetings_meeting_change", args=[meeting.pk])
    admin_client.post(change, meeting_post(meeting, name="Wrong Name"))
    first = meeting.history.earliest()

    history = admin_client.get(reverse("admin:meetings_meeting_history", args=[meeting.pk]))
    revert_url = reverse("admin:meetings_meeting_simple_history", args=[meeting.pk, first.history_id])
    reverted = admin_client.post(revert_url, meeting_post(meeting, name=first.name))

    assert history.status_code == 200
    assert "Wrong Name" in history.content.decode()
    assert admin_user.username in history.content.decode()
    assert reverted.status_code == 302
    meeting.refresh_from_db()
    assert meeting.name == "Tuesday Hope"
    assert meeting.history.count() == 3


def test_it_records_venues_groups_and_programs(admin_client):
    program = make_program()
    location = make_location()
    group = Group.objects.create(program=program, name="Hope", slug="hope")

    location_id = location.pk

    program.name = "Renamed Program"
    program.save()
    location.delete()

    assert Program.history.filter(id=program.pk).count() == 2
    assert Group.history.filter(id=group.pk).count() == 1
    assert [h.history_type for h in Location.history.filter(id=location_id).order_by("history_date")] == ["+", "-"]


def test_it_records_the_types_of_a_meeting(admin_client):
    from tests.factories import make_type

    open_type = make_type(code="open", name="Open")
    meeting = make_meeting(types=[open_type])

    meeting.types.clear()

    records = list(meeting.history.order_by("history_date"))
    assert [list(r.types.values_list("meetingtype__code", flat=True)) for r in records][-1] == []
    assert any(list(r.types.values_list("meetingtype__code", flat=True)) == ["open"] for r in records)


def test_it_deletes_softly_and_restores(admin_client, admin_user, client):
    meeting = make_meeting(name="Tuesday Hope")
    delete_url = reverse("admin:meetings_meeting_delete", args=[meeting.pk])

    confirm = admin_client.get(delete_url)
    deleted = admin_client.post(delete_url, {"post": "yes"})

    assert confirm.status_code == 200
    assert deleted.status_code == 302
    meeting.refresh_from_db()
    assert meeting.deleted_at is not None
    assert meeting.history.latest().history_user == admin_user
    assert client.get(meeting.get_absolute_url()).status_code == 404
    assert not Meeting.objects.listed().exists() and not Meeting.objects.active().exists()
    changelist = reverse("admin:meetings_meeting_changelist")
    assert list(admin_client.get(changelist).context["cl"].result_list) == []
    assert list(admin_client.get(changelist, {"deleted": "yes"}).context["cl"].result_list) == [meeting]

    admin_client.post(changelist + "?deleted=yes", {"action": "restore_meetings", "_selected_action": [meeting.pk]})

    meeting.refresh_from_db()
    assert meeting.deleted_at is None
    assert client.get(meeting.get_absolute_url()).status_code == 200


def test_it_deletes_softly_in_bulk(admin_client):
    meetings = [make_meeting(), make_meeting()]

    admin_client.post(
        reverse("admin:meetings_meeting_changelist"),
        {"action": "delete_selected", "_selected_action": [m.pk for m in meetings], "post": "yes"},
    )

    assert Meeting.objects.count() == 2
    assert not Meeting.objects.listed().exists()


def test_it_lets_an_editor_see_and_undo_a_change_in_scope(editor_client, pa_na_editor, world):
    meeting = world.pa_na
    meeting.name = "Wrong Name"
    meeting.save()
    first = meeting.history.earliest()

    history = editor_client.get(reverse("admin:meetings_meeting_history", args=[meeting.pk]))
    revert_url = reverse("admin:meetings_meeting_simple_history", args=[meeting.pk, first.history_id])
    reverted = editor_client.post(revert_url, meeting_post(meeting, name=first.name))

    assert history.status_code == 200
    assert "Wrong Name" in history.content.decode()
    assert reverted.status_code == 302
    meeting.refresh_from_db()
    assert meeting.name == "Philly NA"
    assert meeting.history.latest().history_user == pa_na_editor


def form_post(form, **overrides):
    """What a browser sends back from this admin form as it was shown, with `overrides`."""
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is not None:
            data[name] = value
    return data | overrides


def test_reverting_the_first_edit_of_a_bulk_created_meeting_brings_back_its_name_and_types(admin_client):
    from io import StringIO

    from django.core.management import call_command

    from meetings.models import MeetingType

    call_command("generate_meetings", "3", "--seed", "5", stdout=StringIO())
    meeting = Meeting.objects.filter(types__isnull=False).distinct().first()
    name, types = meeting.name, set(meeting.types.values_list("pk", flat=True))
    other = MeetingType.objects.exclude(pk__in=types).first()
    change = reverse("admin:meetings_meeting_change", args=[meeting.pk])
    edit_page = admin_client.get(change)
    admin_client.post(change, form_post(edit_page.context["adminform"].form, name="Wrong Name", types=[other.pk]))
    meeting.refresh_from_db()
    assert (meeting.name, list(meeting.types.all())) == ("Wrong Name", [other])

    first = meeting.history.earliest()
    revert = reverse("admin:meetings_meeting_simple_history", args=[meeting.pk, first.history_id])
    revert_page = admin_client.get(revert)
    reverted = admin_client.post(revert, form_post(revert_page.context["adminform"].form))

    assert first.history_type == "+"
    assert reverted.status_code == 302
    meeting.refresh_from_db()
    assert meeting.name == name
    assert set(meeting.types.values_list("pk", flat=True)) == types


def test_an_imported_meeting_has_its_first_version_with_its_types_and_the_feeds_date():
    from pathlib import Path

    from django.conf import settings

    from groups.models import Program
    from interop.sources import feed_import
    from tests.factories import load_reference_data

    load_reference_data()
    feed = Path(settings.BASE_DIR) / "tests" / "interop" / "data" / "example-feed.json"

    report = feed_import(
        data=feed.read_bytes(), format="meeting-guide", source="example", program=Program.objects.get(slug="aa")
    )

    assert report.ok and report.created
    for meeting in Meeting.objects.prefetch_related("types"):
        first = meeting.history.earliest()
        assert (first.history_type, first.history_change_reason) == ("+", "Import from example")
        assert {link.meetingtype_id for link in first.types.all()} == {t.pk for t in meeting.types.all()}
        assert first.updated == meeting.updated


def test_it_shows_a_reviewer_the_revert_form_read_only_and_refuses_their_post(client, world):
    from tests.volunteers.conftest import make_volunteer
    from volunteers.models import Role

    client.force_login(make_volunteer("reviewer", role=Role.REVIEWER, regions=[world.pa], programs=[world.na]))
    meeting = world.pa_na
    meeting.name = "Wrong Name"
    meeting.save()
    url = reverse("admin:meetings_meeting_simple_history", args=[meeting.pk, meeting.history.earliest().history_id])

    page = client.get(url)
    reverted = client.post(url, meeting_post(meeting, name="Philly NA"))

    assert page.status_code == 200
    assert all(field.disabled for field in page.context["adminform"].form.fields.values())
    assert 'value="Revert"' not in page.content.decode()
    assert reverted.status_code == 403
    meeting.refresh_from_db()
    assert meeting.name == "Wrong Name"
    assert meeting.history.count() == 2


def test_it_refuses_an_editor_the_revert_of_a_program(editor_client, world):
    world.na.name = "Narcotics Anonymous (renamed)"
    world.na.save()
    first = world.na.history.earliest()
    url = reverse("admin:groups_program_simple_history", args=[world.na.pk, first.history_id])

    response = editor_client.post(url, {"name": first.name, "short_name": "NA", "slug": "na"})

    assert response.status_code == 403
    world.na.refresh_from_db()
    assert world.na.name == "Narcotics Anonymous (renamed)"


@pytest.mark.parametrize(
    "url_name, args",
    [
        ("admin:meetings_meeting_history", ["not-a-number"]),
        ("admin:meetings_meeting_simple_history", ["not-a-number", "1"]),
        ("admin:meetings_meeting_simple_history", [None, "not-a-number"]),
        ("admin:meetings_location_simple_history", [None, "99999"]),
    ],
)
def test_it_answers_a_malformed_or_unknown_history_address_with_404(admin_client, url_name, args):
    meeting = make_meeting()
    url = reverse(url_name, args=[meeting.pk if arg is None else arg for arg in args])

    assert admin_client.get(url).status_code == 404
    assert admin_client.post(url, {}).status_code == 404
