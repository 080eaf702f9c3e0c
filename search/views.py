"""The search page and its JSON API: one FilterSet, a page of results, their rows."""

import hashlib

from django.core.cache import cache
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from meetings.models import Meeting
from search import clock as timesearch
from search import keywords
from search.filters import MeetingFilter
from search.rows import annotate_rows, as_json, load_rows, meeting_url_maker
from search.vocabulary import active_filters, choice_lists

PAGE_SIZE = 25
# A search's state fits in far fewer characters; a longer query string is a mistake or an attack.
MAX_QUERY_STRING = 2048


def run_search(request, now=None):
    """Shared by the page and the API: the FilterSet, the page of results and any error messages."""
    now = now or timezone.now()
    filterset = MeetingFilter(request.GET, queryset=Meeting.objects.listed(), now=now)
    if len(request.META.get("QUERY_STRING", "")) > MAX_QUERY_STRING:
        return filterset, None, [_("The search is too long. Start a new search.")]
    if not filterset.is_valid():
        return (
            filterset,
            None,
            [
                f"{filterset.form[name].label}: {' '.join(errors)}" if name != "__all__" else " ".join(errors)
                for name, errors in filterset.errors.items()
            ],
        )
    queryset = filterset.qs
    paginator = Paginator(queryset, PAGE_SIZE)
    # Counting every match is the other slow part at scale; a count a minute old is good enough.
    paginator.count = cache.get_or_set(count_cache_key(request, now), queryset.count, 60)
    try:
        page = paginator.page(request.GET.get("page") or 1)
    except (EmptyPage, PageNotAnInteger):
        return filterset, None, [_("That page of results does not exist.")]
    offset = page.start_index() - 1 if paginator.count else 0
    # A keyword matching many meetings is checked on the first candidates in order (search.page_ids); a
    # rarer one is found by its indexes (search.keywords) with the other conditions, in one query.
    candidates, keyword = queryset, None
    if filterset.keyword is not None and paginator.count >= timesearch.LATE_MIN_MATCHES:
        candidates = filterset.before_keyword
        keyword = keywords.keyword_condition(filterset.keyword_text, per_row=True)
    if filterset.sort != "soonest":
        ids = timesearch.page_ids(candidates, offset, PAGE_SIZE, late=keyword)
    else:
        ids = timesearch.soonest_page_ids(
            candidates,
            now=now,
            zones=timesearch.meeting_zones(),
            offset=offset,
            limit=PAGE_SIZE,
            total=paginator.count,
            late=keyword,
            window=filterset.place is None,
            # A rare keyword is found by its own indexes with the other conditions: a few hundred to sort.
            start_order=filterset.keyword is None or keyword is not None,
            within=filterset.utc_window,
        )
    page.object_list = load_rows(ids, filterset.place)
    data = filterset.form.cleaned_data
    annotate_rows(page.object_list, now=now, visitor_tz=data.get("tz") or "", unit=data.get("unit") or "mi")
    return filterset, page, []


def count_cache_key(request, now):
    """Same filters give the same count (display-only parameters don't matter); time filters, in the same minute."""
    params = sorted((k, v) for k, v in request.GET.lists() if k not in ("page", "tz", "sort", "list"))
    # Only "now" and "today" change with the clock; other counts can be kept for the whole minute of the cache.
    depends_on_time = request.GET.get("now") or "today" in request.GET.getlist("day")
    digest = hashlib.sha256(repr((params, now.strftime("%Y%m%d%H%M") if depends_on_time else "")).encode())
    digest = digest.hexdigest()
    return f"search-count:{digest}"


def search(request):
    filterset, page, errors = run_search(request)
    # Cached (value, label) lists of the program, type and language choices: see search_state.
    choices = choice_lists(filterset.form)
    context = {
        "filter": filterset,
        "page": page,
        "errors": errors,
        "active": active_filters(request, filterset, choices),
        "choices": choices,
        "type_groups": choices["type"],
    }
    return render(request, "search/search.html", context, status=400 if errors else 200)


def search_api(request):
    filterset, page, errors = run_search(request)
    if errors:
        return JsonResponse({"errors": errors}, status=400)
    meeting_url = meeting_url_maker()
    return JsonResponse(
        {
            "count": page.paginator.count,
            "page": page.number,
            "num_pages": page.paginator.num_pages,
            "results": [as_json(meeting, request, path=meeting_url(meeting)) for meeting in page.object_list],
        }
    )
