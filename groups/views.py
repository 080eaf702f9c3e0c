from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from groups.cautions import CAUTIONS
from groups.filters import MAX_COMPARED, ProgramFilter
from groups.finder import FinderForm, find_programs, where_to_meet
from groups.models import Program, compare_rows

FACT_LABELS = [label for _field, label in Program.FACT_FIELDS]


def program_list(request):
    programs = Program.objects.with_meeting_counts()
    caution = CAUTIONS["narconon"]
    return render(
        request,
        "groups/programs.html",
        {
            "recovery_programs": [p for p in programs if p.audience == "recovery"],
            "family_programs": [p for p in programs if p.audience == "family"],
            "caution": caution,
            "caution_programs": [p for p in programs if p.slug in caution["see"]],
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
    slugs = request.GET.getlist("program")
    chosen = valid and bool(slugs)
    if chosen:  # in the order they were chosen
        programs.sort(key=lambda program: slugs.index(program.slug))
    context = {
        "filterset": filterset,
        "programs": programs,
        "chosen": chosen,
        "filtered": any(value for name, value in request.GET.items() if name != "program"),
        "rows": compare_rows(programs) if chosen else [],
        "fact_labels": FACT_LABELS,
        "max_programs": MAX_COMPARED,
        "share_url": request.build_absolute_uri(),
    }
    return render(request, "groups/compare.html", context, status=200 if valid else 400)


def program_finder(request):
    form = FinderForm(request.GET)
    answered = any(request.GET.get(name) for name in form.fields if name != "tz")
    if not form.is_valid():
        return render(request, "groups/finder.html", {"form": form, "answered": False}, status=400)
    where = where_to_meet(form.place)
    matches = find_programs(form.cleaned_data, now=timezone.now(), where=where, zone=form.zone) if answered else []
    zone = form.zone
    context = {"form": form, "answered": answered, "matches": matches, "place": form.place, "zone": zone}
    # The referral list keeps the zone it was built in: the bar's link to it carries the person's zone.
    context["referral_zone"] = zone.key if zone is not None else ""
    return render(request, "groups/finder.html", context)
