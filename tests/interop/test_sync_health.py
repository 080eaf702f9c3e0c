"""sync_sources: sources fetched at once, conditional requests, and each source's health (warned, then paused)."""

import datetime as dt
import io
import json
import threading
import time

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from interop.models import DataSource, SourceRun
from meetings.models import Meeting
from tests.interop.conftest import send_body, send_slowly

pytestmark = pytest.mark.django_db

FEED = [
    {
        "name": "Hope",
        "slug": "hope",
        "day": 1,
        "time": "19:00",
        "formatted_address": "4953 W Addison St, Chicago, IL 60641, USA",
    }
]


def counted(body, *, etag=None, hits):
    """A handler that answers 304 to a matching If-None-Match, and counts full answers."""

    def handle(request):
        if etag and request.headers.get("If-None-Match") == etag:
            hits.append(304)
            request.send_response(304)
            request.end_headers()
            return
        hits.append(200)
        request.send_response(200)
        request.send_header("Content-Type", "application/json")
        request.send_header("Content-Length", str(len(body)))
        if etag:
            request.send_header("ETag", etag)
        request.end_headers()
        request.wfile.write(body)

    return handle


def make_source(aa, http_server, slug, **fields):
    return DataSource.objects.create(
        name=slug.title(), slug=slug, url=f"{http_server.url}/{slug}.json", program=aa, **fields
    )


def sync(*slugs):
    out = io.StringIO()
    call_command("sync_sources", *slugs, stdout=out)
    return out.getvalue()


def test_a_304_is_unchanged_without_reading_the_feed(aa, http_server, local_feeds):
    hits = []
    http_server.routes["/a.json"] = counted(json.dumps(FEED).encode(), etag='"v1"', hits=hits)
    source = make_source(aa, http_server, "a")

    sync()
    out = sync()

    source.refresh_from_db()
    assert hits == [200, 304]
    assert source.etag == '"v1"'
    assert "as it was at the last run" in out
    assert (source.unchanged_count, source.created_count) == (1, 0)
    assert list(source.runs.values_list("outcome", flat=True)) == ["unchanged", "changed"]


def test_an_identical_body_is_unchanged_without_an_import(aa, http_server, local_feeds):
    http_server.routes["/a.json"] = send_body(json.dumps(FEED).encode())
    source = make_source(aa, http_server, "a")
    sync()
    updated = Meeting.objects.get().updated

    sync()

    source.refresh_from_db()
    assert source.runs.first().outcome == SourceRun.Outcome.UNCHANGED
    assert Meeting.objects.get().updated == updated


def test_a_changed_body_is_imported(aa, http_server, local_feeds):
    http_server.routes["/a.json"] = send_body(json.dumps(FEED).encode())
    make_source(aa, http_server, "a")
    sync()
    http_server.routes["/a.json"] = send_body(json.dumps([dict(FEED[0], name="Hope Again")]).encode())

    sync()

    assert Meeting.objects.get().name == "Hope Again"


def test_sources_are_fetched_concurrently_and_a_slow_one_does_not_hold_up_the_others(
    aa, http_server, local_feeds, settings
):
    settings.SYNC_WORKERS, settings.SYNC_PER_HOST = 4, 4
    in_flight, most = [0], [0]
    lock = threading.Lock()
    # Each answer waits until all four are being fetched: fetched one after another, the first would wait
    # alone until the barrier breaks, fail, and leave its meeting out. (A wall-clock bound failed on a busy
    # machine; this holds however slow the machine is.)
    all_four = threading.Barrier(4, timeout=10)

    def slow(request):
        with lock:
            in_flight[0] += 1
            most[0] = max(most[0], in_flight[0])
        all_four.wait()
        with lock:
            in_flight[0] -= 1
        send_body(json.dumps([dict(FEED[0], slug=request.path)]).encode())(request)

    for n in range(4):
        http_server.routes[f"/s{n}.json"] = slow
        make_source(aa, http_server, f"s{n}")

    sync()

    assert most[0] == 4
    assert Meeting.objects.count() == 4


def test_at_most_sync_per_host_fetches_go_to_one_host_at_once(aa, http_server, local_feeds, settings):
    settings.SYNC_WORKERS, settings.SYNC_PER_HOST = 4, 1
    in_flight, most = [0], [0]
    lock = threading.Lock()

    def watched(request):
        with lock:
            in_flight[0] += 1
            most[0] = max(most[0], in_flight[0])
        time.sleep(0.1)
        with lock:
            in_flight[0] -= 1
        send_body(json.dumps(FEED).encode())(request)

    for n in range(3):
        http_server.routes[f"/h{n}.json"] = watched
        make_source(aa, http_server, f"h{n}")

    sync()

    assert most[0] == 1


def test_a_failing_source_keeps_its_health_and_history_and_the_others_go_on(aa, http_server, local_feeds):
    http_server.routes["/good.json"] = send_body(json.dumps(FEED).encode())
    http_server.routes["/bad.json"] = send_body(b"{not json")
    make_source(aa, http_server, "good")
    bad = make_source(aa, http_server, "bad")

    for _ in range(2):
        with pytest.raises(CommandError, match=r"1 of 2 sources failed \(bad\)"):
            sync()

    bad.refresh_from_db()
    assert bad.consecutive_failures == 2
    assert bad.failing_since is not None and bad.last_success is None
    assert "not valid JSON" in bad.last_error
    assert list(bad.runs.values_list("outcome", flat=True)) == ["failed", "failed"]
    assert Meeting.objects.filter(source="good").count() == 1


def test_a_source_failing_for_72_hours_is_flagged_to_its_editors_once(aa, http_server, local_feeds):
    http_server.routes["/bad.json"] = send_body(b"", status=500)
    bad = make_source(aa, http_server, "bad", contact_email="editors@example.org")
    DataSource.objects.filter(pk=bad.pk).update(
        failing_since=timezone.now() - dt.timedelta(hours=73), consecutive_failures=6
    )

    for _ in range(2):
        with pytest.raises(CommandError):
            sync()

    bad.refresh_from_db()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["editors@example.org"]
    assert "cannot be read" in mail.outbox[0].subject
    assert "HTTP 500" in mail.outbox[0].body
    assert bad.warned_at is not None and bad.paused_at is None


def test_a_source_failing_for_14_days_is_paused_and_skipped_until_someone_resumes_it(
    aa, http_server, local_feeds, admin_client
):
    http_server.routes["/bad.json"] = send_body(b"", status=500)
    bad = make_source(aa, http_server, "bad", contact_email="editors@example.org")
    DataSource.objects.filter(pk=bad.pk).update(failing_since=timezone.now() - dt.timedelta(days=15))

    with pytest.raises(CommandError):
        sync()
    bad.refresh_from_db()
    assert bad.paused_at is not None
    assert "paused" in mail.outbox[-1].subject
    runs = bad.runs.count()

    sync()  # skipped: no run, no failure

    assert bad.runs.count() == runs
    admin_client.post(
        reverse("admin:interop_datasource_changelist"),
        {"action": "resume", "_selected_action": [bad.pk]},
    )
    bad.refresh_from_db()
    assert bad.paused_at is None


def test_a_success_clears_the_failure(aa, http_server, local_feeds):
    http_server.routes["/a.json"] = send_body(json.dumps(FEED).encode())
    source = make_source(aa, http_server, "a")
    DataSource.objects.filter(pk=source.pk).update(
        consecutive_failures=3, failing_since=timezone.now(), warned_at=timezone.now()
    )

    sync()

    source.refresh_from_db()
    assert (source.consecutive_failures, source.failing_since, source.warned_at) == (0, None, None)
    assert source.last_success is not None


def test_the_admin_lists_sources_by_health(aa, http_server, admin_client):
    make_source(aa, http_server, "fine", last_success=timezone.now())
    make_source(aa, http_server, "sick", consecutive_failures=4, failing_since=timezone.now())
    make_source(aa, http_server, "stopped", paused_at=timezone.now(), failing_since=timezone.now())

    page = admin_client.get(reverse("admin:interop_datasource_changelist")).content.decode()

    assert page.index("Stopped") < page.index("Sick") < page.index("Fine")
    assert "Failing since" in page and "Paused since" in page


def redirect_to(location):
    def handle(request):
        request.send_response(302)
        request.send_header("Location", location)
        request.send_header("Content-Length", "0")
        request.end_headers()

    return handle


def test_hostile_sources_fail_alone_in_one_sync_with_their_reasons(aa, http_server, local_feeds, settings):
    settings.IMPORT_MAX_BYTES, settings.IMPORT_MAX_RECORDS, settings.IMPORT_TIMEOUT_SECONDS = 8192, 3, 1
    hostile = {
        "broken": (send_body(b"[{"), "not valid JSON"),
        "shape": (send_body(b'{"meetings": 1}'), "is a JSON object"),
        "huge-number": (send_body(b"[" + b"1" * 4400 + b"]"), "thousands of digits"),
        "private": (redirect_to("http://10.0.0.1/feed.json"), "private, local or reserved address"),
        "big": (send_body(b"[" + b" " * 9000 + b"]"), "larger than the limit of 8 KB"),
        "many": (send_body(json.dumps([dict(FEED[0], slug=f"m{n}") for n in range(4)]).encode()), "more than 3"),
        "slow": (send_slowly(3), "did not answer within 1 seconds"),
    }
    http_server.routes["/good.json"] = send_body(json.dumps(FEED).encode())
    make_source(aa, http_server, "good")
    for slug, (handler, _) in hostile.items():
        http_server.routes[f"/{slug}.json"] = handler
        make_source(aa, http_server, slug)
    # What each hostile source listed before: it must be left as it was.
    for slug in hostile:
        Meeting.objects.create(
            program=aa, name=f"Kept {slug}", slug=f"kept-{slug}", weekday=2, start_time=dt.time(8),
            timezone="UTC", attendance="online", conference_phone="+1 555 0100", source=slug, external_key="k",
        )  # fmt: skip
    out = io.StringIO()

    with pytest.raises(CommandError, match=rf"{len(hostile)} of {len(hostile) + 1} sources failed"):
        call_command("sync_sources", stdout=out)

    for slug, (_, reason) in hostile.items():
        source = DataSource.objects.get(slug=slug)
        assert reason in source.last_error, (slug, source.last_error)
        assert f"{slug}: Nothing was changed" in out.getvalue()
        assert list(Meeting.objects.filter(source=slug).values_list("name", "status")) == [(f"Kept {slug}", "active")]
    assert Meeting.objects.filter(source="good").count() == 1
