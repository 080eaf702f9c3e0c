from django import forms
from django.contrib import admin, messages
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from meetings.models import Location, Meeting, MeetingType, Region, validate_timezone
from volunteers.admin_scope import ReferenceAdminMixin, ScopedAdminMixin
from volunteers.freshness import stale_cutoff
from volunteers.scope import scope_for
from volunteers.services import meeting_restore, meeting_soft_delete, meetings_confirm

admin.site.site_header = "Many Paths volunteer admin"
admin.site.site_title = "Many Paths volunteer admin"


@admin.register(Region)
class RegionAdmin(ReferenceAdminMixin, admin.ModelAdmin):
    scope_method = "regions"
    list_display = ["name", "kind", "parent", "timezone"]
    list_filter = ["kind"]
    list_select_related = ["parent"]
    search_fields = ["name", "slug"]
    autocomplete_fields = ["parent"]


class MeetingsAtLocationInline(admin.TabularInline):
    """The meetings held at a location, to read; each is edited on its own page."""

    model = Meeting
    verbose_name = "meeting at this location"
    verbose_name_plural = "meetings at this location"
    fields = ["name", "program", "weekday", "start_time", "attendance", "status"]
    readonly_fields = fields
    show_change_link = True
    extra = 0

    def get_queryset(self, request):
        # Only the meetings the volunteer may see, even at a venue shared with another program.
        return scope_for(request.user).meetings(super().get_queryset(request).select_related("program"))

    def has_view_permission(self, request, obj=None):
        scope = scope_for(request.user)
        return super().has_view_permission(request, obj) if scope.everything else scope.can_view

    def has_change_permission(self, request, obj=None):
        # Read only for volunteers: each meeting is edited (and scope-checked) on its own page.
        return scope_for(request.user).everything and super().has_change_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Location)
class LocationAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    scope_method = "locations"
    scoped_foreign_keys = {"region": "regions"}
    list_display = ["name", "city", "state", "region", "approximate"]
    list_select_related = ["region"]
    search_fields = ["name", "address", "city", "postal_code", "formatted_address"]
    autocomplete_fields = ["region"]
    readonly_fields = ["created", "updated"]
    inlines = [MeetingsAtLocationInline]


@admin.register(MeetingType)
class MeetingTypeAdmin(ReferenceAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "name_es", "category", "meeting_guide_code", "bmlt_world_id", "is_key"]
    list_filter = ["category"]
    search_fields = ["code", "name"]


class RegionListFilter(admin.SimpleListFilter):
    """Meetings by the region of their location; online meetings and unplaced venues are "No region"."""

    title = "region"
    parameter_name = "region"
    NONE = "none"

    def lookups(self, request, model_admin):
        # Only regions that have a meeting, so the sidebar does not list every neighbourhood in the tree.
        regions = Region.objects.filter(locations__meetings__isnull=False).distinct().order_by("name")
        regions = scope_for(request.user).regions(regions)
        return [(str(region.pk), region.name) for region in regions] + [(self.NONE, "No region")]

    def queryset(self, request, queryset):
        if self.value() == self.NONE:
            return queryset.filter(location__region__isnull=True)
        if self.value():
            return queryset.filter(location__region_id=self.value())
        return queryset


class DeletedListFilter(admin.SimpleListFilter):
    """Deleted meetings are kept (hidden from the public) so they can be restored; the list hides them too."""

    title = _("deleted")
    parameter_name = "deleted"

    def lookups(self, request, model_admin):
        return [("yes", _("Deleted meetings"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(deleted_at__isnull=False)
        return queryset.filter(deleted_at__isnull=True)

    def choices(self, changelist):
        for choice in super().choices(changelist):
            if choice["display"] == _("All"):
                choice["display"] = _("Not deleted")
            yield choice


class NotConfirmedListFilter(admin.SimpleListFilter):
    """The freshness queue: meetings no one has confirmed for STALE_AFTER_MONTHS months (or ever)."""

    title = _("last confirmed")
    parameter_name = "stale"

    def lookups(self, request, model_admin):
        from django.conf import settings

        months = settings.STALE_AFTER_MONTHS
        return [("yes", _("Not confirmed for %(months)s months") % {"months": months})]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(Q(last_verified__isnull=True) | Q(last_verified__lt=stale_cutoff()))
        return queryset


@admin.register(Meeting)
class MeetingAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    scope_method = "meetings"
    scoped_foreign_keys = {"program": "programs", "location": "locations", "group": "groups"}
    list_display = [
        "name",
        "program",
        "weekday",
        "start_time",
        "timezone",
        "attendance",
        "status",
        "last_verified",
        "updated",
    ]
    list_filter = [
        NotConfirmedListFilter,
        "program",
        RegionListFilter,
        "weekday",
        "attendance",
        "status",
        DeletedListFilter,
    ]
    actions = ["confirm_meetings", "restore_meetings"]
    list_select_related = ["program"]
    search_fields = ["name", "slug", "group__name", "location__name", "location__city", "notes"]
    autocomplete_fields = ["location", "group", "program"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["created", "updated", "deleted_at"]
    fieldsets = [
        ("Meeting", {"fields": ["program", "group", "name", "slug", "status"]}),
        ("When", {"fields": ["weekday", "start_time", "end_time", "timezone"]}),
        (
            "Where and how to join",
            {
                "fields": [
                    "attendance",
                    "location",
                    "conference_url",
                    "conference_url_notes",
                    "conference_phone",
                    "conference_phone_notes",
                    "join_on_request",
                ],
            },
        ),
        ("Details", {"fields": ["types", "notes", "last_verified"]}),
        ("Source", {"fields": ["source", "external_key", "created", "updated", "deleted_at"]}),
    ]

    @admin.action(description=_("Confirm selected meetings still meet as listed"), permissions=["change"])
    def confirm_meetings(self, request, queryset):
        count = meetings_confirm(meetings=queryset, user=request.user)
        message = ngettext(
            "%(count)d meeting confirmed as still meeting as listed.",
            "%(count)d meetings confirmed as still meeting as listed.",
            count,
        )
        self.message_user(request, message % {"count": count}, messages.SUCCESS)

    @admin.action(description=_("Restore selected deleted meetings"), permissions=["change"])
    def restore_meetings(self, request, queryset):
        restored = 0
        for meeting in queryset.filter(deleted_at__isnull=False):
            meeting_restore(meeting=meeting, user=request.user)
            restored += 1
        message = ngettext("%(count)d meeting restored.", "%(count)d meetings restored.", restored)
        self.message_user(request, message % {"count": restored}, messages.SUCCESS)

    def save_model(self, request, obj, form, change):
        # The "Save and mark as confirmed today" button on the change page: one meeting, one click.
        if change and "_confirm_listing" in request.POST:
            obj.last_verified = timezone.localdate()
        super().save_model(request, obj, form, change)

    # Deleting is soft: the meeting leaves the public pages, stays in the admin under "Deleted meetings"
    # with its history, and the "restore" action brings it back.

    def delete_model(self, request, obj):
        meeting_soft_delete(meeting=obj, user=request.user)

    def delete_queryset(self, request, queryset):
        for meeting in queryset:
            meeting_soft_delete(meeting=meeting, user=request.user)

    def get_deleted_objects(self, objs, request):
        # Nothing is removed, so the confirmation lists only the meetings themselves, nothing cascading.
        objs = list(objs)
        return [str(obj) for obj in objs], {Meeting._meta.verbose_name_plural: len(objs)}, set(), []

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "timezone":
            # Meeting.clean() repeats the field's own time zone check, so a bad zone that reached the model
            # would be reported twice. Checked here, the bad value never reaches the model: one message.
            formfield.validators.append(validate_timezone)
        return formfield

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "types":
            kwargs["widget"] = forms.CheckboxSelectMultiple
        return super().formfield_for_manytomany(db_field, request, **kwargs)


from meetings.interop import admin as _interop_admin  # noqa: E402,F401
