"""Admin for data sources (with "refresh now") and a CSV export action on the meeting list.

Loaded by one import line at the end of meetings/admin.py, so the meeting admin exists when we extend it.
"""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.http import StreamingHttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone

from groups.models import Program
from interop.models import DataSource, SourceRun
from interop.sources import datasource_refresh, feed_import
from interop.tsml_csv import csv_lines
from meetings.models import Meeting, Region
from volunteers.admin_scope import SuperuserOnlyMixin


class ImportFileForm(forms.Form):
    file = forms.FileField(help_text="CSV or JSON.")
    format = forms.ChoiceField(choices=DataSource.Format.choices, initial=DataSource.Format.CSV)
    program = forms.ModelChoiceField(queryset=Program.objects.all(), help_text="The program of every meeting in it.")
    source = forms.SlugField(
        max_length=100,
        help_text="A name for this list, e.g. central-ohio-csv. Use the same name when you import it again.",
    )
    parent_region = forms.ModelChoiceField(
        queryset=Region.objects.all(), required=False, help_text="Optional: its regions go under this one."
    )
    dry_run = forms.BooleanField(required=False, initial=True, help_text="Report what would change; change nothing.")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(f"The file is larger than {settings.IMPORT_MAX_BYTES // (1024 * 1024)} MB.")
        return upload


@admin.action(description="Refresh now: import the selected sources", permissions=["import"])
def refresh_now(modeladmin, request, queryset):
    for datasource in queryset.select_related("program", "parent_region"):
        report = datasource_refresh(datasource=datasource)
        level = messages.SUCCESS if report.ok else messages.ERROR
        modeladmin.message_user(request, f"{datasource.name}: {report.summary()}", level)


@admin.action(description="Resume: read the selected paused sources again at the next sync", permissions=["change"])
def resume(modeladmin, request, queryset):
    count = queryset.filter(paused_at__isnull=False).update(paused_at=None, warned_at=None)
    modeladmin.message_user(request, f"{count} paused sources will be read again at the next sync.", messages.SUCCESS)


class HealthFilter(admin.SimpleListFilter):
    title = "health"
    parameter_name = "health"

    def lookups(self, request, model_admin):
        return [("paused", "Paused"), ("failing", "Failing"), ("healthy", "Healthy"), ("never", "Never run")]

    def queryset(self, request, queryset):
        conditions = {
            "paused": {"paused_at__isnull": False},
            "failing": {"consecutive_failures__gt": 0, "paused_at__isnull": True},
            "healthy": {"consecutive_failures": 0, "last_success__isnull": False},
            "never": {"last_run__isnull": True},
        }
        return queryset.filter(**conditions[self.value()]) if self.value() in conditions else queryset


class SourceRunInline(admin.TabularInline):
    """The source's last runs, newest first (sync_sources keeps 120)."""

    model = SourceRun
    extra = 0
    max_num = 0
    can_delete = False
    fields = ["started", "outcome", "seconds", "created_count", "updated_count", "rejected_count", "error"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).order_by("-started")


@admin.register(DataSource)
class DataSourceAdmin(SuperuserOnlyMixin, admin.ModelAdmin):
    """Feeds and file imports, for site administrators only.

    Not for editors, even for their own programs: an import matches existing meetings by source name alone
    (whatever their program), writes venues that other programs share and regions that administrators own,
    and a source's address makes the server fetch it.
    """

    list_display = [
        "name",
        "health",
        "priority",
        "format",
        "program",
        "active",
        "last_success",
        "consecutive_failures",
        "last_run",
        "created_count",
        "updated_count",
        "unchanged_count",
        "deactivated_count",
        "rejected_count",
        "has_error",
    ]
    list_filter = [HealthFilter, "format", "program", "active"]
    # Sources by health: paused first, then those failing longest, then the rest by name.
    ordering = [F("paused_at").desc(nulls_last=True), "-consecutive_failures", "failing_since", "name"]
    inlines = [SourceRunInline]
    search_fields = ["name", "url", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    list_select_related = ["program"]
    readonly_fields = [
        "last_success",
        "consecutive_failures",
        "failing_since",
        "warned_at",
        "last_run",
        "created_count",
        "updated_count",
        "unchanged_count",
        "deactivated_count",
        "rejected_count",
        "last_error",
        "last_report",
    ]
    actions = [refresh_now, resume]
    change_list_template = "interop/datasource_change_list.html"

    def get_urls(self):
        view = self.admin_site.admin_view(self.import_file)
        return [path("import-file/", view, name="interop_datasource_import_file"), *super().get_urls()]

    def import_file(self, request):
        """Upload a file and import it once, with the same pipeline (and report) as a data source."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        form = ImportFileForm(request.POST or None, request.FILES or None)
        report = None
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            report = feed_import(
                data=data["file"].read(),
                format=data["format"],
                source=data["source"],
                program=data["program"],
                parent_region=data["parent_region"],
                dry_run=data["dry_run"],
            )
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "report": report,
            "report_lines": report.lines() if report else [],
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "interop/import_file.html", context)

    def has_import_permission(self, request):
        """Who may import a file or refresh a source now (the "import" permission of the action)."""
        return self.has_module_permission(request)

    @admin.display(boolean=True, description="error")
    def has_error(self, datasource):
        return bool(datasource.last_error)

    @admin.display(description="health")
    def health(self, datasource):
        if datasource.paused_at:
            return f"Paused since {datasource.paused_at:%Y-%m-%d}"
        if datasource.consecutive_failures:
            return f"Failing since {datasource.failing_since:%Y-%m-%d %H:%M} ({datasource.consecutive_failures} runs)"
        return "Healthy" if datasource.last_success else "Never run"


# Reading, not writing: anyone who may see the meetings (a reviewer too) may export them.
@admin.action(description="Export selected meetings as CSV (12 Step Meeting List columns)", permissions=["view"])
def export_csv(modeladmin, request, queryset):
    response = StreamingHttpResponse(csv_lines(queryset), content_type="text/csv; charset=utf-8")
    stamp = timezone.now().strftime("%Y-%m-%d")
    response["Content-Disposition"] = f'attachment; filename="meetings-{stamp}.csv"'
    return response


# The meeting admin belongs to meetings/admin.py; we only add our action to it.
_meeting_admin = admin.site._registry.get(Meeting)
if _meeting_admin is not None and export_csv not in (_meeting_admin.actions or []):
    _meeting_admin.actions = [*(_meeting_admin.actions or []), export_csv]
