"""What a signed-in volunteer may see and edit, as QuerySet filters the admin applies everywhere."""

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q

from volunteers.models import Role, VolunteerScope


@dataclass(frozen=True)
class Scope:
    """A user's reach: everything (site administrator), some regions and/or programs, or nothing."""

    everything: bool = False
    can_edit: bool = False
    region_ids: frozenset = field(default_factory=frozenset)
    program_ids: frozenset = field(default_factory=frozenset)

    @property
    def can_view(self):
        return self.everything or bool(self.region_ids or self.program_ids)

    # Each filter below takes a QuerySet of its model and returns the part in scope. A scope with neither
    # regions nor programs reaches nothing: only a superuser sees everything.

    def meetings(self, qs, prefix=""):
        if self.everything:
            return qs
        return qs.filter(self.meeting_q(prefix)) if self.can_view else qs.none()

    def meeting_q(self, prefix=""):
        program = Q(**{f"{prefix}program_id__in": self.program_ids})
        region = Q(**{f"{prefix}location__region_id__in": self.region_ids})
        online = Q(**{f"{prefix}location__isnull": True})
        if self.region_ids and self.program_ids:
            # An online meeting without a location is in scope by its program alone.
            return program & (region | online)
        if self.region_ids:
            return region
        return program

    def locations(self, qs):
        if self.everything:
            return qs
        if self.region_ids:
            return qs.filter(region_id__in=self.region_ids)
        if self.program_ids:
            # A venue has no program: a program's editor reaches the venues of its meetings and unused venues
            # (such as one they just added), not a hall another fellowship also uses.
            from meetings.models import Meeting

            used = Meeting.objects.filter(location=OuterRef("pk"))
            ours = used.filter(program_id__in=self.program_ids)
            return qs.filter(Exists(ours) | ~Exists(used))
        return qs.none()

    def editable_locations(self, qs):
        """The venues in scope that an editor may change or delete: those no meeting outside their scope uses."""
        if self.everything:
            return qs
        if not self.can_edit:
            return qs.none()
        from meetings.models import Meeting

        # A hall another program's meetings also use is read-only: rewriting or moving it would change that
        # program's listings from this editor's account. Deleted meetings count (they can be restored there).
        # Its editors, an administrator, or the public "suggest a change" form change it; anyone may still
        # attach their own meetings to it.
        outside = Meeting.objects.filter(location=OuterRef("pk")).exclude(self.meeting_q())
        return self.locations(qs).filter(~Exists(outside))

    def groups(self, qs):
        if self.everything:
            return qs
        if not self.can_view:
            return qs.none()
        condition = Q()
        if self.program_ids:
            condition &= Q(program_id__in=self.program_ids)
        if self.region_ids:
            condition &= Q(region_id__in=self.region_ids) | (
                Q(region__isnull=True) if self.program_ids else Q(pk__in=[])
            )
        return qs.filter(condition)

    def regions(self, qs):
        """Regions a volunteer may put things in: their own and those under them (all, for a program editor)."""
        if self.everything or (self.can_view and not self.region_ids):
            return qs
        return qs.filter(pk__in=self.region_ids)

    def programs(self, qs):
        if self.everything or (self.can_view and not self.program_ids):
            return qs
        return qs.filter(pk__in=self.program_ids)

    def change_requests(self, qs):
        if self.everything:
            return qs
        if not self.can_view:
            return qs.none()
        # A suggested new meeting has only a program: it reaches the program's editors (and superusers).
        new = Q(meeting__isnull=True) & (Q(program_id__in=self.program_ids) if self.program_ids else Q(pk__in=[]))
        return qs.filter(Q(meeting__isnull=False) & self.meeting_q("meeting__") | new)


NOTHING = Scope()


def scope_for(user):
    """The user's scope, worked out once per request (the user object is per request)."""
    cached = getattr(user, "_volunteer_scope", None)
    if cached is not None:
        return cached
    if not (user.is_active and user.is_staff):
        scope = NOTHING
    elif user.is_superuser:
        scope = Scope(everything=True, can_edit=True)
    else:
        grant = (
            VolunteerScope.objects.filter(user=user).prefetch_related("regions", "programs").first()
            if user.pk
            else None
        )
        if grant is None:
            scope = NOTHING
        else:
            region_ids = set()
            for region in grant.regions.all():
                region_ids.update(region.descendant_ids())
            scope = Scope(
                can_edit=grant.role == Role.EDITOR,
                region_ids=frozenset(region_ids),
                program_ids=frozenset(program.pk for program in grant.programs.all()),
            )
    user._volunteer_scope = scope
    return scope
