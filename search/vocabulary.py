"""The state of a search: its active filters, each with a link that drops it (for the empty state and the
summary), and what the search page reads from the database's vocabularies (its choice lists, the meeting
types of its result rows) kept across requests."""

from dataclasses import dataclass
from uuid import uuid4

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from groups.models import Program
from meetings.models import MeetingType
from search.templatetags.form_tags import PreparedChoices

# Parameters that shape the display, not which meetings match.
NOT_FILTERS = {"page", "tz", "sort", "unit", "list", "lang"}

# Programs and meeting types change a few times a year, yet every search page lists them all: they are
# read once in a while instead of three queries a page. Saving or deleting one through Django (the admin,
# loaddata) forgets them at once; bulk writes (imports, generators) and other servers' local caches catch
# up within this many seconds.
CHOICES_TIMEOUT = 300
# The lists hold form_tags.PreparedChoices since version 2: a new key, so that servers still running the
# previous code (during a deployment) never read a class they do not have.
CHOICES_KEY = "search-choices-2"


def choice_lists(form):
    """{"program", "language": [(value, label)], "type": [(category, [(value, label)])]} in this language.

    The values and labels are the ones the form fields' own choices would give (to_field_name values,
    label_from_instance labels); the fields still validate against the database. Each list is a
    form_tags.PreparedChoices, with its HTML-escaped pieces for the form's tags.
    """
    language = get_language() or ""
    by_language = cache.get(CHOICES_KEY) or {}
    lists = by_language.get(language)
    if lists is None:
        lists = by_language[language] = _build_choice_lists(form)
        cache.set(CHOICES_KEY, by_language, CHOICES_TIMEOUT)
    return lists


def _field_choices(field):
    """(value, label) pairs as iterating the field gives them, its empty choice included."""
    return PreparedChoices(
        ("" if value is None else str(getattr(value, "value", value)), str(label))  # ModelChoiceIteratorValue
        for value, label in field.choices
    )


def _build_choice_lists(form):
    fields = form.fields
    categories = {value: str(label) for value, label in MeetingType.Category.choices}
    type_field, groups = fields["type"], {}
    # Grouped by category in the field's order (the model's: category, position, name).
    for meeting_type in type_field.queryset:
        groups.setdefault(categories.get(meeting_type.category, meeting_type.category), []).append(
            (str(type_field.prepare_value(meeting_type)), str(type_field.label_from_instance(meeting_type)))
        )
    return {
        "program": _field_choices(fields["program"]),
        "type": [(category, PreparedChoices(items)) for category, items in groups.items()],
        "language": _field_choices(fields["language"]),
    }


# The meeting types and programs of result rows (presenters.load_rows) come from a copy of each whole
# vocabulary kept in each process, instead of a query (or a join and 25 more objects) per page. The copy is
# used while the token it was read under is still in the shared cache: saving or deleting a type or a
# program, or clearing the cache, forgets the token, so every process reads them again; bulk writes are
# seen within TYPES_TIMEOUT, or at once when they add a type or program a page needs.
TYPES_KEY = "search-types-token"
TYPES_TIMEOUT = 60


@dataclass(frozen=True)
class _Vocabulary:
    token: str | None
    types: dict  # {id: MeetingType} in the model's order
    programs: dict  # {id: Program}
    missing: frozenset  # type ids found missing under this token


_vocabulary = None


def _current_vocabulary(type_ids=frozenset(), program_ids=frozenset()):
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

    One look at the token for a page's rows. The instances are shared by every request of the process: read
    them, never change them.
    """
    vocabulary = _current_vocabulary(type_ids=type_ids, program_ids=program_ids)
    return [meeting_type for pk, meeting_type in vocabulary.types.items() if pk in type_ids], vocabulary.programs


def programs_by_slug():
    """{slug: Program} of every program, by name, from the process's copy (see vocabulary_for)."""
    programs = _current_vocabulary().programs.values()
    return {program.slug: program for program in sorted(programs, key=lambda program: program.name)}


def types_by_code():
    """{code: MeetingType} of the types other than languages (the search's "type" choices), in the model's
    order, from the process's copy."""
    language = MeetingType.Category.LANGUAGE
    return {t.code: t for t in _current_vocabulary().types.values() if t.category != language}


def forget_choice_lists(**kwargs):
    cache.delete_many([CHOICES_KEY, TYPES_KEY])
    # Again once the change is committed: a page rendered meanwhile may have cached the old lists.
    transaction.on_commit(lambda: cache.delete_many([CHOICES_KEY, TYPES_KEY]), using=kwargs.get("using"))


for _model in (Program, MeetingType):
    post_save.connect(forget_choice_lists, sender=_model, dispatch_uid=f"search-choices-saved-{_model.__name__}")
    post_delete.connect(forget_choice_lists, sender=_model, dispatch_uid=f"search-choices-deleted-{_model.__name__}")


def active_filters(request, filterset, choices=None):
    """The filters in the query string, each {label, value, drop_url}; `choices` from choice_lists()."""
    form = filterset.form
    # Labels of database choices from the cached lists, so naming a filter runs no query.
    known = {}
    if choices is not None:
        known = {
            "program": dict(choices["program"]),
            "language": dict(choices["language"]),
            "type": {value: label for _category, items in choices["type"] for value, label in items},
        }
    active = []
    for name in request.GET:
        if name in NOT_FILTERS or name not in form.fields:
            continue
        field = form.fields[name]
        if name in known:
            choices_of_field = known[name]
        else:
            choices_of_field = dict((str(k), v) for k, v in getattr(field, "choices", []) if k != "")
        for value in request.GET.getlist(name):
            if value == "":
                continue
            rest = request.GET.copy()
            rest.setlist(name, [v for v in request.GET.getlist(name) if v != value])
            rest.pop("page", None)
            if name in ("near", "lat", "lng"):
                for linked in ("near", "lat", "lng", "radius"):
                    rest.pop(linked, None)
            label = field.label or name
            shown = choices_of_field.get(value, value)
            if name == "radius":
                shown = f"{value} {'km' if request.GET.get('unit') == 'km' else 'mi'}"
            if name in ("lat", "lng"):
                label, shown = _("Near"), _("your location")
            entry = {"label": label, "value": shown, "drop_url": "?" + rest.urlencode()}
            if entry not in active:
                active.append(entry)
    return active
