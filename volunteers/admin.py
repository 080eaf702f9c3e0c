from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from meetings.admin import LargeListMixin, SplitSearchMixin
from meetings.models import Attendance, Meeting, Status, Weekday
from volunteers.admin_scope import ScopedAdminMixin, SuperuserOnlyMixin
from volunteers.models import ChangeRequest, VolunteerScope
from volunteers.services import (
    ChangeRequestConflict,
    change_request_apply,
    change_request_conflicts,
    change_request_mark_added,
    change_request_reject,
    change_request_rows,
)


@admin.register(VolunteerScope)
class VolunteerScopeAdmin(SuperuserOnlyMixin, admin.ModelAdmin):
    list_display = ["user", "role", "notes"]
    list_filter = ["role"]
    list_select_related = ["user"]
    search_fields = ["user__username", "notes"]
    autocomplete_fields = ["user", "regions", "programs"]


class LockoutAdmin(AccessAttemptAdmin):
    """django-axes's failed sign-ins, without its "Clean up expired attempts" action.

    The action fails with a server error outside a sign-in request (it reads request.axes_attempt_time, which
    axes sets only there), and its threshold is now plus the cool-off, so it would delete every attempt and
    lift every lockout. Deleting attempts (bulk or one by one) lifts a lockout on purpose.
    """

    actions = []


if admin.site.is_registered(AccessAttempt):  # Unless AXES_ENABLE_ADMIN is off.
    admin.site.unregister(AccessAttempt)
    admin.site.register(AccessAttempt, LockoutAdmin)


def field_label(name):
    try:
        return str(Meeting._meta.get_field(name).verbose_name).capitalize()
    except FieldDoesNotExist:
        return name.replace("_", " ").capitalize()


CHOICES = {"weekday": Weekday, "status": Status, "attendance": Attendance}


def shown(value, field=None):
    """A stored value as a reviewer reads it: day names rather than numbers, a dash for nothing."""
    if value in (None, ""):
        return "—"
    choices = CHOICES.get(field)
    if choices is not None:
        labels = {str(key): label for key, label in choices.choices}
        return labels.get(str(value), value)
    return value


def derived_note(derived):
    """Why a row the visitor did not type is in the diff (the end that keeps a moved meeting's length)."""
    if not derived:
        return ""
    return _(
        "Not typed by the visitor: only the start was changed, so the end moves with it and the meeting keeps "
        "its length of %(minutes)d minutes."
    ) % {"minutes": derived["length"]}


@admin.register(ChangeRequest)
class ChangeRequestAdmin(SplitSearchMixin, LargeListMixin, ScopedAdminMixin, admin.ModelAdmin):
    """The moderation queue: a visitor's suggestion side by side with the listing, applied in one click."""

    scope_method = "change_requests"
    list_display = ["__str__", "reason", "status", "created"]
    list_filter = ["status", "reason"]
    # The title names the meeting; only its name is read.
    list_prefetch_related = [Prefetch("meeting", Meeting.objects.only("name"))]
    search_fields = ["meeting__name", "details"]
    fields = [
        "meeting_link",
        "program",
        "reason",
        "diff_table",
        "details",
        "contact_email",
        "created",
        "status",
        "reviewed_by",
        "reviewed_at",
        "rejection_reason",
    ]

    def get_readonly_fields(self, request, obj=None):
        # Only the rejection reason is typed by the reviewer, and only while the request is pending.
        editable = obj is not None and obj.is_pending and self.has_change_permission(request, obj)
        return [name for name in self.fields if not (editable and name == "rejection_reason")]

    def has_add_permission(self, request, *args):
        return False  # Requests come from the public forms.

    @admin.display(description=_("Meeting"))
    def meeting_link(self, obj):
        if obj.meeting_id is None:
            return _("A suggested new meeting")
        url = reverse("admin:meetings_meeting_change", args=[obj.meeting_id])
        return format_html('<a href="{}">{}</a>', url, obj.meeting.name)

    @admin.display(description=_("Proposed changes"))
    def diff_table(self, obj):
        rows = change_request_rows(obj)
        if not rows:
            return _("No field changes were proposed; see the details.")
        # Every value went through format_html: what a visitor typed is shown as text, never as markup.
        body = format_html_join(
            "",
            '<tr><th scope="row">{}</th><td>{}</td><td><strong>{}</strong></td><td>{}</td><td>{}</td></tr>',
            (
                (
                    field_label(row["field"]),
                    shown(row["old"], row["field"]),
                    shown(row["new"], row["field"]),
                    shown(row["current"], row["field"]),
                    " ".join(
                        str(note)
                        for note, applies in (
                            (_("Edited since the request."), row["changed_since"]),
                            (_("Change by hand."), row["manual"]),
                            (derived_note(row["derived"]), row["derived"]),
                        )
                        if applies
                    ),
                )
                for row in rows
            ),
        )
        return format_html(
            '<table class="change-request-diff"><thead><tr><th scope="col">{}</th><th scope="col">{}</th>'
            '<th scope="col">{}</th><th scope="col">{}</th><th scope="col">{}</th></tr></thead>'
            "<tbody>{}</tbody></table>",
            _("Field"),
            _("When suggested"),
            _("Proposed"),
            _("Now"),
            _("Note"),
            body,
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "POST" and {"_apply", "_apply_confirmed", "_reject", "_added"} & set(request.POST):
            return self.moderate(request, object_id)
        obj = self.get_object(request, unquote(object_id))
        extra_context = dict(extra_context or {})
        if obj is not None and obj.is_pending:
            extra_context["conflicts"] = change_request_conflicts(obj)
        return super().change_view(request, object_id, form_url, extra_context)

    def moderate(self, request, object_id):
        """Apply or reject from the buttons on the change page (a POST, CSRF-checked by the admin)."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        here = reverse("admin:volunteers_changerequest_change", args=[obj.pk])
        queue = reverse("admin:volunteers_changerequest_changelist")
        try:
            if "_reject" in request.POST:
                reason = request.POST.get("rejection_reason", "").strip()
                if not reason:
                    self.message_user(request, _("Give a short reason before rejecting."), messages.ERROR)
                    return redirect(here)
                change_request_reject(change_request=obj, user=request.user, reason=reason)
                self.message_user(request, _("The request was rejected."), messages.SUCCESS)
                return redirect(queue)
            if "_added" in request.POST:
                change_request_mark_added(change_request=obj, user=request.user)
                self.message_user(request, _("The suggestion was marked as added."), messages.SUCCESS)
                return redirect(queue)
            # "Apply anyway" counts only for the version of the meeting the reviewer was shown.
            seen = request.POST.get("seen_updated", "")
            confirmed = "_apply_confirmed" in request.POST and obj.meeting and seen == obj.meeting.updated.isoformat()
            change_request_apply(change_request=obj, user=request.user, confirm_conflicts=bool(confirmed))
        except ChangeRequestConflict:
            self.message_user(
                request,
                _(
                    "The meeting was edited after this request was sent. Compare the values below, "
                    "then apply anyway or reject."
                ),
                messages.WARNING,
            )
            return redirect(here)
        except ValidationError as error:
            self.message_user(request, _("Not applied: %s") % " ".join(error.messages), messages.ERROR)
            return redirect(here)
        self.message_user(request, _("The change was applied to the meeting."), messages.SUCCESS)
        return redirect(queue)
