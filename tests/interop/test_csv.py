"""The 12 Step Meeting List CSV: the template imports; our export uses its columns and imports back."""

import csv
import datetime as dt
import io

import pytest
from django.core.management import call_command

from interop.sources import feed_import
from interop.tsml_csv import columns, template_columns
from meetings.models import Attendance, Meeting, MeetingType, Status
from tests.factories import make_meeting
from tests.interop.conftest import DATA

pytestmark = pytest.mark.django_db


def run(program, data, source="csv"):
    return feed_import(data=data, format="csv", source=source, program=program)


def test_it_imports_the_tsml_template(aa):
    report = run(aa, (DATA / "tsml-template.csv").read_bytes())

    assert report.ok and report.rejected == []
    assert len(report.created) == 36
    meeting = Meeting.objects.get(external_key="after-work-topic-meeting")
    assert (meeting.weekday, meeting.start_time, meeting.timezone) == (1, dt.time(18, 0), "America/Los_Angeles")
    assert meeting.location.formatted_address == "2634 Union Ave, San Jose, CA 95124, USA"
    assert meeting.location.name == "Saturday Nite Live"
    assert meeting.location.region.name == "West San Jose"
    assert meeting.location.region.parent.name == "San Jose"
    assert {t.code for t in meeting.types.all()} == {"open", "wheelchair-access"}
    assert meeting.updated == dt.datetime(2020, 4, 4, 16, 50, 58, tzinfo=dt.UTC)
    tgif = Meeting.objects.get(external_key="t-g-i-f")
    assert tgif.end_time == dt.time(20, 30)
    # "Online Meeting, Temporary Closure" with a Zoom link: the building is closed, the meeting is online.
    underground = Meeting.objects.get(external_key="underground-book-study")
    assert underground.attendance == Attendance.ONLINE
    assert underground.conference_url == "https://us04web.zoom.us/j/9999999999"
    assert "location-temporarily-closed" in {t.code for t in underground.types.all()}
    assert {
        t.code for t in Meeting.objects.get(external_key="gay-lesbian-step-study-12-traditions-group").types.all()
    } >= {
        "step-study",
        "tradition-study",
    }


def test_it_reimports_the_template_without_changes(aa):
    data = (DATA / "tsml-template.csv").read_bytes()
    run(aa, data)

    assert run(aa, data).counts()["unchanged"] == 36


def test_it_exports_the_template_columns_and_imports_them_back(aa, na):
    run(aa, (DATA / "tsml-template.csv").read_bytes())
    make_meeting(
        slug="online-only",
        name='=HYPERLINK("http://evil")',
        program=aa,
        attendance=Attendance.ONLINE,
        timezone="America/Chicago",
        conference_phone="+13125551212",
        conference_phone_notes="PIN 1",
        types=list(MeetingType.objects.filter(code__in=["women", "medication-friendly"])),
    )
    out = io.StringIO()
    call_command("export_meetings_csv", "-", "--program", "aa", stdout=out)

    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[0][: len(template_columns())] == template_columns()
    assert rows[0] == columns()
    exported = {row[rows[0].index("Slug")]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    assert exported["online-only"]["Name"].startswith("'=HYPERLINK")  # a spreadsheet shows it as text
    assert exported["online-only"]["Address"] == "Chicago"
    assert exported["online-only"]["Types"] == "Medication-Friendly, Women"
    assert exported["after-work-topic-meeting"]["Time"] == "6:00 PM"
    assert exported["after-work-topic-meeting"]["Day"] == "Monday"

    report = run(na, out.getvalue().encode(), source="csv-copy")

    assert report.rejected == []
    assert len(report.created) == 37
    copy = Meeting.objects.get(source="csv-copy", external_key="online-only")
    assert copy.name == '=HYPERLINK("http://evil")'
    assert (copy.attendance, copy.conference_phone_notes, copy.timezone) == (
        Attendance.ONLINE,
        "PIN 1",
        "America/Chicago",
    )
    assert {t.code for t in copy.types.all()} == {"women", "medication-friendly"}
    again = io.StringIO()
    call_command("export_meetings_csv", "-", "--program", "na", stdout=again)
    # Same database, so the copies' slugs got a suffix; every other cell is identical.
    slug = rows[0].index("Slug")
    second = sorted(row[:slug] + row[slug + 1 :] for row in list(csv.reader(io.StringIO(again.getvalue())))[1:])
    first = sorted(row[:slug] + row[slug + 1 :] for row in rows[1:])
    assert second == first


def test_it_exports_a_temporarily_closed_meeting_with_the_closure_type(aa):
    make_meeting(slug="tc", program=aa, status=Status.TEMPORARILY_CLOSED)
    out = io.StringIO()

    call_command("export_meetings_csv", stdout=out)

    assert "Location Temporarily Closed" in out.getvalue()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"PK\x03\x04\x00\x00binary zip", "not a CSV"),
        (b"", "empty"),
        (b"Nom,Jour\nx,y\n", "Name, Day, Time are missing"),
        (b"\xff\xfe\x00bad", "not text in UTF-8"),
    ],
)
def test_it_refuses_a_file_that_is_not_a_tsml_csv(aa, body, message):
    report = run(aa, body)

    assert message in report.error
    assert Meeting.objects.count() == 0


def test_it_names_the_spreadsheet_row_of_a_bad_record(aa):
    data = (
        "Name,Day,Time,Address,Timezone,Slug\n"
        'Good,Monday,7 PM,"1 Main St, Springfield, IL 62701, USA",America/Chicago,good\n'
        'Bad,Funday,7 PM,"1 Main St, Springfield, IL 62701, USA",America/Chicago,bad\n'
        'Late,Monday,13 PM,"1 Main St, Springfield, IL 62701, USA",America/Chicago,late\n'
    )

    report = run(aa, data.encode())

    assert [(r.position, r.key) for r in report.rejected] == [(3, "bad"), (4, "late")]
    assert "'funday' is not a day" in report.rejected[0].reason
    assert report.created == ["good"]


def test_it_splits_a_row_with_several_days(aa):
    data = (
        "Name,Day,Time,Address,Timezone,Slug\n"
        'Twice,"Monday, Thursday",7:00 AM,"1 Main St, Springfield, IL 62701, USA",America/Chicago,twice\n'
    )

    report = run(aa, data.encode())

    assert sorted(report.created) == ["twice-1", "twice-4"]
    assert sorted(Meeting.objects.values_list("weekday", flat=True)) == [1, 4]
