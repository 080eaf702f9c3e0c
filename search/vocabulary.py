"""The vocabularies a search page shows on every request (programs and meeting types), kept across requests.

Programs and meeting types change a few times a year, yet every search page lists them all as choices and
names them in its rows: reading them once in a while instead of on every page saves three queries a page
and a join per row. Saving or deleting one through Django (the admin, loaddata) forgets them at once; bulk
writes (imports, generators) and other servers' copies catch up within the timeouts below.
"""

from dataclasses import dataclass
from uuid import uuid4

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils.translation import get_language

from groups.models import Program
from meetings.models import MeetingType

CHOICES_KEY = "search-choices-3"
CHOICES_TIMEOUT = 300
# The token naming the current copy of the vocabularies in each process (see _current).
TYPES_KEY = "search-types-token"
TYPES_TIMEOUT = 60


def choice_lists(form):
    """{"program", "language": [(value, label)], "type": [(category, [(value, label)])]} in this language,
    as the form fields' own choices give them (the fields still validate against the database)."""
    language = get_language() or ""
    by_language = cache.get(CHOICES_KEY) or {}
    lists = by_language.get(language)
    if lists is None:
        lists = by_language[language] = _build_choice_lists(form)
        cache.set(CHOICES_KEY, by_language, CHOICES_TIMEOUT)
    return lists


def use_cached_choices(form):
    """Give the widgets of the form's program and language fields their choices from choice_lists(), so
    showing the form reads no table (the fields still validate against the database)."""
    lists = choice_lists(form)
    form.fields["program"].widget.choices = lists["program"]
    form.fields["language"].widget.choices = [("", "")] + lists["language"]
    return lists


def _field_choices(field):
    return [(str(getattr(value, "value", value)), str(label)) for value, label in field.choices if value != ""]


def _build_choice_lists(form):
    fields = form.fields
    categories = dict(MeetingType.Category.choices)
    type_field, groups = fields["type"], {}
    # Grouped by category in the field's order (the model's: category, position, name).
    for meeting_type in type_field.queryset:
        label = str(categories.get(meeting_type.category, meeting_type.category))
        groups.setdefault(label, []).append((meeting_type.code, str(type_field.label_from_instance(meeting_type))))
    return {
        "program": _field_choices(fields["program"]),
        "type": list(groups.items()),
        "language": _field_choices(fields["language"]),
    }


@dataclass(frozen=True)
class _Vocabulary:
    token: str | None
    types: dict  # {id: MeetingType} in the model's order
    programs: dict  # {id: Program}
    missing: frozenset  # type ids found missing under this token


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
    cache.delete_many([CHOICES_KEY, TYPES_KEY])
    # Again once the change is committed: a page rendered meanwhile may have cached the old lists.
    transaction.on_commit(lambda: cache.delete_many([CHOICES_KEY, TYPES_KEY]), using=kwargs.get("using"))


for _model in (Program, MeetingType):
    post_save.connect(forget_vocabularies, sender=_model, dispatch_uid=f"search-choices-saved-{_model.__name__}")
    post_delete.connect(forget_vocabularies, sender=_model, dispatch_uid=f"search-choices-deleted-{_model.__name__}")
