from django.contrib import admin

from groups.models import Group, Program
from meetings.admin import LargeListMixin
from volunteers.admin_scope import HistoryAdmin, ReferenceAdminMixin, ScopedAdminMixin


@admin.register(Program)
class ProgramAdmin(ReferenceAdminMixin, HistoryAdmin):
    # Volunteers read programs (for the pickers on their forms); site administrators edit them.
    scope_method = "programs"
    list_display = ["name", "short_name", "approach", "spiritual_basis", "medication", "audience", "status"]
    list_filter = [
        "approach",
        "spiritual_basis",
        "abstinence",
        "medication",
        "gender_focus",
        "audience",
        "substances",
        "status",
    ]
    search_fields = ["name", "short_name"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [
        (None, {"fields": ["name", "short_name", "slug", "description", "what_to_expect", "website", "founded"]}),
        (
            "Facts",
            {
                "fields": [
                    "approach",
                    "spiritual_basis",
                    "abstinence",
                    "medication",
                    "gender_focus",
                    "audience",
                    "substances",
                    "status",
                    "status_note",
                ],
            },
        ),
        ("Sources", {"fields": ["sources"]}),
    ]


@admin.register(Group)
class GroupAdmin(LargeListMixin, ScopedAdminMixin, HistoryAdmin):
    scope_method = "groups"
    scoped_foreign_keys = {"program": "programs", "region": "regions"}
    list_display = ["name", "program", "region"]
    list_filter = ["program"]
    list_prefetch_related = ["program", "region"]
    search_fields = ["name"]
    autocomplete_fields = ["program", "region"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["created", "updated"]
