"""The active filters of a search, each with a link that drops it (for the empty state and the summary)."""

from django.utils.translation import gettext as _

# Parameters that shape the display, not which meetings match.
NOT_FILTERS = {"page", "tz", "sort", "unit", "list", "lang"}


def active_filters(request, filterset):
    form = filterset.form
    active = []
    for name in request.GET:
        if name in NOT_FILTERS or name not in form.fields:
            continue
        field = form.fields[name]
        choices = dict((str(k), v) for k, v in getattr(field, "choices", []) if k != "")
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
            shown = choices.get(value, value)
            if name == "radius":
                shown = f"{value} {'km' if request.GET.get('unit') == 'km' else 'mi'}"
            if name in ("lat", "lng"):
                label, shown = _("Near"), _("your location")
            entry = {"label": label, "value": shown, "drop_url": "?" + rest.urlencode()}
            if entry not in active:
                active.append(entry)
    return active
