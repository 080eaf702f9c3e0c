from collections import defaultdict
from dataclasses import replace
from itertools import pairwise

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Paginator
from django.db.models import Q
from django.utils import timezone
from django.utils.text import smart_split, unescape_string_literal
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.manager import SIMPLE_HISTORY_REVERSE_ATTR_NAME
from simple_history.models import DeletedObject, ModelChange

from core.time import validate_timezone
from meetings.models import Location, Meeting, MeetingType, Region
from volunteers.admin_scope import HistoryAdmin, ReferenceAdminMixin, ScopedAdminMixin
from volunteers.freshness import stale_cutoff
from volunteers.scope import scope_for
from volunteers.services import meeting_restore, meeting_soft_delete, meetings_confirm

admin.site.site_header = "Many Paths volunteer admin"
admin.site.site_title = "Many Paths volunteer admin"


def search_words(search_term):
    """The words of an admin search as Django reads them: a quoted phrase is one word."""
    for bit in smart_split(search_term):
        if bit.startswith(('"', "'")) and bit[0] == bit[-1]:
            bit = unescape_string_literal(bit)
        yield bit


def search_lookup(model, field):
    """The lookup of a search field, as Django reads it: "location__city__icontains", "slug__startswith"."""
    opts = model._meta
    for part in field.split("__"):
        try:
            found = opts.get_field(part)
        except FieldDoesNotExist:
            return field  # The field ends in its own lookup.
        if found.is_relation:
            opts = found.related_model._meta
    return f"{field}__icontains"


# A search word matching up to this many rows is matched by their ids; more, by its conditions.
SEARCH_MAX_IDS = 1000


def search_condition(model, search_fields, word):
    """The Q for one search word: one of the search fields matches it."""
    # Django's search tests one condition over the joined tables on every row, which reads them all. Here
    # each table is searched on its own (trigram-indexed on
    # PostgreSQL, migration 0008), a related one reaching the rows through its foreign key's index, in one
    # query of at most SEARCH_MAX_IDS + 1 ids. A rare word ("springfield") is then matched by that list,
    # which the database sorts and counts at once; given the conditions, it misjudged how many rows match
    # and walked the whole table in list order looking for a page. A common word ("hope") keeps the
    # conditions: so many rows match that a page of them is found early in list order.
    own, related = Q(), {}
    for field in search_fields:
        lookup = search_lookup(model, field)
        first, _, rest = lookup.partition("__")
        if model._meta.get_field(first).is_relation:
            related[first] = related.get(first, Q()) | Q(**{rest: word})
        else:
            own |= Q(**{lookup: word})
    rows = model._default_manager.order_by()
    parts = [rows.filter(own)] if own else []
    condition = own
    for name, remote_condition in related.items():
        remote_rows = model._meta.get_field(name).related_model._default_manager.filter(remote_condition)
        remote = Q(**{f"{name}__in": remote_rows})
        parts.append(rows.filter(remote))
        condition |= remote
    first, *others = [part.values_list("pk", flat=True) for part in parts]
    ids = list(first.union(*others, all=True)[: SEARCH_MAX_IDS + 1])
    return Q(pk__in=ids) if len(ids) <= SEARCH_MAX_IDS else condition


class SplitSearchMixin:
    """Admin search through search_condition(): each searched table on its own, then matched by id."""

    def get_search_results(self, request, queryset, search_term):
        search_fields = self.get_search_fields(request)
        if not search_fields:
            return queryset, False
        condition = Q()
        for word in search_words(search_term):
            condition &= search_condition(self.model, search_fields, word)
        return queryset.filter(condition), False


class FromEitherEndPaginator(Paginator):
    """A paginator that reads a page in the second half of a long list backwards, from the list's end."""

    # OFFSET makes the database read and throw away every row before the page: the last page of a long list
    # reads the whole table first. Read in the reverse order, the same page skips none.
    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        if bottom <= self.count // 2 or not getattr(self.object_list, "ordered", False):
            return super().page(number)
        top = min(bottom + self.per_page, self.count)
        rows = list(self.object_list.reverse()[self.count - top : self.count - bottom])
        return self._get_page(rows[::-1], number, self)


class PrefetchingChangeList(ChangeList):
    """A change list that reads the related objects its columns show once the page's rows are chosen."""

    def apply_select_related(self, qs):
        return qs.prefetch_related(*self.model_admin.list_prefetch_related)


class LargeListMixin:
    """List pages that stay quick over tables of a hundred thousand rows and more (meetings, venues, groups)."""

    # Not list_select_related: PostgreSQL joins the related rows to every matching row before it sorts, so
    # a page sorted by a column (name, last updated) joined every meeting to its program to keep 50; the
    # page's rows are read afterwards instead. Related names or Prefetch objects.
    list_prefetch_related = ()
    # Rendering a row is the costly part of an admin list: half Django's 100 a page.
    list_per_page = 50
    # "5 results (250,000 total)" counts the whole table again on each filtered or searched page.
    show_full_result_count = False
    paginator = FromEitherEndPaginator

    def get_changelist(self, request, **kwargs):
        return PrefetchingChangeList


@admin.register(Region)
class RegionAdmin(LargeListMixin, ReferenceAdminMixin, admin.ModelAdmin):
    scope_method = "regions"
    list_display = ["name", "kind", "parent", "timezone"]
    list_filter = ["kind"]
    list_prefetch_related = ["parent"]
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
class LocationAdmin(LargeListMixin, ScopedAdminMixin, HistoryAdmin):
    scope_method = "locations"
    # A venue that meetings outside the editor's scope use is read-only to them (volunteers/README.md).
    editable_method = "editable_locations"
    scoped_foreign_keys = {"region": "regions"}
    list_display = ["name", "city", "state", "region", "approximate"]
    list_prefetch_related = ["region"]
    search_fields = ["name", "address", "city", "postal_code", "formatted_address"]
    autocomplete_fields = ["region"]
    readonly_fields = ["created", "updated", "source"]
    inlines = [MeetingsAtLocationInline]

    def save_model(self, request, obj, form, change):
        if change and form.has_changed():
            # A volunteer's edit makes the venue theirs: no import renames or moves it after this.
            obj.source = ""
        super().save_model(request, obj, form, change)


@admin.register(MeetingType)
class MeetingTypeAdmin(ReferenceAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "name_es", "category", "meeting_guide_code", "bmlt_world_id", "is_key"]
    list_filter = ["category"]
    search_fields = ["code", "name"]


class RegionListFilter(admin.SimpleListFilter):
    """Meetings in a region or a place inside it, as scopes read regions; "No region": online or unplaced."""

    # The sidebar shows one level of the region tree at a time: the top regions (a volunteer's own), then
    # the chosen region's parents and the regions inside it. Listing every region with a meeting read every
    # metro area of the world for each page.

    title = "region"
    parameter_name = "region"
    NONE = "none"

    def lookups(self, request, model_admin):
        scope = scope_for(request.user)
        in_scope = scope.regions(Region.objects.all())
        # A volunteer with regions and no program sees no meeting without a region: no such choice for them.
        nowhere = [(self.NONE, "No region")] if scope.program_ids or not scope.region_ids else []
        region = self.chosen_region()
        if region is None:
            top = list(in_scope.exclude(parent__in=in_scope))
            if len(top) != 1:
                return [(str(r.pk), r.name) for r in top] + nowhere
            region = top[0]  # A volunteer's one region (their state, say) is opened at once.
        path = [*region.ancestors(), region]
        shown = {r.pk: r for r in in_scope.filter(Q(pk__in=[r.pk for r in path]) | Q(parent=region))}
        # The way down to the region first, then the regions inside it by name.
        ordered = [r for r in path if r.pk in shown] + [r for r in shown.values() if r.parent_id == region.pk]
        return [(str(r.pk), r.name) for r in ordered] + nowhere

    def has_output(self):
        # Django applies only the filters it shows: one asked for a region outside the volunteer's scope,
        # with nothing to offer, must still filter (to nothing), not be dropped.
        return True

    def queryset(self, request, queryset):
        if self.value() == self.NONE:
            # Not location__region__isnull, whose outer join PostgreSQL made with every venue before sorting.
            unplaced = Location.objects.filter(region__isnull=True)
            return queryset.filter(Q(location__isnull=True) | Q(location__in=unplaced))
        if self.value():
            region = self.chosen_region()
            if region is None:
                return queryset.none()
            return queryset.filter(location__region_id__in=region.descendant_ids())
        return queryset

    def chosen_region(self):
        """The region in the query string, with its parents (the tree is four levels deep) in the same query."""
        value = self.value()
        if value in (None, self.NONE):
            return None
        cached = self.__dict__.setdefault("_regions", {})
        if value not in cached:
            try:
                pk = int(value)
            except ValueError:
                raise IncorrectLookupParameters(f"{value!r} is not a region.") from None
            cached[value] = Region.objects.select_related("parent__parent__parent").filter(pk=pk).first()
        return cached[value]


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


class MeetingAdminForm(forms.ModelForm):
    """The meeting form; opened on a version from the history, to revert to it, it offers that version's types."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # simple_history fills the revert form from the version, but a many-to-many field from the meeting as
        # it is now: reverting kept today's types whatever the version held.
        version = getattr(self.instance, SIMPLE_HISTORY_REVERSE_ATTR_NAME, None)
        if version is not None and "types" in self.fields:
            self.initial["types"] = [link.meetingtype_id for link in version.types.all()]


@admin.register(Meeting)
class MeetingAdmin(SplitSearchMixin, LargeListMixin, ScopedAdminMixin, HistoryAdmin):
    form = MeetingAdminForm
    scope_method = "meetings"
    scoped_foreign_keys = {"program": "programs", "location": "locations", "group": "groups"}
    # "Show counts" counts each filter's choices over every meeting in scope, and asks for each region's
    # places one region at a time: far too slow for a volunteer with a whole state.
    show_facets = admin.ShowFacets.NEVER
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
        "duplicate_decision",
        ("duplicate_of", admin.EmptyFieldListFilter),
        DeletedListFilter,
    ]
    actions = ["confirm_meetings", "restore_meetings"]
    list_prefetch_related = ["program"]
    # The day-and-time order of meeting_day_time_idx, to the id: the first page is read from the index
    # with no sort (Django would add "-pk", an order no index has).
    ordering = ["weekday", "start_time", "name", "pk"]
    # The slug by its start: a slug pasted from a meeting's address finds it, from the slug's index.
    search_fields = ["name", "slug__startswith", "notes", "group__name", "location__name", "location__city"]
    search_help_text = _("Words in the name or notes of a meeting, its group, or its venue's name or city.")
    autocomplete_fields = ["location", "group", "program", "duplicate_of"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["created", "updated", "deleted_at", "hidden_duplicates"]
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
        (
            "Listed by other sources",
            {
                "description": "When another source lists the same meeting, one listing is shown: the one from the "
                "source with the higher priority, decided at each sync. Override it here.",
                "fields": ["duplicate_decision", "duplicate_of", "hidden_duplicates"],
            },
        ),
    ]

    @admin.display(description="Listings hidden behind this one")
    def hidden_duplicates(self, meeting):
        hidden = meeting.duplicates.values_list("name", "source") if meeting.pk else []
        return "; ".join(f"{name} (from {source or 'this site'})" for name, source in hidden) or "None"

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

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        """What changed in each version on the history page, the types of all of them read in one query."""
        # simple_history compares the types of each pair of versions with two queries of its own, two per
        # version; the other fields it compares in memory, as here.
        records = list(historical_records)
        links = Meeting.history.model.types.model.objects.filter(history__in=records)
        types = defaultdict(list)
        for link in links.select_related("meetingtype").order_by("meetingtype"):
            value = link.meetingtype or DeletedObject(MeetingType, link.meetingtype_id)
            types[link.history_id].append({"meetingtype": value if foreign_keys_are_objs else link.meetingtype_id})
        for newer, older in pairwise(records):
            delta = newer.diff_against(older, excluded_fields=["types"], foreign_keys_are_objs=foreign_keys_are_objs)
            old, new = types[older.history_id], types[newer.history_id]
            if old != new:
                delta = replace(
                    delta,
                    changes=[*delta.changes, ModelChange("types", old, new)],
                    changed_fields=[*delta.changed_fields, "types"],
                )
            helper = self.get_historical_record_context_helper(request, newer)
            newer.history_delta_changes = helper.context_for_delta_changes(delta)

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
