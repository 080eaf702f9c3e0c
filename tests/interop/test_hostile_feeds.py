"""Broken and hostile feeds: each ends with a clear report, and nothing already listed is lost."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from interop.fetching import CHUNK
from interop.sources import PARSERS, feed_import, location_import
from meetings.models import Meeting, Status
from tests.interop.conftest import send_body, send_slowly

pytestmark = pytest.mark.django_db

GOOD = {
    "name": "Good",
    "slug": "good",
    "day": 1,
    "time": "19:00",
    "timezone": "America/Chicago",
    "formatted_address": "4953 W Addison St, Chicago, IL 60641, USA",
}


@pytest.fixture
def listed(aa):
    """A source that already has one meeting; every bad feed below must leave it as it is."""
    feed_import(data=json.dumps([GOOD]).encode(), format="meeting-guide", source="s", program=aa)
    meeting = Meeting.objects.get()
    return meeting


def run(aa, feed):
    data = feed if isinstance(feed, bytes) else json.dumps(feed).encode()
    return feed_import(data=data, format="meeting-guide", source="s", program=aa)


def assert_untouched(meeting):
    fresh = Meeting.objects.get(pk=meeting.pk)
    assert (fresh.status, fresh.updated, fresh.name) == (Status.ACTIVE, meeting.updated, meeting.name)
    assert Meeting.objects.count() == 1


def test_it_refuses_truncated_json_and_says_where(aa, listed):
    report = run(aa, json.dumps([GOOD, GOOD]).encode()[:-15])

    assert not report.ok
    assert "not valid JSON" in report.error and "line 1" in report.error
    assert_untouched(listed)


def test_it_refuses_a_json_object_instead_of_an_array(aa, listed):
    report = run(aa, {"meetings": [GOOD]})

    assert "JSON array" in report.error
    assert_untouched(listed)


def test_it_refuses_an_empty_feed_instead_of_retiring_everything(aa, listed):
    report = run(aa, [])

    assert "lists no meetings" in report.error
    assert_untouched(listed)


def test_it_changes_nothing_when_every_record_fails(aa, listed):
    report = run(aa, [dict(GOOD, slug="a", day=9), dict(GOOD, slug="b", time="25:00")])

    assert report.error == "every record was rejected."
    assert len(report.rejected) == 2
    assert_untouched(listed)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"day": 9}, "day 9 is not a day of the week"),
        ({"day": "Funday"}, '"Funday" is not a day of the week'),
        ({"time": "25:00"}, "'25:00' is not a time of day"),
        ({"time": 1900}, "time must be text"),
        ({"end_time": "7pm"}, "end_time '7pm' is not a time of day"),
        ({"timezone": "Mars/Olympus_Mons"}, "'Mars/Olympus_Mons' is not a time zone"),
        ({"timezone": 5}, "timezone must be text"),
        ({"name": ["a"]}, "name must be text"),
        ({"slug": None}, "slug is missing"),
        ({"slug": {"a": 1}}, "slug is missing"),
        ({"types": 5}, "types must be a list"),
        ({"coordinates": "north"}, 'must be "latitude,longitude"'),
        ({"latitude": "north", "longitude": 1}, "latitude must be a number"),
        ({"latitude": 41.9}, "give both latitude and longitude"),
        ({"approximate": 3}, "approximate must be"),
        ({"conference_url": "https://zoom.us/j/" + "1" * 500}, "conference_url: Ensure this value has at most 500"),
        ({"regions": "Chicago"}, "regions must be a list"),
        ({"notes": 12}, "notes must be text"),
        ({"formatted_address": "Chicago, IL"}, "Neither a street address"),
    ],
)
def test_it_skips_a_record_with_a_wrong_field_and_names_it(aa, listed, change, reason):
    bad = dict(GOOD, **change)
    if bad.get("slug") == "good":
        bad["slug"] = "bad"

    report = run(aa, [GOOD, bad, dict(GOOD, slug="also-good", day=2)])

    assert report.ok
    assert len(report.rejected) == 1
    assert report.rejected[0].position == 2
    assert reason in report.rejected[0].reason
    assert sorted(Meeting.objects.values_list("external_key", flat=True)) == ["also-good", "good"]


def test_it_rejects_a_non_object_record(aa, listed):
    report = run(aa, [GOOD, 42, None])

    assert [(r.position, r.reason) for r in report.rejected] == [
        (2, "a meeting must be a JSON object, not int."),
        (3, "a meeting must be a JSON object, not NoneType."),
    ]


def test_it_rejects_duplicate_slugs_after_the_first(aa, listed):
    report = run(aa, [GOOD, dict(GOOD, name="Impostor")])

    assert [(r.position, r.key) for r in report.rejected] == [(2, "good")]
    assert "duplicate slug" in report.rejected[0].reason
    assert Meeting.objects.get().name == "Good"


def test_it_stores_markup_as_text(aa, client):
    report = run(aa, [dict(GOOD, name="<script>alert('x')</script>", notes="<img src=x onerror=alert(1)>")])

    assert report.ok
    meeting = Meeting.objects.get()
    assert meeting.name == "<script>alert('x')</script>"
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "<script>alert('x')</script>" not in page
    assert "&lt;script&gt;" in page


def test_it_keeps_a_meeting_whose_record_became_unreadable(aa, listed):
    report = run(aa, [dict(GOOD, time="99:99"), dict(GOOD, slug="other")])

    assert report.rejected[0].key == "good"
    assert report.deactivated == []
    assert Meeting.objects.get(external_key="good").status == Status.ACTIVE


@override_settings(IMPORT_MAX_BYTES=20 * 1024 * 1024)
def test_it_refuses_a_50_mb_body_without_reading_it_whole(aa, listed, http_server, local_feeds):
    sent = []

    def huge(request):
        # No Content-Length: the importer must count as it reads and stop at the limit.
        request.send_response(200)
        request.send_header("Content-Type", "application/json")
        request.end_headers()
        chunk = b" " * CHUNK
        try:
            for _ in range(50 * 1024 * 1024 // CHUNK):
                request.wfile.write(chunk)
                sent.append(len(chunk))
        except (BrokenPipeError, ConnectionResetError):
            pass

    http_server.routes["/huge.json"] = huge

    report = location_import(location=f"{http_server.url}/huge.json", format="meeting-guide", source="s", program=aa)

    assert "larger than the limit of 20 MB" in report.error
    assert_untouched(listed)


def test_it_refuses_a_declared_50_mb_body_before_reading(aa, listed, http_server, local_feeds):
    def declared(request):
        request.send_response(200)
        request.send_header("Content-Length", str(50 * 1024 * 1024))
        request.end_headers()

    http_server.routes["/declared.json"] = declared

    report = location_import(
        location=f"{http_server.url}/declared.json", format="meeting-guide", source="s", program=aa
    )

    assert "larger than the limit" in report.error


def test_it_refuses_a_large_file(aa, listed, tmp_path, settings):
    settings.IMPORT_MAX_BYTES = 1024
    path = tmp_path / "big.json"
    path.write_bytes(b" " * 2048)

    report = location_import(location=str(path), format="meeting-guide", source="s", program=aa)

    assert "larger than the limit" in report.error


def test_it_reports_a_server_error(aa, listed, http_server, local_feeds):
    http_server.routes["/broken.json"] = send_body(b"oops", status=500, content_type="text/plain")

    report = location_import(location=f"{http_server.url}/broken.json", format="meeting-guide", source="s", program=aa)

    assert "HTTP 500" in report.error
    assert_untouched(listed)


def test_it_gives_up_on_a_server_that_does_not_answer(aa, listed, http_server, local_feeds, settings):
    settings.IMPORT_TIMEOUT_SECONDS = 1
    http_server.routes["/slow.json"] = send_slowly(3)

    report = location_import(location=f"{http_server.url}/slow.json", format="meeting-guide", source="s", program=aa)

    assert "did not answer within 1 seconds" in report.error
    assert_untouched(listed)


def test_it_reports_a_missing_file(aa, listed):
    report = location_import(location="/nonexistent/feed.json", format="meeting-guide", source="s", program=aa)

    assert report.error == "There is no file at /nonexistent/feed.json."


def test_it_fails_the_command_with_the_reason(aa, listed, tmp_path):
    path = tmp_path / "feed.json"
    path.write_text('[{"name": "x",')

    with pytest.raises(CommandError, match="not valid JSON"):
        call_command("import_meetings", str(path), "--format", "meeting-guide", "--program", "aa", "--source", "s")
    assert_untouched(listed)


@pytest.mark.parametrize("format", ["meeting-guide", "bmlt"])
def test_it_refuses_a_number_with_thousands_of_digits(aa, listed, format):
    # json.loads raises ValueError past 4,300 digits, which is not a JSONDecodeError.
    data = b'[{"slug": "x", "day": ' + b"1" * 5000 + b"}]"

    report = feed_import(data=data, format=format, source="s", program=aa)

    assert report.error == "The feed is not usable JSON: it holds a number with thousands of digits."
    assert_untouched(listed)


@pytest.mark.parametrize(
    ("day", "reason"), [("1" * 5000, "is not a day of the week"), ("²", "is not a day of the week")]
)
def test_it_rejects_a_day_that_looks_like_a_number_but_is_not_one(aa, listed, day, reason):
    report = run(aa, [GOOD, dict(GOOD, slug="bad", day=day)])

    assert [rejection.key for rejection in report.rejected] == ["bad"]
    assert reason in report.rejected[0].reason


def test_it_rejects_a_record_with_a_lone_surrogate_and_keeps_the_rest(aa, listed):
    report = run(aa, [GOOD, dict(GOOD, slug="bad", name="\ud800"), dict(GOOD, slug="also-good", day=2)])

    assert report.ok
    assert [(rejection.key, rejection.reason[:39]) for rejection in report.rejected] == [
        ("bad", "name contains a lone UTF-16 surrogate (")
    ]
    assert sorted(Meeting.objects.values_list("external_key", flat=True)) == ["also-good", "good"]


def test_it_reports_an_unexpected_error_in_a_sentence_and_logs_the_traceback(aa, listed, monkeypatch, caplog):
    def broken(data, *, warnings, known=None):
        raise RuntimeError("a bug nobody foresaw")
        yield

    monkeypatch.setitem(PARSERS, "meeting-guide", broken)

    report = run(aa, [GOOD])

    assert report.error == (
        "an unexpected error stopped the import, so nothing was changed. The site's operator can find the details "
        "in the server log."
    )
    [logged] = [record for record in caplog.records if record.name == "interop.sources"]
    assert logged.exc_info[0] is RuntimeError
    assert "'s'" in logged.getMessage()
    assert_untouched(listed)


@pytest.mark.parametrize("latitude", ["nan", "inf", "-Infinity"])
def test_it_rejects_a_bmlt_coordinate_that_is_not_a_number(aa, latitude):
    item = {
        "id_bigint": "1",
        "weekday_tinyint": "2",
        "start_time": "19:00:00",
        "time_zone": "America/Chicago",
        "meeting_name": "M",
        "location_street": "1 Main St",
        "location_municipality": "Chicago",
        "latitude": latitude,
        "longitude": "-87.7",
    }

    report = feed_import(data=json.dumps([item]).encode(), format="bmlt", source="s", program=aa)

    assert report.rejected[0].reason == "latitude and longitude must be numbers."
