"""The filter bar's quick choices: what people ask most, each a link that sets (or, when set, drops) one GET
parameter of the current search."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.utils.translation import gettext_lazy as _

from search import vocabulary

WHEN = (
    ("now", _("Now")),
    ("later_today", _("Later today")),
    ("tonight", _("Tonight")),
    ("tomorrow_morning", _("Tomorrow morning")),
)
# (parameter, value, label): a kind of room, as a meeting type (or the meeting's language).
ROOMS = (
    ("type", "medication-friendly", _("Medication-friendly")),
    ("type", "women", _("Women")),
    ("type", "men", _("Men")),
    ("type", "secular", _("Secular")),
    ("language", "spanish", _("Spanish-speaking")),
    ("type", "wheelchair-access", _("Wheelchair access")),
)
# Parameters a "when" choice replaces, and that "online" replaces.
TIME_PARAMETERS = ("now", "day", "time_of_day")
PLACE_PARAMETERS = ("near", "lat", "lng", "radius", "include_online", "sort")


@dataclass(frozen=True)
class Choice:
    label: str
    url: str
    active: bool


def quick_choices(query, has_place):
    """[(group label, [Choice])]: when, where and the room."""
    return [
        (_("When"), [_toggle(query, "when", value, label, drop=TIME_PARAMETERS) for value, label in WHEN]),
        (_("Where"), _where(query, has_place)),
        (_("Room"), _rooms(query)),
    ]


def _where(query, has_place):
    online = _toggle(query, "attendance", "online", _("Online"), drop=PLACE_PARAMETERS)
    if not has_place:
        return [Choice(str(_("Near a place")), "#id_near", False), online]
    near_only = query.get("include_online") != "1" and query.get("attendance") != "online"
    return [
        Choice(str(_("Near here")), _with(query, drop=("include_online",)), near_only),
        _toggle(query, "include_online", "1", _("Near or online")),
        online,
    ]


def _rooms(query):
    known = vocabulary.type_ids_by_code()
    return [_toggle(query, name, value, label, many=name == "type") for name, value, label in ROOMS if value in known]


def _toggle(query, name, value, label, drop=(), many=False):
    """The choice: a link that sets the value (added to the others when `many`), or drops it when set."""
    values = query.getlist(name)
    active = value in values
    if active:
        kept = [other for other in values if other != value]
        return Choice(str(label), _with(query, **{name: kept}), True)
    chosen = [*values, value] if many else [value]
    return Choice(str(label), _with(query, drop=drop, **{name: chosen}), False)


def _with(query, drop=(), **lists):
    """The query string with these parameters dropped (and the page) and these lists set, in the query's order."""
    # Read as pairs, not copied: QueryDict.copy() deep-copies the query, and a page draws 13 of these links.
    left_out = {*drop, "page", *lists}
    pairs = [(name, value) for name, values in query.lists() if name not in left_out for value in values]
    pairs += [(name, value) for name, values in lists.items() for value in values]
    return "?" + urlencode(pairs)
