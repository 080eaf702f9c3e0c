"""A re-import passes over the items it wrote before from the same bytes, and still notices every change."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from groups.models import Group
from interop import importing
from interop.sources import feed_import
from meetings.models import Location, Meeting, Region, Status
from tests.interop.conftest import DATA

pytestmark = pytest.mark.django_db


def item(n, **changes):
    return {
        "name": f"Meeting {n}",
        "slug": f"m{n}",
        "day": n % 7,
        "time": "19:00",
        "timezone": "America/Chicago",
        "location": f"Hall {n}",
        "formatted_address": f"{100 + n} W Addison St, Chicago, IL 60641, USA",
        "region": "Chicago",
        "group": f"Group {n}",
        "types": ["O", "D"],
        "notes": "Side door.",
        **changes,
    }


def run(program, items, **options):
    return feed_import(data=json.dumps(items).encode(), format="meeting-guide", source="s", program=program, **options)


@pytest.fixture
def applied(monkeypatch):
    """The external keys of the records the import read and compared, in order."""
    keys = []
    apply = importing._Writer.apply

    def counting(self, record):
        keys.append(record.external_key)
        return apply(self, record)

    monkeypatch.setattr(importing._Writer, "apply", counting)
    return keys


def history_counts():
    return {m.external_key: m.history.count() for m in Meeting.objects.all()}


def test_an_unchanged_record_of_a_changed_feed_is_not_read_written_or_recorded(aa, applied):
    feed = [item(n) for n in range(6)]
    run(aa, feed)
    before = {m.external_key: (m.updated, m.source_digest) for m in Meeting.objects.all()}
    histories = history_counts()
    applied.clear()

    feed[2] = item(2, notes="Front door now.")
    report = run(aa, feed)

    assert report.counts() == {"created": 0, "updated": 1, "unchanged": 5, "deactivated": 0, "rejected": 0}
    assert report.updated == ["m2"]
    assert applied == ["m2"]
    after = {m.external_key: (m.updated, m.source_digest) for m in Meeting.objects.all()}
    assert {key for key in after if after[key] != before[key]} == {"m2"}
    assert history_counts() == {**histories, "m2": histories["m2"] + 1}
    changed = Meeting.objects.get(external_key="m2")
    assert changed.notes == "Front door now."
    assert changed.history.first().notes == "Front door now."
    assert changed.history.first().history_change_reason == "Import from s"


def test_the_queries_for_a_changed_feed_grow_neither_with_its_unchanged_records_nor_with_its_changes(aa):
    counts = []
    for size, changes in ((5, 1), (40, 1), (40, 4)):
        Meeting.objects.all().delete()
        feed = [item(n) for n in range(size)]
        run(aa, feed)
        for n in range(changes):
            feed[n * 3] = item(n * 3, notes="Changed.")
        with CaptureQueriesContext(connection) as queries:
            report = run(aa, feed)
        assert report.counts()["updated"] == changes
        assert report.counts()["unchanged"] == size - changes
        counts.append(len(queries))
    # Type codes (for the digests and again for the writer), the digests, the reader's type map, a savepoint and
    # its release, the source's meetings in a few columns, their venues, the changed records' meetings and types,
    # their groups and region, their zones' offsets, then one update, the feed's "updated" stamps, the history
    # rows and the history's types.
    assert counts == [18, 18, 18]


CHANGES = {
    "name": {"name": "Renamed"},
    "day": {"day": 6},
    "time": {"time": "07:30"},
    "end time": {"end_time": "20:30"},
    "types": {"types": ["C", "D"]},
    "group": {"group": "Another Group"},
    "online link": {"conference_url": "https://zoom.us/j/123456789"},
    "address": {"formatted_address": "9 N State St, Chicago, IL 60602, USA"},
    "venue name": {"location": "Parish Hall"},
    "time zone": {"timezone": "America/New_York"},
}


@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
def test_a_change_in_any_field_that_matters_is_read_and_written(aa, applied, change):
    feed = [item(1), item(2)]
    run(aa, feed)
    applied.clear()

    report = run(aa, [item(1), item(2, **change)])

    assert report.updated == ["m2"]
    assert applied == ["m2"]
    again = run(aa, [item(1), item(2, **change)])
    assert again.counts()["unchanged"] == 2
    assert applied == ["m2"]  # the second time the changed item is known too


def test_a_change_of_the_sources_region_reads_every_item_again(aa, applied):
    region = Region.objects.create(name="Chicagoland", slug="chicagoland", timezone="America/Chicago")
    feed = [item(1, region=""), item(2, region="")]
    run(aa, feed)
    applied.clear()

    run(aa, feed, parent_region=region)

    assert applied == ["m1", "m2"]


def test_a_meeting_edited_by_hand_is_compared_with_its_feed_again(aa, applied):
    feed = [item(1), item(2)]
    run(aa, feed)
    meeting = Meeting.objects.get(external_key="m1")
    meeting.notes = "Edited by a volunteer."
    meeting.save()
    applied.clear()

    report = run(aa, feed)

    assert applied == ["m1"]
    assert report.updated == ["m1"]
    assert Meeting.objects.get(external_key="m1").notes == "Side door."
    assert Meeting.objects.get(external_key="m1").source_digest != ""


def test_a_venue_changed_outside_the_import_or_a_deleted_group_is_put_back(aa, applied):
    feed = [item(1), item(2)]
    run(aa, feed)
    venue = Location.objects.get(name="Hall 1")
    venue.latitude, venue.longitude = 10.0, 10.0
    venue.save()
    Group.objects.filter(name="Group 2").delete()
    applied.clear()

    run(aa, feed)

    assert sorted(applied) == ["m1", "m2"]
    assert Location.objects.get(name="Hall 1").latitude != 10.0
    assert Meeting.objects.get(external_key="m2").group.name == "Group 2"


def test_a_day_array_item_is_known_only_while_all_its_meetings_are_as_written(aa, applied):
    feed = [item(1, day=[1, 3])]
    run(aa, feed)
    assert sorted(Meeting.objects.values_list("external_key", flat=True)) == ["m1-1", "m1-3"]
    applied.clear()

    assert run(aa, feed).counts()["unchanged"] == 2
    assert applied == []

    Meeting.objects.get(external_key="m1-3").save()  # any save but the import's
    report = run(aa, feed)

    assert report.counts()["unchanged"] == 2
    assert applied == ["m1-1", "m1-3"]
    run(aa, feed)
    assert applied == ["m1-1", "m1-3"]  # known again


def test_warnings_and_rejections_are_reported_at_every_import(aa):
    feed = [item(1), item(2, name=""), item(3, time="25:99"), item(1, notes="A repeat of m1's slug.")]

    first = run(aa, feed)
    second = run(aa, feed)

    assert [str(w) for w in second.warnings] == [str(w) for w in first.warnings] != []
    assert [str(r) for r in second.rejected] == [str(r) for r in first.rejected]
    assert [r.key for r in second.rejected] == ["m3", "m1"]
    assert second.counts()["unchanged"] == 2
    assert Meeting.objects.get(external_key="m2").source_digest == ""


def test_a_known_item_after_a_new_one_with_its_key_is_refused_as_a_repeat(aa):
    run(aa, [item(1)])

    report = run(aa, [item(1, notes="A new item with m1's slug."), item(1)])

    assert report.updated == ["m1"]
    assert [(r.position, r.key) for r in report.rejected] == [(2, "m1")]
    assert Meeting.objects.get(external_key="m1").notes == "A new item with m1's slug."


def test_the_first_record_at_a_venue_still_decides_it_when_a_later_one_changes(aa, applied):
    shared = {"location": "Hall", "formatted_address": "4953 W Addison St, Chicago, IL 60641, USA"}
    feed = [item(1, location_notes="Basement.", **shared), item(2, location_notes="Upstairs.", **shared)]
    run(aa, feed)
    assert Location.objects.get().notes == "Basement."
    applied.clear()

    feed[1] = item(2, location_notes="Upstairs.", notes="Changed.", **shared)
    report = run(aa, feed)

    assert report.updated == ["m2"]
    assert applied == ["m1", "m2"]  # m1 is read again: it shares the venue
    assert Location.objects.get().notes == "Basement."


def test_a_missing_item_is_marked_inactive_and_listed_again_when_it_returns(aa):
    feed = [item(1), item(2)]
    run(aa, feed)

    gone = run(aa, [item(1)])
    assert gone.deactivated == ["m2"]
    assert Meeting.objects.get(external_key="m2").status == Status.INACTIVE
    back = run(aa, feed)

    assert back.updated == ["m2"]
    assert back.counts()["unchanged"] == 1
    assert Meeting.objects.get(external_key="m2").status == Status.ACTIVE


def test_a_first_import_after_the_digests_came_stores_them_without_a_version(aa, applied):
    feed = [item(1), item(2)]
    run(aa, feed)
    histories = history_counts()
    Meeting.objects.update(source_digest="")  # meetings imported before the field existed

    report = run(aa, feed)

    assert report.counts()["unchanged"] == 2
    assert history_counts() == histories
    assert "" not in set(Meeting.objects.values_list("source_digest", flat=True))
    applied.clear()
    run(aa, feed)
    assert applied == []


REAL = [
    ("quinte-aa-meeting-guide.json", "meeting-guide", "aa"),
    ("finger-lakes-na-bmlt.json", "bmlt", "na"),
    ("tsml-template.csv", "csv", "aa"),
]


@pytest.mark.parametrize(("name", "format", "program"), REAL)
def test_a_real_feed_imported_again_is_not_read_again(request, applied, name, format, program):
    program = request.getfixturevalue(program)
    data = (DATA / "real" / name).read_bytes()
    first = feed_import(data=data, format=format, source=name, program=program)
    warned = {w.position for w in (*first.warnings, *first.rejected)}
    read_first = len(applied)
    applied.clear()

    second = feed_import(data=data, format=format, source=name, program=program)

    assert second.counts() == {**first.counts(), "created": 0, "unchanged": len(first.created)}
    assert [str(w) for w in second.warnings] == [str(w) for w in first.warnings]
    # Only items with a warning or rejection (reported every time) or sharing a venue with one are read again.
    assert len(applied) < read_first or warned
    digests = Meeting.objects.exclude(source_digest="").count()
    assert digests >= Meeting.objects.count() - len(warned) * 7


def test_a_changed_meeting_keeps_the_feeds_updated_stamp_or_gets_the_time_of_the_import(aa):
    run(aa, [item(1, updated="2026-01-02 03:04:05"), item(2)])
    before = Meeting.objects.get(external_key="m2").updated

    run(aa, [item(1, updated="2026-03-04 05:06:07", notes="New."), item(2, notes="New.")])

    assert Meeting.objects.get(external_key="m1").updated.isoformat() == "2026-03-04T05:06:07+00:00"
    assert Meeting.objects.get(external_key="m2").updated > before
    assert Meeting.objects.get(external_key="m1").history.first().history_type == "~"


def test_a_changed_time_moves_the_meetings_clock(aa):
    run(aa, [item(1)])
    start = Meeting.objects.get().utc_start

    run(aa, [item(1, time="20:00")])

    assert Meeting.objects.get().utc_start == start + 60


def test_a_venue_a_volunteer_took_over_is_compared_again_as_before_the_digests(aa, applied):
    feed = [item(1)]
    run(aa, feed)
    venue = Location.objects.get()
    venue.name, venue.source = "Renamed by a volunteer", ""  # what the admin does on an edit
    venue.save()
    applied.clear()

    run(aa, feed)

    assert applied == ["m1"]
    # The volunteer's venue is neither renamed nor moved; the feed's "Hall 1" is a venue of its own again.
    assert Location.objects.get(pk=venue.pk).name == "Renamed by a volunteer"
    assert Meeting.objects.get().location.name == "Hall 1"
