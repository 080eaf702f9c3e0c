"""A venue that meetings outside an editor's scope use is read-only to that editor; one only they use is theirs."""

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.models import Location
from tests.factories import make_location, make_meeting
from tests.volunteers.conftest import make_volunteer
from tests.volunteers.test_scopes import meeting_post
from volunteers.models import Role
from volunteers.scope import Scope, scope_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared_hall(world):
    """Philly Hall: Philly NA meets there, and so does a MARA meeting."""
    make_meeting(program=world.mara, name="MARA at Philly Hall", location=world.philly_hall)
    return world.philly_hall


@pytest.fixture
def na_editor(world):
    return make_volunteer("na-world", programs=[world.na])


def location_post(location, **overrides):
    data = {
        "name": location.name,
        "address": location.address,
        "city": location.city,
        "timezone": location.timezone,
        "region": location.region_id or "",
        "meetings-TOTAL_FORMS": "0",
        "meetings-INITIAL_FORMS": "0",
        "meetings-MIN_NUM_FORMS": "0",
        "meetings-MAX_NUM_FORMS": "0",
    }
    return data | overrides


def change_url(location):
    return reverse("admin:meetings_location_change", args=[location.pk])


def editable(user, *locations):
    ids = [location.pk for location in locations]
    return set(scope_for(user).editable_locations(Location.objects.filter(pk__in=ids)))


def test_it_makes_a_shared_venue_read_only_to_a_program_editor(na_editor, shared_hall, world):
    unused = make_location(name="Unused Hall")
    na_only = world.vic_na.location

    assert set(scope_for(na_editor).locations(Location.objects.filter(pk=shared_hall.pk))) == {shared_hall}
    assert editable(na_editor, shared_hall, unused, na_only, world.vic_hall) == {unused, na_only}


def test_it_counts_deleted_meetings_of_other_programs(na_editor, world):
    hall = world.vic_na.location
    mara = make_meeting(program=world.mara, name="Closed MARA", location=hall)
    mara.deleted_at = timezone.now()
    mara.save()

    assert editable(na_editor, hall) == set()


def test_it_applies_the_rule_to_a_region_editor_with_a_program(pa_na_editor, shared_hall, world):
    mara_only = world.pa_mara.location
    unused = make_location(name="Unused Philly Hall", region=world.philly)
    na_only = make_location(name="NA Philly Hall", region=world.philly)
    make_meeting(program=world.na, location=na_only)

    assert editable(pa_na_editor, shared_hall, mara_only, unused, na_only) == {unused, na_only}


def test_it_lets_a_region_editor_without_programs_edit_any_venue_in_the_region(shared_hall, world):
    pa_editor = make_volunteer("pa-all", regions=[world.pa])

    assert editable(pa_editor, shared_hall, world.pa_mara.location, world.vic_hall) == {
        shared_hall,
        world.pa_mara.location,
    }


def test_it_lets_a_reviewer_edit_no_venue_and_an_administrator_every_one(shared_hall, world):
    reviewer = Scope(can_edit=False, program_ids=frozenset({world.na.pk}))
    administrator = Scope(everything=True, can_edit=True)

    assert reviewer.locations(Location.objects.all()).exists()
    assert not reviewer.editable_locations(Location.objects.all()).exists()
    assert set(administrator.editable_locations(Location.objects.all())) == set(Location.objects.all())


def test_it_shows_a_shared_venue_read_only_with_only_the_editors_meetings(client, na_editor, shared_hall):
    client.force_login(na_editor)

    page = client.get(change_url(shared_hall))

    assert page.status_code == 200
    assert not page.context["has_change_permission"]
    assert not page.context["has_delete_permission"]
    inline = page.context["inline_admin_formsets"][0]
    assert [form.instance.name for form in inline.formset.forms] == ["Philly NA"]


@pytest.mark.parametrize("user", ["na_editor", "pa_na_editor"])
def test_it_refuses_changing_moving_or_deleting_a_shared_venue(client, request, user, shared_hall, world):
    client.force_login(request.getfixturevalue(user))
    first = shared_hall.history.earliest()
    revert_url = reverse("admin:meetings_location_simple_history", args=[shared_hall.pk, first.history_id])
    delete_url = reverse("admin:meetings_location_delete", args=[shared_hall.pk])
    moved = location_post(shared_hall, name="NA Hall", region=world.victoria.pk)

    changed = client.post(change_url(shared_hall), moved)
    reverted = client.post(revert_url, moved)
    delete_page = client.get(delete_url)
    deleted = client.post(delete_url, {"post": "yes"})

    assert [changed.status_code, reverted.status_code, delete_page.status_code, deleted.status_code] == [403] * 4
    shared_hall.refresh_from_db()
    assert (shared_hall.name, shared_hall.region) == ("Philly Hall", world.philly)
    assert shared_hall.history.count() == 1


def test_it_lets_the_editor_attach_their_meeting_to_a_shared_venue(client, na_editor, shared_hall, world):
    client.force_login(na_editor)
    params = {"app_label": "meetings", "model_name": "meeting", "field_name": "location", "term": "Philly"}

    choices = client.get(reverse("admin:autocomplete"), params).json()["results"]
    response = client.post(
        reverse("admin:meetings_meeting_change", args=[world.vic_na.pk]),
        meeting_post(world.vic_na, location=shared_hall.pk, timezone="America/New_York"),
    )

    assert str(shared_hall.pk) in {row["id"] for row in choices}
    assert response.status_code == 302
    world.vic_na.refresh_from_db()
    assert world.vic_na.location == shared_hall


def test_it_lets_the_editor_change_and_move_a_venue_only_their_meetings_use(client, na_editor, world):
    client.force_login(na_editor)
    hall = world.vic_na.location

    response = client.post(change_url(hall), location_post(hall, name="Fitzroy Annex", region=world.philly.pk))

    assert response.status_code == 302
    hall.refresh_from_db()
    assert (hall.name, hall.region) == ("Fitzroy Annex", world.philly)


def test_it_lets_the_editor_delete_a_venue_no_meeting_uses(client, na_editor):
    client.force_login(na_editor)
    unused = make_location(name="Unused Hall")

    response = client.post(reverse("admin:meetings_location_delete", args=[unused.pk]), {"post": "yes"})

    assert response.status_code == 302
    assert not Location.objects.filter(pk=unused.pk).exists()


def test_it_refuses_a_shared_venue_in_a_bulk_delete(client, na_editor, shared_hall):
    client.force_login(na_editor)
    unused = make_location(name="Unused Hall")

    response = client.post(
        reverse("admin:meetings_location_changelist"),
        {"action": "delete_selected", "_selected_action": [shared_hall.pk, unused.pk], "post": "yes"},
    )

    # Django's "cannot delete" page: the hall is theirs to see, not to delete (and its meetings protect it).
    assert response.status_code == 200
    assert "location" in response.context["perms_lacking"]
    assert Location.objects.filter(pk__in=[shared_hall.pk, unused.pk]).count() == 2


def test_it_leaves_a_reviewer_read_only_on_a_venue_only_their_program_uses(client, world):
    client.force_login(make_volunteer("na-reviewer", role=Role.REVIEWER, programs=[world.na]))
    hall = world.vic_na.location

    page = client.get(change_url(hall))
    response = client.post(change_url(hall), location_post(hall, name="Changed"))

    assert page.status_code == 200 and not page.context["has_change_permission"]
    assert response.status_code == 403
    hall.refresh_from_db()
    assert hall.name == "Fitzroy Hall"
