"""The state of a search: its active filters, each with a link that drops it (for the empty state and the
summary), and the search form's choice lists that come from the database."""

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from groups.models import Program
from meetings.models import MeetingType

# Parameters that shape the display, not which meetings match.
NOT_FILTERS = {"page", "tz", "sort", "unit", "list", "lang"}

# Programs and meeting types change a few times a year, yet every search page lists them all: they are
# read once in a while instead of three queries a page. Saving or deleting one through Django (the admin,
# loaddata) forgets them at once; bulk writes (imports, generators) and other servers' local caches catch
# up within this many seconds.
CHOICES_TIMEOUT = 300
CHOICES_KEY = "search-choices"


def choice_lists(form):
    """{"program", "language": [(value, label)], "type": [(category, [(value, label)])]} in this language.

    The values and labels are the ones the form fields' own choices would give (to_field_name values,
    label_from_instance labels); the fields still validate against the database.
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
    return [
        ("" if value is None else str(getattr(value, "value", value)), str(label))  # ModelChoiceIteratorValue
        for value, label in field.choices
    ]


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
        "type": list(groups.items()),
        "language": _field_choices(fields["language"]),
    }


def forget_choice_lists(**kwargs):
    cache.delete(CHOICES_KEY)
    # Again once the change is committed: a page rendered meanwhile may have cached the old lists.
    transaction.on_commit(lambda: cache.delete(CHOICES_KEY), using=kwargs.get("using"))


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
