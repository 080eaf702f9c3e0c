"""validate_feed tells a volunteer, record by record, what is wrong with a feed."""

import io
import json

from django.core.management import call_command
from django.core.management.base import CommandError

from tests.interop.conftest import DATA, send_body

GOOD = {"name": "Good", "slug": "good", "day": 1, "time": "19:00", "formatted_address": "Chicago, IL, USA"}


def validate(location):
    out = io.StringIO()
    try:
        call_command("validate_feed", str(location), stdout=out)
    except CommandError as error:
        return out.getvalue(), str(error)
    return out.getvalue(), ""


def test_it_passes_the_spec_example():
    output, error = validate(DATA / "example-feed.json")

    assert error == ""
    assert output.strip() == "The feed is valid: 5 meetings, no problems."


def test_it_lists_each_problem_with_its_record(tmp_path):
    feed = [
        GOOD,
        dict(GOOD, slug="late", day=9, time="25:00"),
        dict(GOOD, slug="good"),
        dict(GOOD, slug="zone", timezone="Mars/Base", types=["O", "XYZ"]),
        {"slug": "nowhere", "name": "No address", "day": 2, "time": "08:00"},
        dict(GOOD, slug="bad url", conference_url="zoom.us/j/1", updated="yesterday"),
    ]
    path = tmp_path / "feed.json"
    path.write_text(json.dumps(feed))

    output, error = validate(path)

    lines = output.strip().splitlines()
    assert "record 2 (late): day: 9 is greater than the maximum of 6" in lines
    assert any(line.startswith('record 2 (late): time: "25:00" is not in the expected format') for line in lines)
    assert "record 3 (good): slug: duplicate of record 1" in lines
    assert 'record 4 (zone): types.1: "XYZ" is not one of the allowed values' in lines
    assert "record 4 (zone): timezone: 'Mars/Base' is not an IANA time zone" in lines
    assert any(line.startswith("record 5 (nowhere): record: has no address") for line in lines)
    assert (
        'record 6 (bad url): slug: "bad url" is not in the expected format (URL-safe: letters, digits, - _ . ~ only)'
        in lines
    )
    assert any(line.startswith("record 6 (bad url): conference_url:") for line in lines)
    assert any(line.startswith("record 6 (bad url): updated:") for line in lines)
    assert error == f"{len(lines)} problems in 5 of 6 records."


def test_it_says_when_a_feed_is_not_json(tmp_path):
    path = tmp_path / "feed.json"
    path.write_text("<html>Not found</html>")

    assert "not valid JSON" in validate(path)[1]


def test_it_says_when_a_feed_is_not_an_array(tmp_path):
    path = tmp_path / "feed.json"
    path.write_text('{"meetings": []}')

    output, error = validate(path)

    assert "feed: a feed must be a JSON array of meetings, not a JSON dict" in output


def test_it_reads_a_url(http_server, local_feeds):
    http_server.routes["/feed.json"] = send_body(json.dumps([GOOD]).encode())
    http_server.routes["/down.json"] = send_body(b"", status=500)

    assert validate(f"{http_server.url}/feed.json") == ("The feed is valid: 1 meetings, no problems.\n", "")
    assert "HTTP 500" in validate(f"{http_server.url}/down.json")[1]
