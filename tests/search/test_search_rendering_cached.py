"""What the search page keeps across requests (escaped choices, the meeting-type vocabulary) gives the same
HTML as working it out on every page, and follows every change of programs and meeting types."""

import pickle
from html import escape

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.translation import gettext

from meetings.models import Meeting, MeetingType
from search.filters import MeetingFilter
from search.rows import load_rows
from search.templatetags.form_tags import PreparedChoices, checkbox_list, select_field
from search.vocabulary import choice_lists
from tests.factories import make_meeting, make_program, make_type

pytestmark = pytest.mark.django_db


def _label(value):
    return value.__html__() if hasattr(value, "__html__") else escape(str(value))


def reference_select(bound_field, empty_label="Any", choices=None):
    """The markup select_field wrote before its pieces were prepared: every label escaped on every page."""
    value = bound_field.value()
    selected = {str(v) for v in value} if isinstance(value, list | tuple) else set() if value is None else {str(value)}
    choices = choices if choices is not None else bound_field.field.choices
    options = "".join(
        f'<option value="{escape(str(getattr(v, "value", v)))}"{" selected" if str(v) in selected else ""}>'
        f"{_label(label) if v else escape(empty_label)}</option>"
        for v, label in choices
    )
    errors = bound_field.errors
    invalid = f' aria-invalid="true" aria-describedby="{bound_field.auto_id}-error"' if errors else ""
    error = f'<p class="field-error" id="{bound_field.auto_id}-error">{escape(" ".join(errors))}</p>' if errors else ""
    return (
        f'<div class="field{" has-error" if errors else ""}"><label for="{bound_field.auto_id}">'
        f"{_label(bound_field.label)}</label>"
        f'<select name="{bound_field.html_name}" id="{bound_field.auto_id}"{invalid}>{options}</select>{error}</div>'
    )


def reference_checkboxes(bound_field, choices=None):
    value = bound_field.value() or []
    selected = {str(v) for v in value}
    choices = choices if choices is not None else bound_field.field.choices
    return "".join(
        f'<label class="check"><input type="checkbox" name="{bound_field.html_name}" value="{escape(str(v))}"'
        f"{' checked' if str(v) in selected else ''}> {_label(label)}</label>"
        for v, label in choices
    )


def _form(query):
    form = MeetingFilter(RequestFactory().get(f"/meetings/?{query}").GET, queryset=Meeting.objects.all()).form
    form.is_valid()
    return form


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize(
    "query",
    [
        "",
        "attendance=online&time_of_day=night&day=today&day=3&sort=day&unit=km",
        "attendance=nowhere&sort=x&day=9",
        "attendance=&time_of_day=",
    ],
    ids=["empty", "chosen", "invalid", "blank"],
)
def test_the_fixed_choices_give_the_markup_of_escaping_every_label(query, language):
    with translation.override(language):
        for _ in range(2):  # the second time from the prepared pieces
            form = _form(query)
            for name in ("unit", "attendance", "time_of_day", "spiritual_basis", "medication", "approach", "sort"):
                assert select_field(form[name]) == reference_select(form[name], gettext("Any"))
            assert checkbox_list(form["day"]) == reference_checkboxes(form["day"])
        assert ("Hoy" in checkbox_list(form["day"])) == (language == "es")


def test_the_prepared_pieces_of_fixed_choices_follow_the_language():
    with translation.override("es"):
        spanish = checkbox_list(_form("")["day"])
    with translation.override("en"):
        english = checkbox_list(_form("")["day"])
    assert "Hoy" in spanish and "Today" not in spanish
    assert "Today" in english and "Hoy" not in english


@pytest.mark.parametrize("query", ["", "program=a-b&program=c&type=t-1&language=l-1"])
def test_the_cached_database_choices_give_the_markup_of_escaping_every_label(query):
    make_program(slug="a-b", name='Alcoholics & "Friends" <Anonymous>')
    make_program(slug="c", name="C's")
    make_type(code="t-1", name="<b>Bold</b> & more", category="audience")
    make_type(code="t-2", name="Other", category="format")
    make_type(code="l-1", name="Français & <Deutsch>", category="language")
    form = _form(query)
    choices = choice_lists(form)
    cached = choice_lists(form)  # read back from the cache
    assert isinstance(cached["program"], PreparedChoices)
    for lists in (choices, cached):
        programs = lists["program"]
        assert checkbox_list(form["program"], programs) == reference_checkboxes(form["program"], programs)
        assert select_field(form["language"], None, lists["language"]) == reference_select(
            form["language"], choices=lists["language"]
        )
        for _category, items in lists["type"]:
            assert checkbox_list(form["type"], items) == reference_checkboxes(form["type"], items)
    # Plain (value, label) lists, e.g. from a cache written before the pieces existed, still work.
    plain = [tuple(pair) for pair in cached["program"]]
    assert checkbox_list(form["program"], plain) == checkbox_list(form["program"], cached["program"])


def test_prepared_choices_are_value_label_pairs_that_survive_pickling():
    choices = PreparedChoices([("", "Any"), ("a&b", "A <&> B")])
    copy = pickle.loads(pickle.dumps(choices, pickle.HIGHEST_PROTOCOL))
    assert copy == [("", "Any"), ("a&b", "A <&> B")] and dict(copy)["a&b"] == "A <&> B"
    assert copy.pieces == [("", "", "Any"), ("a&b", "a&amp;b", "A &lt;&amp;&gt; B")]


# The meeting types of result rows


def _types_of(meeting):
    return [t.code for t in load_rows([meeting.pk])[0].type_list]


def test_result_rows_have_the_types_in_the_vocabularys_order():
    late = make_type(code="late", name="Late", category="format", position=200)
    early = make_type(code="early", name="Early", category="format", position=1)
    access = make_type(code="access", name="Wheelchair", category="accessibility")
    meeting = make_meeting(types=[late, early, access])
    assert _types_of(meeting) == [t.code for t in meeting.types.all()] == ["access", "early", "late"]


def test_result_rows_read_the_types_once_not_on_every_page():
    women = make_type(code="women", name="Women", category="audience", is_key=True)
    meeting = make_meeting(types=[women])
    assert _types_of(meeting) == ["women"]
    with CaptureQueriesContext(connection) as queries:
        assert _types_of(meeting) == ["women"]
    assert not [q["sql"] for q in queries if "meetings_meetingtype" in q["sql"]]


def test_a_changed_or_deleted_type_shows_at_once_in_result_rows(client):
    women = make_type(code="women", name="Women", category="audience", is_key=True)
    speaker = make_type(code="speaker", name="Speaker", category="format", is_key=True)
    make_meeting(name="Tuesday", types=[women, speaker])
    html = client.get("/meetings/", {"sort": "day"}).content.decode()
    assert "<li>Women</li>" in html and "<li>Speaker</li>" in html
    women.name, women.short_label = "Women only", "Women only"
    women.save()
    speaker.delete()
    html = client.get("/meetings/", {"sort": "day"}).content.decode()
    assert "<li>Women only</li>" in html and "Speaker" not in html


def test_a_type_added_without_signals_is_read_when_a_row_needs_it():
    women = make_type(code="women", name="Women", category="audience")
    meeting = make_meeting(types=[women])
    assert _types_of(meeting) == ["women"]
    # bulk_create sends no post_save: the process's vocabulary does not know the new type yet.
    (added,) = MeetingType.objects.bulk_create([MeetingType(code="added", name="Added", category="feature")])
    if added.pk is None:
        added = MeetingType.objects.get(code="added")
    meeting.types.add(added)
    assert _types_of(meeting) == ["women", "added"]


def test_a_type_id_that_no_longer_exists_is_left_out_and_not_read_again():
    women = make_type(code="women", name="Women", category="audience")
    meeting = make_meeting(types=[women])
    Meeting.objects.filter(pk=meeting.pk).update(type_ids=f",{women.pk},999999,")  # a stale copy
    assert _types_of(meeting) == ["women"]
    with CaptureQueriesContext(connection) as queries:
        assert _types_of(meeting) == ["women"]
    assert not [q["sql"] for q in queries if "meetings_meetingtype" in q["sql"]]


def test_the_type_vocabulary_is_forgotten_again_when_a_change_commits(django_capture_on_commit_callbacks):
    women = make_type(code="women", name="Women", category="audience")
    meeting = make_meeting(types=[women])
    with django_capture_on_commit_callbacks(execute=True):
        women.name = "Women only"
        women.save()
        # A page read before the commit (here: on the same connection) keeps the vocabulary again...
        assert [t.name for t in load_rows([meeting.pk])[0].type_list] == ["Women only"]
        MeetingType.objects.filter(pk=women.pk).update(name="Renamed without signals")
    # ...and the commit forgets it.
    assert [t.name for t in load_rows([meeting.pk])[0].type_list] == ["Renamed without signals"]
