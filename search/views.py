"""The search page and its JSON API: one FilterSet, a page of its results, their rows."""

from django.core.paginator import InvalidPage, Paginator
from django.http import JsonResponse, QueryDict
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from meetings.models import Meeting
from search.chips import active_filters, suggestions, understood
from search.filters import MeetingFilter
from search.meaning import notes_in
from search.paging import SearchResults
from search.quick import quick_choices
from search.rows import annotate_rows, as_json
from search.vocabulary import choice_lists

PAGE_SIZE = 25
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
    choices = choice_lists(filterset.form)
    context = {
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
    }
    return render(request, "search/search.html", context, status=400 if errors else 200)


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
