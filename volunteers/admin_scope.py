"""ModelAdmin mixins that hold a volunteer to their scope: what they see, open by URL, save and pick."""

from django.core.exceptions import PermissionDenied, ValidationError

from volunteers.scope import scope_for


class ScopedAdminMixin:
    """For models volunteers edit (meetings, locations, groups): scoped lists, objects and choices.

    Permissions come from the volunteer's scope (editor or reviewer), not Django's per-model permissions,
    so a site administrator grants access in one place. A staff user without a scope reaches nothing.
    """

    # The Scope method that filters this model, e.g. "meetings".
    scope_method = None
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
        """Whether the saved object is in scope; one query per object and request."""
        scope = scope_for(request.user)
        if obj is None or scope.everything:
            return True
        if obj.pk is None:
            return scope.can_view
        checked = request.__dict__.setdefault("_scope_checks", {})
        key = (self.model._meta.label, obj.pk)
        if key not in checked:
            qs = self.model._default_manager.filter(pk=obj.pk)
            checked[key] = getattr(scope, self.scope_method)(qs).exists()
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
        return scope.can_edit and self.in_scope(request, obj)

    def has_add_permission(self, request, *args):
        scope = scope_for(request.user)
        return super().has_add_permission(request, *args) if scope.everything else scope.can_edit

    def has_delete_permission(self, request, obj=None):
        scope = scope_for(request.user)
        if scope.everything:
            return super().has_delete_permission(request, obj)
        return scope.can_edit and self.in_scope(request, obj)

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
        return super().has_view_permission(request, obj) if scope.everything else scope.can_view
