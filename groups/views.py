from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from groups.models import Program
from meetings.models import Meeting


def program_detail(request, slug):
    program = get_object_or_404(Program, slug=slug)
    meetings = Meeting.objects.listed().filter(program=program).for_display().in_day_order()
    page = Paginator(meetings, 50).get_page(request.GET.get("page"))
    return render(request, "groups/program_detail.html", {"program": program, "page": page})
