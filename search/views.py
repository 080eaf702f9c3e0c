"""The search page and its JSON API: one FilterSet, a page of its results, their rows."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.paginator import InvalidPage, Paginator
from django.http import JsonResponse, QueryDict
from django.shortcuts import render
from django.template.defaulttags import querystring
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from directory.middleware import CONTENT_SECURITY_POLICY
from meetings.models import Meeting
from search.chips import active_filters, suggestions, understood
from search.filters import MeetingFilter
from search.meaning import notes_in
from search.paging import SearchResults
from search.quick import quick_choices
from search.rows import annotate_rows, as_feature, as_json
from search.vocabulary import choice_lists

PAGE_SIZE = 25
# The most meetings a map draws: more pins than this say nothing on a phone, and cost every visitor's data.
MAP_LIMIT = 500
# A search's state fits in far fewer characters; a longer query string is a mistake or an attack.
MAX_QUERY_STRING = 2048


def run_search(request, now=None):
    """(filterset, page of annotated meetings or None, error messages): shared by the page and the API."""
    filterset = MeetingFilter(request.GET, queryset=Meeting.objects.listed(), now=now or timezone.now())
    if len(request.META.get("QUERY_STRING", "")) > MAX_QUERY_STRING:
        return filterset, None, [_("The search is too long. Start a new search.")]
    if not filterset.is_valid():
        return filterset, None, form_errors(filterset.form)
    try:
        page = Paginator(SearchResults(filterset), PAGE_SIZE).page(request.GET.get("page") or 1)
    except InvalidPage:
        return filterset, None, [_("That page of results does not exist.")]
    data = filterset.form.cleaned_data
    annotate_rows(page.object_list, now=filterset.now, visitor_tz=filterset.visitor_tz, unit=data.get("unit") or "mi")
    return filterset, page, []


def form_errors(form):
    """A form's errors as sentences, each naming its field."""
    return [
        " ".join(errors) if name == "__all__" else f"{form[name].label}: {' '.join(errors)}"
        for name, errors in form.errors.items()
    ]


def search(request):
    filterset, page, errors = run_search(request)
    return render(
        request, "search/search.html", search_context(request, filterset, page, errors), status=400 if errors else 200
    )


def search_map(request):
    """The map view: the search's list, with distances (the map's replacement without JavaScript), and a map of
    its in-person meetings drawn only when the visitor asks; its images come only from MAP_TILE_URL."""
    filterset, page, errors = run_search(request)
    context = search_context(request, filterset, page, errors) | {
        "map_tiles": settings.MAP_TILE_URL,
        "map_attribution": settings.MAP_TILE_ATTRIBUTION,
        "map_attribution_url": settings.MAP_TILE_ATTRIBUTION_URL,
        "map_tile_host": urlsplit(settings.MAP_TILE_URL).netloc,
        "map_limit": MAP_LIMIT,
        "form_action": reverse("search:map"),
        "filters_url": _filters_url(request, "search:map-filters"),
    }
    response = render(request, "search/map.html", context, status=400 if errors else 200)
    # This view alone may show images from the tile server (once asked); every other page keeps 'self'.
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY.replace(
        "img-src 'self' data:", f"img-src 'self' data: {tile_origin()}"
    )
    return response


def tile_origin():
    parts = urlsplit(settings.MAP_TILE_URL)
    return f"{parts.scheme}://{parts.netloc}" if parts.netloc else ""


def search_geojson(request):
    """The in-person meetings of a search (the same FilterSet as the page), at most `limit` (MAX 500) of them in
    the page's order, as GeoJSON points for the map view."""
    limit, limit_errors = map_limit(request.GET.get("limit"))
    filterset = MeetingFilter(request.GET, queryset=Meeting.objects.listed().on_map(), now=timezone.now())
    errors = limit_errors or query_errors(request, filterset)
    if errors:
        return JsonResponse({"errors": errors}, status=400)
    results = SearchResults(filterset, scope=":map")
    unit = filterset.form.cleaned_data.get("unit") or "mi"
    meetings = annotate_rows(results[0:limit], now=filterset.now, visitor_tz=filterset.visitor_tz, unit=unit)
    query = detail_query(request, filterset)
    return JsonResponse(
        {
            "type": "FeatureCollection",
            "count": results.count(),
            "limit": limit,
            "features": [as_feature(meeting, meeting.get_absolute_url() + query) for meeting in meetings],
        },
        content_type="application/geo+json",
    )


def map_limit(text):
    """(limit, errors) of the map's `limit` parameter: 1 to MAP_LIMIT, MAP_LIMIT when not given."""
    if not text:
        return MAP_LIMIT, []
    # A few ASCII digits: str.isdigit() also takes "²" and "①", and int() refuses more than 4,300 digits.
    if not (text.isascii() and text.isdigit() and len(text) <= 4) or not 1 <= int(text) <= MAP_LIMIT:
        return None, [_("A map shows at most %(limit)d meetings: ask for fewer.") % {"limit": MAP_LIMIT}]
    return int(text), []


def query_errors(request, filterset):
    """The errors of a search's query string, as run_search() reports them."""
    if len(request.META.get("QUERY_STRING", "")) > MAX_QUERY_STRING:
        return [_("The search is too long. Start a new search.")]
    return [] if filterset.is_valid() else form_errors(filterset.form)


def all_filters(request, results="home"):
    """Every filter of the search on a page of its own, one tap from the results (the search page draws only its
    bar, and half the bytes): bound to the search's query, it submits to the results (or the map)."""
    filterset = MeetingFilter(request.GET, queryset=Meeting.objects.none(), now=timezone.now())
    errors = query_errors(request, filterset)
    context = {
        "filter": filterset,
        "form": filterset.form,
        "errors": errors,
        "choices": choice_lists(filterset.form),
        "form_action": reverse(results),
        "results_url": reverse(results) + querystring(None, request.GET, page=None),
    }
    return render(request, "search/filters.html", context, status=400 if errors else 200)


def search_context(request, filterset, page, errors):
    """What the search page and its map view draw."""
    choices = choice_lists(filterset.form)
    return {
        "filter": filterset,
        "form": filterset.form,
        "page": page,
        "errors": errors,
        "active": active_filters(request.GET, filterset.form, choices),
        "choices": choices,
        "detail_query": detail_query(request, filterset),
        "quick": quick_choices(request.GET, filterset.place is not None),
        "notes": notes_in(request.GET.get("q")),
        "understood": understood(request.GET.get("q"), choices) if page is not None else [],
        "suggestions": suggestions(request.GET, filterset) if page is not None and not page.paginator.count else [],
        "carried": carried(request.GET, filterset.form),
        "filters_url": _filters_url(request, "search:filters"),
        "map_query": request.GET.urlencode(),
        "start_list_query": _with_empty_list(request.GET),
    }


# The bar's own fields, and those the bar's form always holds: search.js writes the visitor's location, the order
# ("nearest first" with it) and the zone into them.
BAR_FIELDS = ("q", "near")
ALWAYS_CARRIED = ("lat", "lng", "sort", "tz")


def carried(query, form):
    """(name, value) of the hidden inputs of the bar's form: the search's other filters, so that a new keyword or
    place keeps them. A value in error is left out: the next search drops it, and keeps the rest."""
    kept = (*BAR_FIELDS, *ALWAYS_CARRIED)
    pairs = [
        (name, value)
        for name, values in query.lists()
        if name in form.fields and name not in kept and name not in form.errors
        for value in values
        if value != ""
    ]
    # Coordinates left behind by a typed place (which wins over them) are not carried on.
    dropped = {*form.errors, *(("lat", "lng") if query.get("near") else ())}
    return pairs + [(name, "" if name in dropped else query.get(name, "")) for name in ALWAYS_CARRIED]


def _filters_url(request, name):
    return reverse(name) + querystring(None, request.GET, page=None)


def _with_empty_list(query):
    """The query string with an empty referral list: the rows then offer "Add to referral list"."""
    started = query.copy()
    started["list"] = ""
    started.pop("page", None)
    return started.urlencode()


def detail_query(request, filterset):
    """The query string a result's link carries to the meeting's page: the visitor's zone (given, or the
    place's) and list, nothing else."""
    keep = QueryDict(mutable=True)
    zone = filterset.visitor_tz if filterset.is_valid() else ""
    if zone:
        keep["tz"] = zone
    if request.GET.get("list"):
        keep["list"] = request.GET["list"]
    return f"?{keep.urlencode()}" if keep else ""


def search_api(request):
    filterset, page, errors = run_search(request)
    if errors:
        return JsonResponse({"errors": errors}, status=400)
    return JsonResponse(
        {
            "count": page.paginator.count,
            "page": page.number,
            "num_pages": page.paginator.num_pages,
            "results": [as_json(meeting, request) for meeting in page.object_list],
        }
    )
