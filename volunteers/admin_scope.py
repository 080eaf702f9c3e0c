"""ModelAdmin mixins that hold a volunteer to their scope: what they see, open by URL, save and pick."""

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from simple_history.admin import SimpleHistoryAdmin
from simple_history.utils import get_history_model_for_model

from volunteers.scope import scope_for


class ScopedAdminMixin:
    """For models volunteers edit (meetings, locations, groups): scoped lists, objects and choices.

    Permissions come from the volunteer's scope (editor or reviewer), not Django's per-model permissions,
    so a site administrator grants access in one place. A staff user without a scope reaches nothing.
    """

    # The Scope method that filters what a volunteer sees of this model, e.g. "meetings".
    scope_method = None
    # The Scope method for the part of that an editor may change and delete, when it is narrower than what
    # they see: a venue that meetings outside their scope also use is theirs to see, not to rewrite.
    editable_method = None
    # Foreign keys whose choices are limited: field name -> Scope method, e.g. {"location": "locations"}.
    scoped_foreign_keys = {}

    def get_queryset(self, request):
        scope = scope_for(request.user)
        return getattr(scope, self.scope_method)(super().get_queryset(request))

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None and not scope_for(request.user).everything:
            # Out of scope but real: refuse plainly (403) rather than the admin's redirect to its index.
            try:
                exists = self.model._default_manager.filter(pk=object_id).exists()
            except (ValueError, ValidationError):
                exists = False
            if exists:
                raise PermissionDenied
        return obj

    def in_scope(self, request, obj):
        """Whether the saved object is one the volunteer sees; one query per object and request."""
        return self._reaches(request, obj, self.scope_method)

    def editable(self, request, obj):
        """Whether the saved object is one an editor of this scope may change or delete."""
        return self._reaches(request, obj, self.editable_method or self.scope_method)

    def _reaches(self, request, obj, method):
        scope = scope_for(request.user)
        if obj is None or scope.everything:
            return True
        if obj.pk is None:
            return scope.can_view
        checked = request.__dict__.setdefault("_scope_checks", {})
        key = (self.model._meta.label, obj.pk, method)
        if key not in checked:
            qs = self.model._default_manager.filter(pk=obj.pk)
            checked[key] = getattr(scope, method)(qs).exists()
        return checked[key]

    def has_module_permission(self, request):
        scope = scope_for(request.user)
        return super().has_module_permission(request) if scope.everything else scope.can_view

    def has_view_permission(self, request, obj=None):
        scope = scope_for(request.user)
        if scope.everything:
            return super().has_view_permission(request, obj)
        return scope.can_view and self.in_scope(request, obj)

    def has_change_permission(self, request, obj=None):
        scope = scope_for(request.user)
        if scope.everything:
            return super().has_change_permission(request, obj)
        return scope.can_edit and self.editable(request, obj)

    def has_add_permission(self, request, *args):
        scope = scope_for(request.user)
        return super().has_add_permission(request, *args) if scope.everything else scope.can_edit

    def has_delete_permission(self, request, obj=None):
        scope = scope_for(request.user)
        if scope.everything:
            return super().has_delete_permission(request, obj)
        return scope.can_edit and self.editable(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        method = self.scoped_foreign_keys.get(db_field.name)
        scope = scope_for(request.user)
        if method and not scope.everything:
            # A forged POST naming an out-of-scope region, program or venue fails validation as "not a choice".
            kwargs["queryset"] = getattr(scope, method)(db_field.remote_field.model._default_manager.all())
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ReferenceAdminMixin:
    """For shared reference data (programs, regions, meeting types): volunteers read it, administrators edit it.

    Volunteers need to read it for the pickers on their own forms (autocomplete asks this admin).
    """

    scope_method = None

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        scope = scope_for(request.user)
        if self.scope_method and not scope.everything:
            qs = getattr(scope, self.scope_method)(qs)
        return qs

    def has_module_permission(self, request):
        scope = scope_for(request.user)
        return super().has_module_permission(request) if scope.everything else scope.can_view

    def has_view_permission(self, request, obj=None):
        scope = scope_for(request.user)
        if scope.everything:
            return super().has_view_permission(request, obj)
        if obj is None or self.scope_method is None:
            return scope.can_view
        # An object's own pages follow the list: simple_history's history pages find an object outside
        # get_queryset(), so a program editor could read another program's history.
        in_scope = getattr(scope, self.scope_method)(self.model._default_manager.filter(pk=obj.pk))
        return scope.can_view and in_scope.exists()

    # Writing is for site administrators only, whatever Django permissions a staff user was given: access
    # comes from the scope alone.

    def has_add_permission(self, request, *args):
        return scope_for(request.user).everything and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return scope_for(request.user).everything and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return scope_for(request.user).everything and super().has_delete_permission(request, obj)


class SuperuserOnlyMixin:
    """For what only site administrators use: volunteer scopes (so no one widens their own) and data sources."""

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    has_change_permission = has_view_permission
    has_delete_permission = has_view_permission

    def has_add_permission(self, request, *args):
        return self.has_module_permission(request)


class HistoryAdmin(SimpleHistoryAdmin):
    """django-simple-history's admin, its revert form held to the change permission like the change form.

    Every admin of a model with history uses it: simple_history's revert form checks only that the user may
    view the object, then saves whatever is posted, so a reviewer could revert a listing.
    """

    def history_view(self, request, object_id, extra_context=None):
        self._check_object_id(object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        version = self._version(object_id, version_id)
        if request.method == "POST" and not self.has_change_permission(request, version.instance):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def render_history_view(self, request, template, context, **kwargs):
        adminform = context.get("adminform")
        if adminform is not None and not context["has_change_permission"]:
            # Shown to read, as the change page shows it to a reviewer: no field to type in, no Revert button.
            for field in adminform.form.fields.values():
                field.disabled = True
        return super().render_history_view(request, template, context, **kwargs)

    def _check_object_id(self, object_id):
        # A malformed id in the address is "not found", not the server error simple_history's lookup raises.
        try:
            self.model._meta.pk.to_python(unquote(object_id))
        except ValidationError:
            raise Http404 from None

    def _version(self, object_id, version_id):
        """The historical record the revert form shows, or 404 (also for malformed ids)."""
        self._check_object_id(object_id)
        history = get_history_model_for_model(self.model)
        lookup = {self.model._meta.pk.attname: unquote(object_id), "history_id": version_id}
        try:
            return history._default_manager.get(**lookup)
        except (history.DoesNotExist, ValueError, ValidationError):
            raise Http404 from None
