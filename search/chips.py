"""The active filters of a search, each with a link that drops it: the summary above the results and the
empty state's suggestions (the markup is search/jinja2/search/results.html)."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from search.paging import DISPLAY_PARAMETERS

# Dropping the place (typed, or the visitor's location) drops all of these.
PLACE_PARAMETERS = ("near", "lat", "lng", "radius")


@dataclass(frozen=True)
class Chip:
    label: str
    value: str
    drop_url: str


def active_filters(query, form, choices):
    """The chips of the filters in `query` (request.GET); `choices` from search.vocabulary.choice_lists()."""
    labels = _choice_labels(form, choices)
    chips = []
    for name, value in _filter_values(query, form):
        chip = Chip(_label(form, name), _shown(query, name, value, labels), "?" + _without(query, name, value))
        if chip not in chips:
            chips.append(chip)
    return chips


def _filter_values(query, form):
    for name in query:
        if name in DISPLAY_PARAMETERS or name not in form.fields:
            continue
        for value in query.getlist(name):
            if value != "":
                yield name, value


def _choice_labels(form, choices):
    """{field name: {value: label}} from the cached lists, so naming a filter runs no query."""
    return {name: dict(items) for name, items in choices.items() if name != "type_groups"}


def _label(form, name):
    if name in ("lat", "lng"):
        return _("Near")
    return form.fields[name].label or name


def _shown(query, name, value, labels):
    if name in ("lat", "lng"):
        return _("your location")
    if name == "radius":
        return f"{value} {'km' if query.get('unit') == 'km' else 'mi'}"
    return labels.get(name, {}).get(value, value)


def _without(query, name, value):
    """The query string without this filter's value (and without the page, which may no longer exist)."""
    rest = query.copy()
    rest.setlist(name, [kept for kept in query.getlist(name) if kept != value])
    rest.pop("page", None)
    if name in ("near", "lat", "lng"):
        for linked in PLACE_PARAMETERS:
            rest.pop(linked, None)
    return rest.urlencode()
