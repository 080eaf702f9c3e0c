from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from groups.filters import ProgramFilter
from groups.finder import FinderForm, find_programs
from groups.models import Program

FACT_LABELS = [label for _field, label in Program.FACT_FIELDS]


def program_list(request):
    programs = Program.objects.with_meeting_counts()
    return render(
        request,
        "groups/programs.html",
        {
            "recovery_programs": [p for p in programs if p.audience == "recovery"],
            "family_programs": [p for p in programs if p.audience == "family"],
        },
    )


def program_detail(request, slug):
    program = get_object_or_404(Program, slug=slug)
    page = Paginator(program.listed_meetings(), 50).get_page(request.GET.get("page"))
    return render(request, "groups/program_detail.html", {"program": program, "page": page})


def program_compare(request):
    filterset = ProgramFilter(request.GET or None, queryset=Program.objects.all())
    valid = filterset.is_valid() if request.GET else True
    programs = filterset.qs.with_meeting_counts() if valid else []
    context = {"filterset": filterset, "programs": programs, "fact_labels": FACT_LABELS}
    return render(request, "groups/compare.html", context, status=200 if valid else 400)


def program_finder(request):
    form = FinderForm(request.GET)
    answered = any(request.GET.get(name) for name in form.fields)
    if not form.is_valid():
        return render(request, "groups/finder.html", {"form": form, "answered": False}, status=400)
    matches = find_programs(form.cleaned_data, now=timezone.now()) if answered else []
    return render(request, "groups/finder.html", {"form": form, "answered": answered, "matches": matches})
