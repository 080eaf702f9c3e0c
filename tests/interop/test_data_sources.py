"""Data sources: sync_sources for cron, "refresh now" and CSV export in the admin, and the import command."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from interop.models import DataSource
from interop.sources import PARSERS
from meetings.models import Meeting, Region
from tests.factories import make_meeting
from tests.interop.conftest import DATA, send_body

pytestmark = pytest.mark.django_db


@pytest.fixture
def source(aa, http_server, local_feeds):
    http_server.routes["/feed.json"] = send_body((DATA / "example-feed.json").read_bytes())
    region = Region.objects.create(name="California", slug="us-ca", kind="state", timezone="America/Los_Angeles")
    return DataSource.objects.create(
        name="District 123", slug="district-123", url=f"{http_server.url}/feed.json", program=aa, parent_region=region
    )


def test_it_syncs_every_active_source_and_records_the_outcome(source):
    out = io.StringIO()

    call_command("sync_sources", stdout=out)

    source.refresh_from_db()
    assert (source.created_count, source.rejected_count, source.last_error) == (5, 1, "")
    assert source.last_run is not None
    assert "record 4 (inactive)" in source.last_report
    assert Meeting.objects.filter(source="district-123").count() == 5
    assert "district-123: 5 meetings were created" in out.getvalue()

    call_command("sync_sources", stdout=io.StringIO())
    source.refresh_from_db()
    assert (source.created_count, source.unchanged_count) == (0, 5)


def test_it_keeps_going_when_one_source_fails_and_says_so(source, aa, http_server):
    http_server.routes["/down.json"] = send_body(b"", status=500)
    broken = DataSource.objects.create(name="Down", slug="down", url=f"{http_server.url}/down.json", program=aa)

    with pytest.raises(CommandError, match=r"1 of 2 sources failed \(down\)"):
        call_command("sync_sources", stdout=io.StringIO())

    broken.refresh_from_db()
    assert "HTTP 500" in broken.last_error
    assert Meeting.objects.filter(source="district-123").count() == 5


def test_it_refreshes_a_source_from_the_admin(admin_client, source):
    response = admin_client.post(
        reverse("admin:interop_datasource_changelist"),
        {"action": "refresh_now", "_selected_action": [source.pk]},
        follow=True,
    )

    assert response.status_code == 200
    assert "District 123: 5 meetings were created" in response.content.decode()
    source.refresh_from_db()
    assert source.created_count == 5


def test_it_shows_sources_in_the_admin(admin_client, source):
    assert admin_client.get(reverse("admin:interop_datasource_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:interop_datasource_change", args=[source.pk])).status_code == 200


def test_it_exports_selected_meetings_as_csv_from_the_admin(admin_client, aa):
    meeting = make_meeting(slug="export-me", name="Export Me", program=aa)

    response = admin_client.post(
        reverse("admin:meetings_meeting_changelist"), {"action": "export_csv", "_selected_action": [meeting.pk]}
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = b"".join(response.streaming_content).decode()
    assert body.startswith("\ufeffTime,End Time,Day,Name")
    assert "Export Me" in body and "export-me" in body


def test_it_prints_a_dry_run_from_the_command(aa, tmp_path):
    feed = json.loads((DATA / "example-feed.json").read_text())
    path = tmp_path / "feed.json"
    path.write_text(json.dumps(feed))
    out = io.StringIO()

    call_command("import_meetings", str(path), "--format", "meeting-guide", "--program", "aa", "--dry-run", stdout=out)

    text = out.getvalue()
    assert "Dry run. 4 meetings would be created" in text
    assert "would be created: in-person" in text
    assert "rejected record 1 (sunday-serenity-14): No time zone" in text
    assert Meeting.objects.count() == 0


def test_it_keys_a_command_import_on_the_file_name(aa, tmp_path):
    path = tmp_path / "intergroup.json"
    path.write_text((DATA / "example-feed.json").read_text())
    args = [str(path), "--format", "meeting-guide", "--program", "aa"]
    call_command("import_meetings", *args, stdout=io.StringIO())
    out = io.StringIO()

    call_command("import_meetings", *args, stdout=out)

    assert "0 meetings were created, 0 updated, 4 unchanged" in out.getvalue()
    assert set(Meeting.objects.values_list("source", flat=True)) == {"intergroup"}


def test_it_names_an_unknown_program(tmp_path):
    with pytest.raises(CommandError, match="no program with the slug 'nope'"):
        call_command("import_meetings", "x.json", "--format", "csv", "--program", "nope")


def test_it_imports_an_uploaded_csv_from_the_admin_after_a_dry_run(admin_client, aa):
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = reverse("admin:interop_datasource_import_file")
    assert (
        'href="/admin/interop/datasource/import-file/"'
        in admin_client.get(reverse("admin:interop_datasource_changelist")).content.decode()
    )

    def upload(dry_run):
        data = {"format": "csv", "program": aa.pk, "source": "sheet"}
        if dry_run:
            data["dry_run"] = "on"
        data["file"] = SimpleUploadedFile("meetings.csv", (DATA / "tsml-template.csv").read_bytes(), "text/csv")
        return admin_client.post(url, data).content.decode()

    page = upload(dry_run=True)
    assert "Dry run. 36 meetings would be created" in page
    assert Meeting.objects.count() == 0

    page = upload(dry_run=False)
    assert "36 meetings were created" in page
    assert Meeting.objects.filter(source="sheet").count() == 36


def test_it_shows_a_clear_error_for_a_file_that_is_not_a_csv(admin_client, aa):
    from django.core.files.uploadedfile import SimpleUploadedFile

    page = admin_client.post(
        reverse("admin:interop_datasource_import_file"),
        {"format": "csv", "program": aa.pk, "source": "sheet", "file": SimpleUploadedFile("x.csv", b"a,b\n1,2\n")},
    )

    assert page.status_code == 200
    assert "Nothing was changed" in page.content.decode()
    assert "not a 12 Step Meeting List CSV" in page.content.decode()


def test_it_records_every_failing_source_and_refreshes_the_others(source, aa, http_server, monkeypatch, caplog):
    # Sources run in name order: both failing ones come before the good one.
    http_server.routes["/huge-number.json"] = send_body(b'[{"slug": "x", "day": ' + b"1" * 5000 + b"}]")
    number = DataSource.objects.create(
        name="A number", slug="a-number", url=f"{http_server.url}/huge-number.json", program=aa
    )
    bug = DataSource.objects.create(
        name="B bug", slug="b-bug", url=f"{http_server.url}/feed.json", program=aa, format="bmlt"
    )

    def broken(data, *, warnings, known=None):
        raise RuntimeError("a bug nobody foresaw")
        yield

    monkeypatch.setitem(PARSERS, "bmlt", broken)
    out = io.StringIO()

    with pytest.raises(CommandError, match=r"^2 of 3 sources failed \(a-number, b-bug\)"):
        call_command("sync_sources", stdout=out)

    number.refresh_from_db()
    bug.refresh_from_db()
    source.refresh_from_db()
    assert number.last_error == "The feed is not usable JSON: it holds a number with thousands of digits."
    assert bug.last_error.startswith("an unexpected error stopped the import")
    assert "RuntimeError" not in bug.last_error and "RuntimeError" not in out.getvalue()
    assert number.last_run is not None and bug.last_run is not None
    assert (source.created_count, source.last_error) == (5, "")
    assert any(record.exc_info and record.exc_info[0] is RuntimeError for record in caplog.records)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'[{"slug": "x", "day": ' + b"1" * 5000 + b"}]", "it holds a number with thousands of digits"),
        (
            b'[{"slug": "x", "name": "\\ud800", "day": 1, "time": "19:00", "timezone": "America/Chicago", '
            b'"conference_url": "https://zoom.us/j/1"}]',
            "name contains a lone UTF-16 surrogate",
        ),
    ],
)
def test_it_shows_an_import_page_error_instead_of_failing(admin_client, aa, body, message):
    from django.core.files.uploadedfile import SimpleUploadedFile

    page = admin_client.post(
        reverse("admin:interop_datasource_import_file"),
        {"format": "meeting-guide", "program": aa.pk, "source": "sheet", "file": SimpleUploadedFile("x.json", body)},
    )

    assert page.status_code == 200
    assert "Nothing was changed" in page.content.decode()
    assert message in page.content.decode()


def test_it_shows_a_sentence_on_the_import_page_when_something_unforeseen_breaks(admin_client, aa, monkeypatch):
    from django.core.files.uploadedfile import SimpleUploadedFile

    def broken(data, *, warnings, known=None):
        raise RuntimeError("a bug nobody foresaw")
        yield

    monkeypatch.setitem(PARSERS, "csv", broken)

    page = admin_client.post(
        reverse("admin:interop_datasource_import_file"),
        {"format": "csv", "program": aa.pk, "source": "sheet", "file": SimpleUploadedFile("x.csv", b"Name,Day\n")},
    )

    assert page.status_code == 200
    assert "an unexpected error stopped the import" in page.content.decode()
    assert "RuntimeError" not in page.content.decode()
