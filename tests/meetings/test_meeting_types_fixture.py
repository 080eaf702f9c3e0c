"""The meeting-type fixture covers every Meeting Guide code and maps BMLT formats correctly."""

import csv
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from meetings.models import MeetingType

pytestmark = pytest.mark.django_db

FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "meeting_types.json"
DATA = Path(settings.BASE_DIR) / "interop" / "data"

# Our code -> the Meeting Guide code it must carry ("" = no Meeting Guide code).
REQUIRED = {
    "open": "O",
    "closed": "C",
    "women": "W",
    "men": "M",
    "wheelchair-access": "X",
    "spanish": "S",
    "english": "EN",
    "secular": "A",
    "newcomer": "BE",
    "speaker": "SP",
    "discussion": "D",
    "step-study": "ST",
    "big-book": "B",
    "meditation": "MED",
    "lgbtq": "LGBTQ",
    "young-people": "Y",
    "american-sign-language": "ASL",
    "literature": "LIT",
    "child-friendly": "CF",
    "french": "FR",
    "attendance-verification": "POA",
    "medication-friendly": "",
}


def meeting_guide_types():
    return json.loads((DATA / "spec-types.json").read_text(encoding="utf-8"))


def bmlt_world_ids():
    with open(DATA / "bmlt-formats-en.csv", newline="", encoding="utf-8") as handle:
        return {row["world_id"] for row in csv.DictReader(handle) if row["world_id"]}


@pytest.fixture
def types():
    call_command("loaddata", str(FIXTURE), verbosity=0)
    return MeetingType.objects.all()


def test_it_includes_every_meeting_guide_code_once_with_its_labels(types):
    spec = meeting_guide_types()
    assert len(spec) == 87
    for mg_code, labels in spec.items():
        matches = [t for t in types if t.meeting_guide_code == mg_code]
        assert len(matches) == 1, f"Meeting Guide code {mg_code} appears {len(matches)} times"
        assert matches[0].name == labels["en"]
        assert matches[0].name_es == labels["es"]


def test_it_uses_no_meeting_guide_code_outside_the_spec(types):
    spec = meeting_guide_types()
    used = {t.meeting_guide_code for t in types if t.meeting_guide_code}
    assert used <= set(spec)


def test_it_maps_the_required_codes_to_their_meeting_guide_codes(types):
    by_code = {t.code: t for t in types}
    for code, mg_code in REQUIRED.items():
        assert code in by_code, f"missing type {code}"
        assert by_code[code].meeting_guide_code == mg_code, code


def test_it_describes_medication_friendly_and_attendance_verification(types):
    medication = types.get(code="medication-friendly")
    assert "methadone or buprenorphine" in medication.description
    assert medication.category == MeetingType.Category.FEATURE
    assert medication.is_key
    verification = types.get(code="attendance-verification")
    assert "attendance slip" in verification.description
    assert verification.is_key


def test_it_uses_only_bmlt_world_ids_that_exist(types):
    known = bmlt_world_ids()
    used = [t.bmlt_world_id for t in types if t.bmlt_world_id]
    assert used, "no type carries a BMLT world_id"
    assert set(used) <= known
    assert len(used) == len(set(used)), "a BMLT world_id is mapped to more than one type"


def test_it_maps_bmlt_world_ids_to_the_same_meeting_guide_types(types):
    # bmlt-server turns these world_ids into these Meeting Guide codes in its TSML output.
    expected = {"OPEN": "O", "CLOSED": "C", "W": "W", "M": "M", "Y": "Y", "WCHR": "X", "TC": "TC"}
    for world_id, mg_code in expected.items():
        assert types.get(bmlt_world_id=world_id).meeting_guide_code == mg_code


def test_it_gives_every_type_a_label_description_and_known_category(types):
    categories = set(MeetingType.Category.values)
    for meeting_type in types:
        assert meeting_type.name and meeting_type.name_es, meeting_type.code
        assert meeting_type.description, meeting_type.code
        assert 0 < len(meeting_type.short_label) <= 20, meeting_type.code
        assert meeting_type.category in categories, meeting_type.code
    assert {t.category for t in types} == categories


def test_it_puts_open_and_closed_first_under_attendance(types):
    attendance = list(types.filter(category=MeetingType.Category.ATTENDANCE).order_by("position"))
    assert [t.code for t in attendance[:2]] == ["open", "closed"]


def test_it_updates_rather_than_duplicates_when_loaded_twice(types):
    count = types.count()
    call_command("loaddata", str(FIXTURE), verbosity=0)
    assert MeetingType.objects.count() == count
