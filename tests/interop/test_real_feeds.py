"""Real captured feeds (data/real/README.md) import almost whole, idempotently, and round-trip field by field."""

import csv
import io
import json

import pytest
from django.urls import reverse

from interop.sources import feed_import
from interop.tsml_csv import IGNORED_TYPES, _type_lookup, csv_lines
from meetings.models import Meeting
from tests.interop.conftest import DATA
from tests.interop.helpers import feed_json

pytestmark = pytest.mark.django_db

REAL = DATA / "real"
FEEDS = [
    ("quinte-aa-meeting-guide.json", "meeting-guide", "aa", 45),
    ("finger-lakes-na-bmlt.json", "bmlt", "na", 53),
    ("tsml-template.csv", "csv", "aa", 36),
]


def load(name, format, program):
    return feed_import(data=(REAL / name).read_bytes(), format=format, source=name, program=program)


@pytest.mark.parametrize(("name", "format", "program", "records"), FEEDS)
def test_it_accepts_at_least_98_percent_and_a_second_import_changes_nothing(request, name, format, program, records):
    program = request.getfixturevalue(program)

    first = load(name, format, program)
    second = load(name, format, program)

    assert first.ok, first.error
    accepted = len(first.created)
    assert accepted + len(first.rejected) == records
    assert accepted / records >= 0.98, [str(rejection) for rejection in first.rejected]
    assert second.counts() == {
        "created": 0,
        "updated": 0,
        "unchanged": accepted,
        "deactivated": 0,
        "rejected": len(first.rejected),
    }


def test_the_meeting_guide_feed_round_trips_field_by_field(client, aa):
    source = json.loads((REAL / "quinte-aa-meeting-guide.json").read_text(encoding="utf-8"))
    load("quinte-aa-meeting-guide.json", "meeting-guide", aa)

    ours = feed_json(client.get(reverse("interop:feed")))

    def fields(item):
        return (
            item["name"],
            item["day"],
            item["time"],
            item["location"],
            item["address"],
            item["city"],
            tuple(sorted(code for code in item["types"] if code != "ONL")),
        )

    assert sorted(map(fields, ours)) == sorted(map(fields, source))
    assert_same_points(ours, source, key=lambda item: (item["name"], item["day"], item["time"]))
    # No zone and no region in the feed: each meeting is on the clock of where it is.
    assert {item["timezone"] for item in ours} == {"America/Toronto"}


def test_the_bmlt_answer_round_trips_through_our_bmlt_interface(client, na):
    source = json.loads((REAL / "finger-lakes-na-bmlt.json").read_text(encoding="utf-8"))["meetings"]
    load("finger-lakes-na-bmlt.json", "bmlt", na)

    response = client.get(reverse("interop:bmlt"), {"switcher": "GetSearchResults"})
    ours = feed_json(response) if response.streaming else response.json()

    def fields(item):
        return (
            item["meeting_name"],
            item["weekday_tinyint"],
            item["start_time"][:5],
            # A venue needs a name: one without is named by its street, as TSML's importer names it.
            item["location_text"] or item["location_street"],
            item["location_street"],
            item["location_municipality"],
        )

    assert sorted(map(fields, ours)) == sorted(map(fields, source))
    assert_same_points(ours, source, key=lambda item: fields(item)[:4])
    assert {Meeting.objects.get(external_key=item["id_bigint"]).timezone for item in source} == {"America/New_York"}


def test_the_tsml_csv_round_trips_through_our_csv(aa):
    with open(REAL / "tsml-template.csv", newline="", encoding="utf-8-sig") as handle:
        source = list(csv.DictReader(handle))
    load("tsml-template.csv", "csv", aa)

    ours = list(csv.DictReader(io.StringIO("".join(csv_lines(Meeting.objects.all())).lstrip("\ufeff"))))

    lookup = _type_lookup()

    def fields(row):
        # Types by what they mean: the template says "Step Meeting", TSML's alias of Step Study.
        # "Online Meeting" is worked out from the join link, not chosen, by TSML and by us.
        names = [name.strip().lower() for name in row["Types"].split(",")]
        types = sorted(lookup[name] for name in names if name and name not in IGNORED_TYPES)
        return (row["Name"], row["Day"], row["Time"], row["Location"], row["Address"], types)

    assert sorted(map(fields, ours)) == sorted(map(fields, source))


def assert_same_points(ours, source, *, key):
    """Coordinates kept to within a metre or two (feeds are written with five decimals, about a metre)."""
    theirs = {key(item): (float(item["latitude"]), float(item["longitude"])) for item in source}
    for item in ours:
        latitude, longitude = theirs[key(item)]
        assert abs(float(item["latitude"]) - latitude) < 2e-5
        assert abs(float(item["longitude"]) - longitude) < 2e-5
