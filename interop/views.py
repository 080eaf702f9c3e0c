"""The Meeting Guide feed, its schema, and a BMLT-compatible semantic API: short views over plain functions."""

import hashlib
from itertools import chain

from django.conf import settings
from django.db.models import Count, Max
from django.http import FileResponse, HttpResponseBase, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from django.views.decorators.http import require_safe

from groups.models import Program
from interop import bmlt
from interop.meeting_guide import feed_chunks
from interop.validation import SCHEMA_PATH
from meetings.models import Meeting, Region

FEED_MAX_AGE = 300


def _feed_response(request, meetings, program_slug=""):
    """A streamed feed with ETag and Last-Modified, so caches and TSML UI can revalidate cheaply."""
    stamp = meetings.listed().aggregate(count=Count("pk"), latest=Max("updated"), venue=Max("location__updated"))
    latest = max(filter(None, (stamp["latest"], stamp["venue"])), default=None)
    fingerprint = f"{stamp['count']}|{latest}|{sorted(settings.FEED_ENTITY.items())}|{settings.FEED_FEEDBACK_URL}"
    etag = '"' + hashlib.sha256(fingerprint.encode()).hexdigest()[:32] + '"'
    last_modified = latest.timestamp() if latest else None
    response = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if response is None:
        base_url = request.build_absolute_uri("/")
        chunks = feed_chunks(meetings, base_url=base_url, program_slug=program_slug)
        response = StreamingHttpResponse(chunks, content_type="application/json")
    response["ETag"] = etag
    if last_modified:
        response["Last-Modified"] = http_date(last_modified)
    patch_cache_control(response, public=True, max_age=FEED_MAX_AGE)
    # Finders such as TSML UI read feeds from other sites in the browser.
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_safe
def feed(request):
    return _feed_response(request, Meeting.objects.all())


@require_safe
def program_feed(request, slug):
    program = get_object_or_404(Program, slug=slug)
    return _feed_response(request, Meeting.objects.filter(program=program), program_slug=program.slug)


@require_safe
def region_feed(request, slug):
    region = get_object_or_404(Region, slug=slug)
    return _feed_response(request, Meeting.objects.filter(location__region_id__in=region.descendant_ids()))


@require_safe
def feed_schema(request):
    response = FileResponse(SCHEMA_PATH.open("rb"), content_type="application/schema+json")
    patch_cache_control(response, public=True, max_age=3600)
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _semantic_search(request):
    meetings, centre = bmlt.search_meetings(request.GET)
    page = bmlt.paginate(request.GET, meetings)
    writer = bmlt.SemanticWriter(request.GET, root_uri=_root_uri(request), centre=centre)
    # Flags that count by being there, with any value or none: crouton sends a bare `get_used_formats`.
    if "get_formats_only" in request.GET:
        return {"formats": writer.used_formats(bmlt.used_type_ids(meetings if page is None else page))}
    envelope = "get_used_formats" in request.GET
    if page is not None:
        items = writer.items(page)
    else:
        batches = writer.batches(meetings)
        items = next(batches, [])
        if len(items) == bmlt.BATCH_SIZE:
            # A large answer, up to a whole directory: BMLT clients expect every meeting, so it is streamed.
            chunks = bmlt.json_chunks(chain([items], batches), used_formats=writer.used_formats if envelope else None)
            return StreamingHttpResponse(chunks, content_type="application/json")
    return {"meetings": items, "formats": writer.used_formats()} if envelope else items


def _root_uri(request):
    """This server's root as crouton matches it (root_server_uri on every meeting and format)."""
    return request.build_absolute_uri("/").rstrip("/")


SWITCHERS = {
    "GetSearchResults": _semantic_search,
    "GetFormats": lambda request: bmlt.formats(request.GET, root_uri=_root_uri(request)),
    "GetServiceBodies": lambda request: bmlt.service_bodies(request.GET),
    "GetFieldKeys": lambda request: bmlt.field_keys(),
    "GetFieldValues": lambda request: bmlt.field_values(request.GET),
    "GetServerInfo": lambda request: bmlt.server_info(),
    "GetCoverageArea": lambda request: bmlt.coverage_area(),
    "GetChanges": lambda request: bmlt.changes(request.GET),
}


def _bmlt_error(message, status=400):
    response = JsonResponse({"error": message}, status=status)
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_safe
def bmlt_semantic(request, data_format="json"):
    """BMLT's /client_interface/json/ and /jsonp/ (the JSON wrapped in `callback(...)`, as crouton loads it)."""
    callback = None
    if data_format == "jsonp":
        callback = request.GET.get("callback", "callback")
        if not bmlt.CALLBACK.fullmatch(callback):
            return _bmlt_error("callback must be a JavaScript function name such as jsonp_123 or my.handler.")
    switcher = request.GET.get("switcher", "")
    handler = SWITCHERS.get(switcher)
    if handler is None:
        return _bmlt_error(f"Unknown or missing switcher {switcher[:40]!r}; use one of: {', '.join(SWITCHERS)}.")
    try:
        payload = handler(request)
    except bmlt.BadRequest as error:
        return _bmlt_error(str(error))
    if callback:
        response = bmlt.jsonp_response(payload, callback)
    else:
        response = payload if isinstance(payload, HttpResponseBase) else JsonResponse(payload, safe=False)
    response["Access-Control-Allow-Origin"] = "*"
    return response
