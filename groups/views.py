from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from groups.filters import ATTENDANCE, FinderForm, ProgramFilter, find_programs
from groups.models import Program
from meetings.models import Meeting, Status

ONLINE, IN_PERSON, INACTIVE = ATTENDANCE["online"], ATTENDANCE["in_person"], Status.INACTIVE
FACT_LABELS = [label for _field, label in Program.FACT_FIELDS]


def program_detail(request, slug):
    program = get_object_or_404(Program, slug=slug)
    meetings = Meeting.objects.listed().filter(program=program).for_display().in_day_order()
    page = Paginator(meetings, 50).get_page(request.GET.get("page"))
    return render(request, "groups/program_detail.html", {"program": program, "page": page})


def program_compare(request):
    programs = Program.objects.with_meeting_counts().annotate(
        online_count=Count("meetings", filter=Q(meetings__attendance__in=ONLINE) & ~Q(meetings__status=INACTIVE)),
        in_person_count=Count(
            "meetings", filter=Q(meetings__attendance__in=IN_PERSON) & ~Q(meetings__status=INACTIVE)
        ),
    )
    filterset = ProgramFilter(request.GET or None, queryset=programs)
    valid = filterset.is_valid() if request.GET else True
    context = {"filterset": filterset, "programs": filterset.qs if valid else [], "fact_labels": FACT_LABELS}
    return render(request, "groups/compare.html", context, status=200 if valid else 400)


def program_finder(request):
    form = FinderForm(request.GET)
    answered = any(request.GET.get(name) for name in form.fields)
    if not form.is_valid():
        return render(request, "groups/finder.html", {"form": form, "answered": False}, status=400)
    matches = find_programs(form.cleaned_data, now=timezone.now()) if answered else []
    return render(request, "groups/finder.html", {"form": form, "answered": answered, "matches": matches})
