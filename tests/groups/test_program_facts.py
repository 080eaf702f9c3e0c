"""The programs' facts as the fixture states them, each corrected or new fact pinned to its source."""

import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.urls import reverse

from groups.models import Program

pytestmark = pytest.mark.django_db

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "programs.json"
# Encyclopedia mirrors, kids' encyclopedias and document-sharing copies: never a citation.
NOT_CITED = (
    "wikipedia",
    "kiwix",
    "britannica",
    "studylib",
    "docslib",
    "scribd",
    "anyflip",
    "moam.info",
    "pinocchiopedia",
    "railway.app",
    "litark",
)


@pytest.fixture
def programs():
    call_command("loaddata", FIXTURE, verbosity=0)
    return {program.slug: program for program in Program.objects.all()}


def sources(program, fact):
    return program.sources_for(fact)


def test_it_cites_no_encyclopedia_mirror_kids_encyclopedia_or_document_sharing_copy():
    for entry in json.loads(FIXTURE.read_text(encoding="utf-8")):
        for source in entry["fields"]["sources"]:
            host = urlsplit(source["url"]).hostname or ""
            assert not any(name in host for name in NOT_CITED), (entry["fields"]["slug"], source["url"])
            assert source["publisher"] and source["confidence"] in ("high", "medium", "low")


def test_every_citation_reads_as_a_citation_never_an_internal_number():
    text = FIXTURE.read_text(encoding="utf-8")
    assert '"text":' not in text
    for entry in json.loads(text):
        for source in entry["fields"]["sources"]:
            for value in (source["publisher"], source["title"], source.get("note", "")):
                assert not any(marker in value for marker in ("§", "Seed 0", "seed 0", "S5 ", "S53"))


def test_women_for_sobriety_welcomes_medication_on_the_seed_articles_word(programs):
    wfs = programs["women-for-sobriety"]
    assert wfs.medication == "welcoming" and wfs.substances == "alcohol-and-drugs"
    [source] = sources(wfs, "medication")
    assert source["url"] == "https://ncadd.us/blogs/finding-your-place-in-mutual-help-groups"
    assert "does not discourage participants from using medical supports" in source["quote"]
    assert "methadone" in wfs.note("medication")


def test_narcotics_anonymous_is_restricted_with_the_restriction_in_words(programs):
    na = programs["na"]
    assert na.medication == "restricted"
    assert "Bulletin #29" in na.note("medication") and "not share or lead" in na.note("medication")
    assert any("unified Fellowship position" in s["quote"] for s in sources(na, "medication"))


def test_buddhist_inspired_programs_are_non_theistic(programs):
    for slug in ("refuge-recovery", "recovery-dharma"):
        assert programs[slug].spiritual_basis == "non-theistic"
    assert "non-theistic" in sources(programs["recovery-dharma"], "spiritual_basis")[0]["quote"]


def test_the_other_corrections_are_pinned_to_their_sources(programs):
    assert programs["mara"].spiritual_basis == "unknown"
    assert programs["recovery-dharma"].abstinence == "required"
    assert "intention of abstinence" in sources(programs["recovery-dharma"], "abstinence")[0]["quote"]
    assert programs["dra"].founded == "1989"
    assert "Kansas City, Kansas in 1989" in sources(programs["dra"], "founded")[0]["quote"]
    assert programs["dtr"].status == "uncertain" and programs["dtr"].status_note
    assert programs["families-anonymous"].substances == "any"
    assert (
        "drugs, alcohol, or related behavioral problems"
        in sources(programs["families-anonymous"], "substances")[0]["quote"]
    )
    for slug in ("dra", "dtr"):
        assert "psychiatric medication" in programs[slug].note("medication")


def test_the_programs_the_seeds_name_are_listed_with_their_sources(programs):
    cda, co_anon = programs["cda"], programs["co-anon"]
    assert (cda.short_name, cda.website, cda.founded, cda.substances, cda.medication) == (
        "CDA",
        "https://cdaweb.org",
        "1980",
        "drugs",
        "unknown",
    )
    assert "unnecessary medications" in sources(cda, "abstinence")[0]["quote"]
    assert sources(cda, "abstinence")[0]["url"] == "https://www.cdaweb.org/twelve-traditions"
    assert (co_anon.audience, co_anon.substances, co_anon.website) == ("family", "drugs", "https://co-anon.org")
    assert "not a religious one, but a spiritual way of life" in sources(co_anon, "spiritual_basis")[0]["quote"]


def test_activities_of_sober_living_is_listed_honestly(programs):
    asl = programs["activities-of-sober-living"]
    assert asl.short_name != "ASL" and asl.status == "uncertain" and "NCADD" in asl.status_note
    assert asl.medication == "unknown" and asl.website == ""
    for fact in ("approach", "audience"):
        assert not asl.confirmed(fact)
        assert all(
            s["url"] == "https://ncadd.us/blogs/finding-your-place-in-mutual-help-groups" for s in sources(asl, fact)
        )


def test_narconon_is_neither_a_program_nor_a_type(programs):
    from meetings.models import MeetingType

    assert not Program.objects.filter(name__icontains="narconon").exists()
    call_command("loaddata", FIXTURE.parent / "meeting_types.json", verbosity=0)
    assert not MeetingType.objects.filter(name__icontains="narconon").exists()
    assert MeetingType.objects.get(code="alateen").meeting_guide_code == ""


def test_the_page_shows_a_weak_fact_as_not_confirmed_and_asks_for_a_correction(client, programs):
    html = client.get(reverse("groups:program", args=["activities-of-sober-living"])).content.decode()
    assert "Not confirmed" in html
    assert "Only a weak or second-hand source says so." in html
    assert 'href="/programs/activities-of-sober-living/suggest/?fact=approach"' in html
    assert "Status not verified." in html


def test_the_comparison_cites_publisher_title_date_and_link_with_the_quote_on_demand(client, programs):
    html = client.get(reverse("groups:compare"), {"program": ["women-for-sobriety"]}).content.decode()
    assert (
        'NCADD, Addiction Medicine Update, <cite lang="en">Finding Your Place in Mutual Help Groups</cite> (undated). '
        '<a href="https://ncadd.us/blogs/finding-your-place-in-mutual-help-groups" rel="noopener">ncadd.us</a>'
    ) in html
    assert "<summary>Quote</summary>" in html
