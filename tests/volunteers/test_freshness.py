"""Freshness: "last confirmed" is separate from "last edited", with a queue and a gentle public notice."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.models import Meeting
from tests.factories import make_meeting
from volunteers.freshness import stale_cutoff

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:meetings_meeting_changelist"
STALE_NOTICE = "This listing was last confirmed over a year ago. Please check with the group before you go."


def months_ago(months):
    return timezone.localdate() - datetime.timedelta(days=31 * months)


@pytest.mark.parametrize(
    "today, cutoff",
    [
        (datetime.date(2026, 11, 22), datetime.date(2025, 11, 22)),
        (datetime.date(2024, 2, 29), datetime.date(2023, 2, 28)),
        (datetime.date(2026, 1, 15), datetime.date(2025, 1, 15)),
    ],
)
def test_it_counts_stale_from_twelve_months_back(today, cutoff):
    assert stale_cutoff(today) == cutoff


def test_it_confirms_meetings_in_one_action_without_marking_them_edited(admin_client, admin_user):
    meetings = [make_meeting(last_verified=months_ago(20)), make_meeting()]
    untouched = make_meeting(last_verified=months_ago(20))
    edited = {m.pk: m.updated for m in meetings}

    response = admin_client.post(
        reverse(CHANGELIST), {"action": "confirm_meetings", "_selected_action": [m.pk for m in meetings]}
    )

    assert response.status_code == 302
    for meeting in Meeting.objects.filter(pk__in=edited):
        assert meeting.last_verified == timezone.localdate()
        assert meeting.updated == edited[meeting.pk]
        assert meeting.history.latest().history_user == admin_user
    untouched.refresh_from_db()
    assert untouched.last_verified == months_ago(20)


def test_it_queues_meetings_not_confirmed_for_a_year(editor_client, world):
    Meeting.objects.filter(pk=world.pa_na.pk).update(last_verified=months_ago(13))
    Meeting.objects.filter(pk=world.online_na.pk).update(last_verified=months_ago(2))
    Meeting.objects.filter(pk=world.vic_mara.pk).update(last_verified=months_ago(30))

    response = editor_client.get(reverse(CHANGELIST), {"stale": "yes"})

    assert [m.name for m in response.context["cl"].result_list] == ["Philly NA"]
    assert "Not confirmed for 12 months" in response.content.decode()


def test_it_lets_an_editor_confirm_only_their_own_meetings(editor_client, world):
    editor_client.post(
        reverse(CHANGELIST),
        {"action": "confirm_meetings", "_selected_action": [world.pa_na.pk, world.vic_mara.pk]},
    )

    world.pa_na.refresh_from_db()
    world.vic_mara.refresh_from_db()
    assert world.pa_na.last_verified == timezone.localdate()
    assert world.vic_mara.last_verified is None


@pytest.mark.parametrize("last_verified, notice", [(13, True), (2, False), (None, False)])
def test_it_says_gently_when_a_listing_is_stale(client, last_verified, notice):
    meeting = make_meeting(last_verified=months_ago(last_verified) if last_verified else None)

    html = client.get(meeting.get_absolute_url()).content.decode()

    assert (STALE_NOTICE in html) is notice
    if last_verified:
        assert months_ago(last_verified).strftime("%B %Y") in html


def test_it_confirms_one_meeting_from_its_page(editor_client, world):
    url = reverse("admin:meetings_meeting_change", args=[world.pa_na.pk])
    page = editor_client.get(url)
    form = page.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name != "types"}

    response = editor_client.post(url, data | {"_confirm_listing": "1"})

    assert 'name="_confirm_listing"' in page.content.decode()
    assert response.status_code == 302
    world.pa_na.refresh_from_db()
    assert world.pa_na.last_verified == timezone.localdate()
