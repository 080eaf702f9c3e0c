"""The active filters of a search, each with a link that drops it: the summary above the results and the
empty state's suggestions (the markup is search/jinja2/search/results.html)."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from search.filters import DEFAULT_RADIUS, MAX_RADIUS
from search.meaning import meaning_of
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
    typed_place = bool(query.get("near"))
    for name in query:
        if name in DISPLAY_PARAMETERS or name not in form.fields:
            continue
        if typed_place and name in ("lat", "lng"):
            continue  # the typed place is the search's (MeetingSearchForm._place)
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


@dataclass(frozen=True)
class Suggestion:
    label: str
    url: str


def understood(text, choices):
    """[(word, [names])] of the keyword's words that name a kind of room or a program (search.meaning), so the
    page says what it searched for."""
    names = {**dict(choices["type"]), **dict(choices["language"]), **dict(choices["program"])}
    found = []
    for word in (text or "").split():
        meaning = meaning_of(word)
        if meaning is not None:
            shown = [names[key] for key in (*meaning.types, *meaning.programs) if names.get(key)]
            if shown:
                found.append((word, shown))
    return found


def suggestions(query, filterset):
    """The nearest useful searches when one finds nothing: the same room online, a wider radius, near or
    online, later today (each a link; none is counted in advance)."""
    found = []
    place = filterset.place
    data = filterset.form.cleaned_data
    if place is not None and data.get("attendance") != "online":
        online = _changed(query, drop=(*PLACE_PARAMETERS, "include_online", "sort"), attendance="online")
        found.append(Suggestion(_("The same meetings online"), online))
    if place is not None:
        unit = "km" if data.get("unit") == "km" else "mi"
        radius = float(data.get("radius") or DEFAULT_RADIUS)
        wider = int(min(MAX_RADIUS, max(50, radius * 3)))
        if wider > radius:
            label = _("Within %(radius)s %(unit)s") % {"radius": wider, "unit": unit}
            found.append(Suggestion(label, _changed(query, radius=str(wider))))
        if not data.get("include_online"):
            found.append(Suggestion(_("Near here or online"), _changed(query, include_online="1")))
    if any(data.get(name) for name in TIME_PARAMETERS) and data.get("when") != "later_today":
        found.append(Suggestion(_("Later today"), _changed(query, drop=TIME_PARAMETERS, when="later_today")))
    return found


# Dropped together when a suggestion widens the time.
TIME_PARAMETERS = ("when", "now", "time_of_day", "day", "starts_after", "starts_before")


def _changed(query, drop=(), **values):
    rest = query.copy()
    for name in (*drop, "page"):
        rest.pop(name, None)
    for name, value in values.items():
        rest[name] = value
    return "?" + rest.urlencode()
