"""Scoped roles: an editor sees and edits only their regions' and programs' meetings, venues and groups."""

import pytest
from django.urls import reverse

from groups.models import Group
from meetings.models import Meeting
from tests.factories import make_meeting
from tests.volunteers.conftest import make_volunteer
from volunteers.models import Role, VolunteerScope

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:meetings_meeting_changelist"


def change_url(meeting):
    return reverse("admin:meetings_meeting_change", args=[meeting.pk])


def listed_names(client, url_name=CHANGELIST, **params):
    response = client.get(reverse(url_name), params)
    assert response.status_code == 200
    return {str(obj) for obj in response.context["cl"].result_list}


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
        "location": meeting.location_id or "",
        "conference_url": meeting.conference_url,
    }
    data.update(overrides)
    return data


def test_it_lists_only_the_meetings_in_the_editors_regions_and_programs(editor_client, world):
    # Online NA is in scope by its program; nothing in Victoria, nothing of MARA.
    assert listed_names(editor_client) == {"Philly NA", "Online NA"}


def test_it_refuses_an_out_of_scope_meeting_by_url(editor_client, world):
    response = editor_client.get(change_url(world.vic_mara))

    assert response.status_code in (403, 404)
    assert "Melbourne MARA" not in response.content.decode()


def test_it_refuses_a_forged_post_for_an_out_of_scope_meeting(editor_client, world):
    response = editor_client.post(change_url(world.vic_mara), meeting_post(world.vic_mara, name="Hijacked"))

    assert response.status_code in (403, 404)
    world.vic_mara.refresh_from_db()
    assert world.vic_mara.name == "Melbourne MARA"


def test_it_refuses_a_forged_delete_of_an_out_of_scope_meeting(editor_client, world):
    url = reverse("admin:meetings_meeting_delete", args=[world.vic_mara.pk])

    response = editor_client.post(url, {"post": "yes"})

    assert response.status_code in (403, 404)
    world.vic_mara.refresh_from_db()
    assert world.vic_mara.deleted_at is None


def test_it_refuses_an_out_of_scope_meetings_history(editor_client, world):
    response = editor_client.get(reverse("admin:meetings_meeting_history", args=[world.vic_mara.pk]))

    assert response.status_code in (403, 404)


def test_it_lets_the_editor_change_a_meeting_in_scope(editor_client, world):
    response = editor_client.post(change_url(world.pa_na), meeting_post(world.pa_na, name="Philly NA Tuesday"))

    assert response.status_code == 302
    world.pa_na.refresh_from_db()
    assert world.pa_na.name == "Philly NA Tuesday"


def test_it_refuses_moving_a_meeting_out_of_scope(editor_client, world):
    response = editor_client.post(
        change_url(world.pa_na), meeting_post(world.pa_na, location=world.vic_hall.pk, program=world.mara.pk)
    )

    assert response.status_code == 200
    assert set(response.context["adminform"].form.errors) == {"location", "program"}
    world.pa_na.refresh_from_db()
    assert (world.pa_na.location, world.pa_na.program) == (world.philly_hall, world.na)


def test_it_refuses_adding_a_meeting_out_of_scope(editor_client, world):
    before = Meeting.objects.count()
    data = meeting_post(world.vic_mara, slug="forged-new", name="Forged")

    response = editor_client.post(reverse("admin:meetings_meeting_add"), data)

    assert response.status_code == 200
    assert set(response.context["adminform"].form.errors) == {"location", "program"}
    assert Meeting.objects.count() == before


def test_it_offers_only_in_scope_choices_in_the_pickers(editor_client, world):
    url = reverse("admin:autocomplete")
    params = {"app_label": "meetings", "model_name": "meeting", "term": ""}

    locations = editor_client.get(url, params | {"field_name": "location"}).json()["results"]
    programs = editor_client.get(url, params | {"field_name": "program"}).json()["results"]

    assert "Fitzroy Hall" not in {row["text"] for row in locations}
    assert "Philly Hall" in {row["text"] for row in locations}
    assert [row["text"] for row in programs] == ["Narcotics Anonymous"]


def test_it_scopes_venues_and_groups(editor_client, world):
    Group.objects.create(program=world.na, name="Philly Hope", slug="hope", region=world.philly)
    Group.objects.create(program=world.na, name="Melbourne Hope", slug="hope-vic", region=world.victoria)
    Group.objects.create(program=world.mara, name="Philly MARA Group", slug="mara", region=world.philly)

    locations = listed_names(editor_client, "admin:meetings_location_changelist")
    groups = listed_names(editor_client, "admin:groups_group_changelist")

    assert "Fitzroy Hall" not in locations and "Philly Hall" in locations
    assert groups == {"Philly Hope"}
    vic_hall = reverse("admin:meetings_location_change", args=[world.vic_hall.pk])
    assert editor_client.post(vic_hall, {"name": "Hijacked", "timezone": "UTC"}).status_code in (403, 404)


def test_it_includes_everything_under_a_region(client, world):
    client.force_login(make_volunteer("us-all", regions=[world.us]))

    assert listed_names(client) == {"Philly NA", "Philly MARA"}


def test_it_scopes_by_program_alone_worldwide(client, world):
    client.force_login(make_volunteer("mara-world", programs=[world.mara]))

    assert listed_names(client) == {"Philly MARA", "Melbourne MARA", "Online MARA"}


def test_it_gives_a_reviewer_read_only_access(client, world):
    reviewer = make_volunteer("reviewer", role=Role.REVIEWER, regions=[world.pa], programs=[world.na])
    client.force_login(reviewer)

    page = client.get(change_url(world.pa_na))
    forged = client.post(change_url(world.pa_na), meeting_post(world.pa_na, name="Changed"))

    assert page.status_code == 200
    assert not page.context["has_change_permission"]
    assert forged.status_code == 403
    assert client.get(reverse("admin:meetings_meeting_add")).status_code == 403
    world.pa_na.refresh_from_db()
    assert world.pa_na.name == "Philly NA"


def test_it_gives_staff_without_a_scope_nothing(client, world):
    from django.contrib.auth.models import User

    client.force_login(User.objects.create_user("nobody", password="x" * 20, is_staff=True))

    assert client.get(reverse(CHANGELIST)).status_code == 403
    assert client.get(change_url(world.pa_na)).status_code in (403, 404)


def test_it_keeps_editors_from_widening_their_own_scope(editor_client, pa_na_editor, world):
    scope = pa_na_editor.volunteer_scope
    scope_url = reverse("admin:volunteers_volunteerscope_change", args=[scope.pk])
    user_url = reverse("admin:auth_user_change", args=[pa_na_editor.pk])

    forged = editor_client.post(scope_url, {"user": pa_na_editor.pk, "role": "editor", "regions": [world.victoria.pk]})

    assert editor_client.get(reverse("admin:volunteers_volunteerscope_changelist")).status_code == 403
    assert forged.status_code == 403
    assert editor_client.post(user_url, {"is_superuser": "on"}).status_code == 403
    assert list(VolunteerScope.objects.get(pk=scope.pk).regions.all()) == [world.pa]
    pa_na_editor.refresh_from_db()
    assert not pa_na_editor.is_superuser


def test_it_lets_a_site_administrator_grant_a_scope(admin_client, world):
    from django.contrib.auth.models import User

    volunteer = User.objects.create_user("new", password="x" * 20, is_staff=True)

    response = admin_client.post(
        reverse("admin:volunteers_volunteerscope_add"),
        {"user": volunteer.pk, "role": "editor", "regions": [world.victoria.pk], "programs": [world.mara.pk]},
    )

    assert response.status_code == 302
    assert volunteer.volunteer_scope.regions.get() == world.victoria


def test_it_lets_the_editor_change_a_venue_only_their_meetings_use(editor_client, world):
    # A hall that another program's meetings also use is read-only to them: test_shared_venues.py.
    hall = world.philly_hall

    response = editor_client.post(
        reverse("admin:meetings_location_change", args=[hall.pk]),
        {
            "name": "Philly Hall (basement)",
            "address": hall.address,
            "city": hall.city,
            "timezone": hall.timezone,
            "region": world.philly.pk,
            "meetings-TOTAL_FORMS": "0",
            "meetings-INITIAL_FORMS": "0",
            "meetings-MIN_NUM_FORMS": "0",
            "meetings-MAX_NUM_FORMS": "0",
        },
    )

    assert response.status_code == 302
    hall.refresh_from_db()
    assert hall.name == "Philly Hall (basement)"


def test_it_offers_only_in_scope_regions_in_the_filter(editor_client, world):
    response = editor_client.get(reverse(CHANGELIST))

    html = response.content.decode()
    assert f"?region={world.philly.pk}" in html
    assert f"?region={world.victoria.pk}" not in html


def test_it_lists_an_editors_meetings_in_a_fixed_number_of_queries(editor_client, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import make_location

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert editor_client.get(reverse(CHANGELIST)).status_code == 200
        return len(queries)

    count()  # Warm the session and site-wide caches.
    few = count()
    for n in range(10):
        make_meeting(program=world.na, name=f"Row {n}", location=make_location(region=world.philly))
    many = count()

    assert len(listed_names(editor_client)) == 12
    assert many == few
