"""GetFormats: the formats some meeting has, found with one query whatever the number of meetings."""

import pytest
from django.urls import reverse

from meetings.models import MeetingType
from tests.factories import make_meeting, make_program

pytestmark = pytest.mark.django_db


def formats(client, **params):
    response = client.get(reverse("interop:bmlt"), {"switcher": "GetFormats", **params})
    assert response.status_code == 200, response.content
    return response.json()


def test_it_lists_the_formats_meetings_have_in_a_fixed_number_of_queries(
    client, reference_data, django_assert_num_queries
):
    program = make_program()
    open_type, women, spanish = (MeetingType.objects.get(code=code) for code in ("open", "women", "spanish"))
    make_meeting(program=program, types=[open_type])
    with django_assert_num_queries(2):  # the types, then which of them a meeting has
        assert [entry["key_string"] for entry in formats(client)] == ["O"]

    for _ in range(10):
        make_meeting(program=program, types=[open_type, women])
    make_meeting(program=program, types=[spanish])
    with django_assert_num_queries(2):
        listed = formats(client)

    assert [entry["id"] for entry in listed] == [str(pk) for pk in sorted([open_type.pk, women.pk, spanish.pk])]
    assert len(formats(client, show_all="1")) == MeetingType.objects.count()


def test_it_forgets_a_format_when_its_last_meeting_drops_it(client, reference_data):
    meeting = make_meeting(program=make_program(), types=[MeetingType.objects.get(code="women")])
    assert [entry["key_string"] for entry in formats(client)] == ["W"]

    meeting.types.clear()

    assert formats(client) == []
