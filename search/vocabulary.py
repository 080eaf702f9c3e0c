"""The vocabularies a search page shows and checks on every request (programs and meeting types), kept across
requests in each process.

Programs and meeting types change a few times a year, yet every search page lists them all as choices,
checks the ones chosen, and names them in its rows: a copy kept in each process saves queries on every page
and a join per row. Saving or deleting one through Django (the admin, loaddata) forgets the copies at once;
bulk writes (imports, generators) and other servers' copies catch up within TYPES_TIMEOUT.
"""

from dataclasses import dataclass, field
from uuid import uuid4

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils.translation import get_language

from groups.models import Program
from meetings.models import MeetingType

# The token naming the current copy of the vocabularies in each process (see _current).
TYPES_KEY = "search-types-token"
TYPES_TIMEOUT = 60
# Fields whose choices come from the database, through the process's copy of the vocabularies.
VOCABULARY_FIELDS = ("program", "type", "language")


def program_choices():
    """(slug, name) of every program, by name: the search's program choices."""
    programs = sorted(_current().programs.values(), key=lambda program: program.name)
    return [(program.slug, program.name) for program in programs]


def type_choices():
    """(code, name in the page's language) of the meeting types other than languages, in the model's order."""
    return [(code, label) for _category, items in type_groups() for code, label in items]


def type_groups():
    """[(category, [(code, name)])] of the meeting types other than languages, in the model's order (worked
    out once per copy of the vocabulary and language: a search asks twice, to check and to draw)."""
    vocabulary, language = _current(), get_language() or ""
    groups = vocabulary.groups_by_language.get(language)
    if groups is None:
        categories, found = dict(MeetingType.Category.choices), {}
        for meeting_type in vocabulary.types.values():
            if meeting_type.category != MeetingType.Category.LANGUAGE:
                category = str(categories.get(meeting_type.category, meeting_type.category))
                found.setdefault(category, []).append((meeting_type.code, meeting_type.display_name))
        groups = vocabulary.groups_by_language[language] = list(found.items())
    return groups


def language_choices():
    """(code, name) of the language meeting types, by name, after the empty choice ("any language")."""
    languages = [t for t in _current().types.values() if t.category == MeetingType.Category.LANGUAGE]
    return [("", "")] + [(t.code, t.display_name) for t in sorted(languages, key=lambda t: t.name)]


def type_ids_by_code():
    """{code: id} of every meeting type."""
    return {meeting_type.code: pk for pk, meeting_type in _current().types.items()}


def program_ids_by_slug():
    """{slug: id} of every program."""
    return {program.slug: pk for pk, program in _current().programs.items()}


def choice_lists(form):
    """{field name: [(value, label)]} of every choice field of the search form, in the page's language and as
    plain text, and "type_groups": the form is drawn from these, reading no table."""
    language = get_language() or ""
    fixed = _fixed_choices.get(language)
    if fixed is None:
        # The fields' own choices are lazily translated labels, the same for every page in a language.
        fixed = _fixed_choices[language] = {
            name: [(str(value), str(label)) for value, label in field.choices]
            for name, field in form.fields.items()
            if hasattr(field, "choices") and name not in VOCABULARY_FIELDS
        }
    groups = type_groups()
    return fixed | {
        "program": program_choices(),
        "type": [choice for _category, items in groups for choice in items],
        "type_groups": groups,
        "language": language_choices(),
    }


_fixed_choices = {}


@dataclass(frozen=True)
class _Vocabulary:
    token: str | None
    types: dict  # {id: MeetingType} in the model's order
    programs: dict  # {id: Program}
    missing: frozenset  # type ids found missing under this token
    groups_by_language: dict = field(default_factory=dict)  # type_groups(), as each language names them


_vocabulary = None


def _current(type_ids=frozenset(), program_ids=frozenset()):
    """The process's copy of the vocabularies, read again when the token changed or something is missing."""
    global _vocabulary
    token, known = cache.get(TYPES_KEY), _vocabulary
    if (
        token is not None
        and known is not None
        and known.token == token
        and type_ids.difference(known.types) <= known.missing
        and program_ids <= known.programs.keys()
    ):
        return known
    types = {meeting_type.pk: meeting_type for meeting_type in MeetingType.objects.all()}
    programs = {program.pk: program for program in Program.objects.all()}
    if token is None:
        token = uuid4().hex
        if not cache.add(TYPES_KEY, token, TYPES_TIMEOUT):
            token = None  # another process read them meanwhile, maybe after a change: read them again
    # Type ids still missing (a type deleted since a meeting's type_ids was written) are not read again
    # on every page that shows the meeting.
    missing = type_ids | known.missing if known is not None and known.token == token else type_ids
    _vocabulary = _Vocabulary(token, types, programs, frozenset(missing - types.keys()))
    return _vocabulary


def vocabulary_for(type_ids, program_ids):
    """(the MeetingTypes with these ids in the model's order (category, position, name), {id: Program}).

    The instances are shared by every request of the process: read them, never change them.
    """
    vocabulary = _current(type_ids=type_ids, program_ids=program_ids)
    return [meeting_type for pk, meeting_type in vocabulary.types.items() if pk in type_ids], vocabulary.programs


def forget_vocabularies(**kwargs):
    cache.delete(TYPES_KEY)
    # Again once the change is committed: a page read meanwhile may have kept the old vocabularies.
    transaction.on_commit(lambda: cache.delete(TYPES_KEY), using=kwargs.get("using"))


for _model in (Program, MeetingType):
    post_save.connect(forget_vocabularies, sender=_model, dispatch_uid=f"search-choices-saved-{_model.__name__}")
    post_delete.connect(forget_vocabularies, sender=_model, dispatch_uid=f"search-choices-deleted-{_model.__name__}")
