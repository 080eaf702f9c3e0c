"""A type code read as its program means it: Al-Anon's Y is Alateen, AA's Y is Young People."""

import json

import pytest

from groups.models import Program
from interop.importing import program_type_codes
from interop.sources import feed_import
from meetings.models import Meeting, MeetingType

pytestmark = pytest.mark.django_db

FEED = [
    {
        "name": "Courage to Change",
        "slug": "courage-to-change",
        "day": 3,
        "time": "19:00",
        "timezone": "America/New_York",
        "types": ["Y", "O"],
        "conference_url": "https://zoom.us/j/123456789",
    }
]
CSV = (
    "Time,Day,Name,Location,Address,City,State,Postal Code,Country,Types,Timezone,Conference URL\n"
    '7:00 PM,Wednesday,Courage to Change,,,,,,,"Young People, Open",America/New_York,https://zoom.us/j/123456789\n'
)


@pytest.mark.parametrize(("format", "data"), [("meeting-guide", json.dumps(FEED).encode()), ("csv", CSV.encode())])
def test_al_anons_y_is_alateen_and_aas_is_young_people(reference_data, format, data):
    for slug in ("al-anon", "aa"):
        program = Program.objects.get(slug=slug)
        report = feed_import(data=data, format=format, source=f"{slug}-{format}", program=program)
        assert report.ok, report
    codes = {
        meeting.program.slug: {t.code for t in meeting.types.all()}
        for meeting in Meeting.objects.select_related("program")
    }
    assert codes == {"al-anon": {"alateen", "open"}, "aa": {"young-people", "open"}}


def test_only_al_anon_reads_codes_its_own_way():
    assert program_type_codes(["young-people", "open"], "al-anon") == ["alateen", "open"]
    assert program_type_codes(["young-people", "open"], "aa") == ["young-people", "open"]
    assert program_type_codes(["young-people"], "nar-anon") == ["young-people"]


def test_al_anons_own_feed_names_alateen_y_and_the_whole_feed_does_not(client, reference_data):
    from tests.factories import make_meeting

    al_anon = Program.objects.get(slug="al-anon")
    alateen, young = (MeetingType.objects.get(code=code) for code in ("alateen", "young-people"))
    make_meeting(program=al_anon, name="Courage Alateen", types=[alateen])
    make_meeting(program=Program.objects.get(slug="aa"), name="Young and Sober", types=[young])
    own = json.loads(b"".join(client.get("/programs/al-anon/meetings.json").streaming_content))
    assert [(item["name"], item["types"]) for item in own] == [("Courage Alateen", ["Y"])]
    whole = {
        item["name"]: item["types"] for item in json.loads(b"".join(client.get("/meetings.json").streaming_content))
    }
    assert whole == {"Courage Alateen": [], "Young and Sober": ["Y"]}
