"""Every admin URL, form and action, walked with every role: who may read it (200) and who may write (the DB changes).

The walk is built from admin.site._registry: each registered admin's list, add, change, delete and history
pages, its history (revert) form, each of its actions POSTed, each autocomplete field and each custom URL of
get_urls(), so a new admin, action or URL is walked without touching this file. What each role may do is
POLICY, below; a model missing from it, an action of ours that declares no permission, or a custom URL
with no way to walk it fails here by name.

Each case is one (role, request) pair, named "role METHOD /admin/url/ [what]" where the URL shows the
object as "in" (in the volunteers' scope), "out" (outside it), "shared" (a venue that meetings in and
outside an editor's scope use) or "new" (a suggested new meeting). List
them with: pytest tests/volunteers/test_admin_permissions.py --collect-only
"""

from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from django import forms
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.utils import NestedObjects
from django.contrib.auth.models import Group as AuthGroup
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, models, transaction
from django.forms.widgets import Input
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from groups.models import Group
from interop.models import DataSource
from meetings.models import Meeting, Region
from tests.factories import make_location, make_meeting, make_program, make_type
from tests.interop.conftest import DATA
from volunteers.models import ChangeRequest, Role, VolunteerScope

pytestmark = pytest.mark.django_db

ROLES = ["superuser", "editor_region", "editor_program", "reviewer", "staff_without_scope", "anonymous"]

ALL = "view add change delete"
# What each role may do with each object of each registered model: {model: {object: {role: permissions}}}.
# "in" is in the editors' and the reviewer's scope, "out" outside it; a role not named may do nothing.
# Adding is asked of the "in" entry. A volunteer's scope is what they see and edit; reference data
# (programs, regions, meeting types) they read; everything else is for site administrators.
IN_SCOPE = {"superuser": ALL, "editor_region": ALL, "editor_program": ALL, "reviewer": "view"}
MODERATE = "view change delete"
POLICY = {
    "meetings.meeting": {"in": IN_SCOPE, "out": {"superuser": ALL}},
    "meetings.location": {
        "in": IN_SCOPE,
        "out": {"superuser": ALL},
        # An Ohio hall where NA and AA meet: read-only to an NA editor, editable by Ohio's editor (whose scope
        # has every meeting there).
        "shared": {"superuser": ALL, "editor_region": ALL, "editor_program": "view", "reviewer": "view"},
    },
    "groups.group": {"in": IN_SCOPE, "out": {"superuser": ALL}},
    "volunteers.changerequest": {
        # Requests come from the public forms: nobody adds one here.
        "in": {"superuser": MODERATE, "editor_region": MODERATE, "editor_program": MODERATE, "reviewer": "view"},
        "out": {"superuser": MODERATE},
        # A suggested new meeting has only a program: it reaches the program's volunteers, not a region's.
        "new": {"superuser": MODERATE, "editor_program": MODERATE, "reviewer": "view"},
    },
    "groups.program": {
        "in": {"superuser": ALL, "editor_region": "view", "editor_program": "view", "reviewer": "view"},
        # A volunteer without programs in their scope may pick any program.
        "out": {"superuser": ALL, "editor_region": "view"},
    },
    "meetings.region": {
        "in": {"superuser": ALL, "editor_region": "view", "editor_program": "view", "reviewer": "view"},
        # A volunteer without regions in their scope may pick any region.
        "out": {"superuser": ALL, "editor_program": "view"},
    },
    "meetings.meetingtype": {
        "in": {"superuser": ALL, "editor_region": "view", "editor_program": "view", "reviewer": "view"},
    },
    "interop.datasource": {"in": {"superuser": ALL + " import"}},
    "volunteers.volunteerscope": {"in": {"superuser": ALL}},
    "auth.user": {"in": {"superuser": ALL}},
    "auth.group": {"in": {"superuser": ALL}},
    "axes.accessattempt": {"in": {"superuser": MODERATE}},
    "axes.accesslog": {"in": {"superuser": MODERATE}},
    "axes.accessfailurelog": {"in": {"superuser": MODERATE}},
}

# Buttons of a change page that POST something else than the form: {url name: [(name, data, objects)]}.
BUTTONS = {
    "volunteers_changerequest_change": [
        ("apply", {"_apply": "1"}, ["in", "out"]),
        ("reject", {"_reject": "1", "rejection_reason": "A duplicate."}, ["in", "out", "new"]),
        ("mark added", {"_added": "1"}, ["new"]),
    ],
}

# Custom URLs of get_urls(): {url name: (object or None, permission needed, POST data builder)}.
CUSTOM_URLS = {
    "interop_datasource_import_file": (
        None,
        "import",
        lambda world: {
            "format": "csv",
            "program": world.na.pk,
            "source": "sheet",
            "file": SimpleUploadedFile("meetings.csv", (DATA / "tsml-template.csv").read_bytes(), "text/csv"),
        },
    ),
    "auth_user_password_change": (
        "in",
        "change",
        lambda world: {"password1": "a new long passphrase 4711", "password2": "a new long passphrase 4711"},
    ),
}

# Actions that act only on rows in a certain state: {action: (prepare the object, query string)}.
ACTION_SETUP = {
    "restore_meetings": (
        lambda obj: Meeting.objects.filter(pk=obj.pk).update(deleted_at=timezone.now()),
        "?deleted=yes",
    ),
    # A data source is resumed only when it is paused.
    "resume": (lambda obj: type(obj).objects.filter(pk=obj.pk).update(paused_at=timezone.now()), ""),
}

# Extra fields of an add form that a copy of the "in" object's change form cannot give.
ADD_EXTRAS = {
    "auth.user": lambda world: {"password1": "a new long passphrase 4711", "password2": "a new long passphrase 4711"},
    "volunteers.volunteerscope": lambda world: {"user": world.spare.pk},
}

STANDARD_URLS = {"changelist", "add", "change", "delete", "history", "simple_history"}


def model_label(model):
    return model._meta.label_lower


def may(role, model, obj, permission):
    """Whether POLICY lets a role do something with an object ("in" for lists and adding)."""
    return permission in POLICY[model].get(obj or "in", {}).get(role, "").split()


@dataclass(frozen=True)
class Step:
    """One admin request: its method, URL, the object it names and the permission it needs."""

    method: str
    url_name: str
    model: str
    obj: str | None
    needs: str
    what: str = ""
    action: str = ""
    button: tuple = ()
    field: str = ""

    @property
    def writes(self):
        return self.method == "POST" and self.needs != "view"

    def url_args(self, world):
        if self.obj is None or self.action:
            return []
        target = world.objects[self.model][self.obj]
        if self.url_name.endswith("_simple_history"):
            return [target.pk, target.history.earliest().history_id]
        return [target.pk]

    def pattern(self):
        """The URL with the object and version shown by name: /admin/meetings/meeting/in/history/version/."""
        if self.url_name == "autocomplete":
            return reverse("admin:autocomplete")
        args = [] if self.obj is None or self.action else [self.obj]
        if self.url_name.endswith("_simple_history"):
            args.append("version")
        if self.url_name == "app_list":
            args = [self.model]
        return reverse(f"admin:{self.url_name}", args=args)

    def __str__(self):
        extra = f" [{self.what}]" if self.what else ""
        return f"{self.method} {self.pattern()}{extra}"


def action_needs(func):
    permissions = getattr(func, "allowed_permissions", ())
    # Django offers an action that declares nothing to whoever may view the list: a reading action.
    return next((p for p in permissions if p != "view"), "view")


def steps_for(model, model_admin):
    label = model_label(model)
    info = f"{model._meta.app_label}_{model._meta.model_name}"
    objects = list(POLICY.get(label, {"in": {}}))
    yield Step("GET", f"{info}_changelist", label, None, "view")
    yield Step("GET", f"{info}_add", label, None, "add")
    yield Step("POST", f"{info}_add", label, None, "add")
    for obj in objects:
        yield Step("GET", f"{info}_change", label, obj, "view")
        yield Step("POST", f"{info}_change", label, obj, "change")
        for name, data, button_objects in BUTTONS.get(f"{info}_change", []):
            if obj in button_objects:
                yield Step("POST", f"{info}_change", label, obj, "change", what=name, button=tuple(data.items()))
        yield Step("GET", f"{info}_delete", label, obj, "delete")
        yield Step("POST", f"{info}_delete", label, obj, "delete")
        yield Step("GET", f"{info}_history", label, obj, "view")
        if isinstance(model_admin, SimpleHistoryAdmin):
            yield Step("GET", f"{info}_simple_history", label, obj, "view", what="revert form")
            yield Step("POST", f"{info}_simple_history", label, obj, "change", what="revert form")
        for func, name, _description in model_admin._get_base_actions():
            yield Step(
                "POST",
                f"{info}_changelist",
                label,
                obj,
                action_needs(func),
                what=f"action {name} on {obj}",
                action=name,
            )
    for pattern in model_admin.get_urls():
        short = (pattern.name or "").removeprefix(f"{info}_")
        if pattern.name and short not in STANDARD_URLS:
            obj, needs, _data = CUSTOM_URLS.get(pattern.name, ("in", "undeclared", None))
            yield Step("GET", pattern.name, label, obj, needs)
            yield Step("POST", pattern.name, label, obj, needs)
    for field in model_admin.autocomplete_fields:
        remote = model_label(model._meta.get_field(field).related_model)
        what = f"{label}.{field} -> {remote}"
        yield Step("GET", "autocomplete", remote, None, "view", what=what, field=f"{label}.{field}")


def all_steps():
    yield Step("GET", "index", "", None, "staff")
    for app_label in sorted({model._meta.app_label for model in admin.site._registry}):
        yield Step("GET", "app_list", app_label, None, "view any")
    for model, model_admin in admin.site._registry.items():
        yield from steps_for(model, model_admin)


STEPS = list(all_steps())
CASES = [(role, step) for step in STEPS for role in ROLES]


def case_id(case):
    role, step = case
    return f"{role} {step}"


# The world: built once for the module, inside a transaction that each test's own rolls back to.


def make_user(username, **fields):
    return User.objects.create_user(username, password=None, **fields)


def make_scope(user, role, *, regions=(), programs=()):
    scope = VolunteerScope.objects.create(user=user, role=role)
    scope.regions.set(regions)
    scope.programs.set(programs)
    return scope


def build_world():
    ohio = Region.objects.create(name="Ohio", slug="us-oh", kind="state", timezone="America/New_York")
    texas = Region.objects.create(name="Texas", slug="us-tx", kind="state", timezone="America/Chicago")
    na = make_program(name="Narcotics Anonymous", short_name="NA", slug="na")
    aa = make_program(name="Alcoholics Anonymous", short_name="AA", slug="aa")
    columbus = make_location(name="Columbus Hall", city="Columbus", state="OH", region=ohio)
    austin = make_location(name="Austin Hall", city="Austin", state="TX", region=texas, timezone="America/Chicago")
    open_type = make_type(code="open", name="Open")
    na_meeting = make_meeting(program=na, name="Columbus NA", location=columbus, types=[open_type])
    aa_meeting = make_meeting(program=aa, name="Austin AA", location=austin, timezone="America/Chicago")
    church = make_location(name="Columbus Church", city="Columbus", state="OH", region=ohio)
    make_meeting(program=na, name="Columbus NA Thursday", location=church)
    make_meeting(program=aa, name="Columbus AA", location=church)
    na_group = Group.objects.create(program=na, name="Columbus Hope", slug="columbus-hope", region=ohio)
    aa_group = Group.objects.create(program=aa, name="Austin Serenity", slug="austin-serenity", region=texas)

    def suggestion(meeting):
        return ChangeRequest.objects.create(
            meeting=meeting,
            reason=ChangeRequest.Reason.TIME,
            changes={"start_time": ["19:00", "19:30"]},
            meeting_updated=Meeting.objects.get(pk=meeting.pk).updated,
        )

    new_meeting = ChangeRequest.objects.create(
        program=na, reason=ChangeRequest.Reason.NEW, changes={"name": ["", "Westerville NA"]}
    )
    source = DataSource.objects.create(name="Ohio NA", slug="ohio-na", url="http://127.0.0.1:9/feed.json", program=na)
    users = {
        "superuser": make_user("superuser", is_staff=True, is_superuser=True),
        "editor_region": make_user("editor-region", is_staff=True),
        "editor_program": make_user("editor-program", is_staff=True),
        "reviewer": make_user("reviewer", is_staff=True),
        "staff_without_scope": make_user("staff-without-scope", is_staff=True),
    }
    make_scope(users["editor_region"], Role.EDITOR, regions=[ohio])
    own_scope = make_scope(users["editor_program"], Role.EDITOR, programs=[na])
    make_scope(users["reviewer"], Role.REVIEWER, regions=[ohio], programs=[na])
    bystander = make_user("bystander")
    axes = apps.get_app_config("axes")
    request_fields = {"user_agent": "test", "ip_address": "192.0.2.1", "username": "bystander", "path_info": "/"}
    objects = {
        "meetings.meeting": {"in": na_meeting, "out": aa_meeting},
        "meetings.location": {"in": columbus, "out": austin, "shared": church},
        "groups.group": {"in": na_group, "out": aa_group},
        "volunteers.changerequest": {"in": suggestion(na_meeting), "out": suggestion(aa_meeting), "new": new_meeting},
        "groups.program": {"in": na, "out": aa},
        "meetings.region": {"in": ohio, "out": texas},
        "meetings.meetingtype": {"in": open_type},
        "interop.datasource": {"in": source},
        # An editor's own scope: they must not widen it.
        "volunteers.volunteerscope": {"in": own_scope},
        "auth.user": {"in": bystander},
        "auth.group": {"in": AuthGroup.objects.create(name="Moderators")},
        "axes.accessattempt": {
            "in": axes.get_model("AccessAttempt").objects.create(
                **request_fields, http_accept="*/*", get_data="", post_data="", failures_since_start=1
            )
        },
        "axes.accesslog": {"in": axes.get_model("AccessLog").objects.create(**request_fields, http_accept="*/*")},
        "axes.accessfailurelog": {
            "in": axes.get_model("AccessFailureLog").objects.create(**request_fields, http_accept="*/*")
        },
    }
    world = SimpleNamespace(na=na, users=users, objects=objects, spare=make_user("spare", is_staff=True))
    # Each role signs in once, here: each case sends the role's session cookie (a sign-in a case was a tenth of
    # this module's time, and it writes the user's last_login, so every table was read again after it).
    world.sessions = {}
    for role, user in users.items():
        browser = Client()
        browser.force_login(user)
        world.sessions[role] = browser.cookies[settings.SESSION_COOKIE_NAME].value
    # What every case starts from: each case's own transaction is rolled back to it.
    world.snapshot = snapshot()
    return world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        built = build_world()
    yield built
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


# Reading the database and the forms.


# Every table but sessions (signing in writes one).
TABLES = [model for model in apps.get_models(include_auto_created=True) if model is not Session]


def snapshot():
    """Every row of every table, to compare before and after a request: on PostgreSQL a digest of each
    table's rows, all in one query (a query a table, twice a case, was a third of this module's time)."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            digests = ", ".join(
                f"(SELECT md5(coalesce(string_agg(row.*::text, '|' ORDER BY row.{quote(model._meta.pk.column)}), ''))"
                f" FROM {quote(model._meta.db_table)} AS row)"
                for model in TABLES
            )
            cursor.execute(f"SELECT {digests}")
            return dict(zip(map(model_label, TABLES), cursor.fetchone(), strict=True))
        rows = {}
        for model in TABLES:
            cursor.execute(f"SELECT * FROM {quote(model._meta.db_table)} ORDER BY {quote(model._meta.pk.column)}")
            rows[model_label(model)] = cursor.fetchall()
        return rows


def changed_tables(before, after):
    return sorted(label for label in before if before[label] != after[label])


def form_data(form):
    """What a browser would post for a form as shown: each field's current value."""
    data = {}
    for bound in form:
        if bound.field.disabled or isinstance(bound.field, forms.FileField):
            continue
        value = bound.value()
        widget = getattr(bound.field.widget, "widget", bound.field.widget)  # Inside the admin's "+" wrapper.
        if isinstance(widget, forms.MultiWidget):
            parts = value if isinstance(value, list) else widget.decompress(value)
            for suffix, subwidget, part in zip(widget.widgets_names, widget.widgets, parts, strict=True):
                data[bound.html_name + suffix] = subwidget.format_value(part) or ""
        elif isinstance(widget, forms.CheckboxInput):
            if value:
                data[bound.html_name] = "on"
        elif isinstance(value, list | tuple):
            data[bound.html_name] = [str(item) for item in value]
        elif value is not None:
            data[bound.html_name] = (widget.format_value(value) or "") if isinstance(widget, Input) else str(value)
    return data


def page_data(response):
    """The POST data of an admin form page as the superuser sees it (the form and its inlines), and its fields."""
    context = response.context
    form = context["adminform"].form if "adminform" in context else context["form"]
    data = form_data(form)
    for inline in context.get("inline_admin_formsets", []):
        data |= form_data(inline.formset.management_form)
        for inline_form in inline.formset.forms:
            data |= form_data(inline_form)
    return data, {bound.html_name for bound in form}


def unique_fields(model):
    names = {field.name for field in model._meta.concrete_fields if field.unique and not field.primary_key}
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint):
            names.update(constraint.fields)
    return names


PAYLOADS = {}


def payload(step, world):
    """The data a step POSTs: the form as the superuser is shown it (so that it is valid), built once."""
    if step.action:
        objects = [world.objects[step.model][step.obj].pk]
        return {"action": step.action, "_selected_action": objects, "index": "0", "post": "yes"}
    if step.button:
        return dict(step.button)
    if step.url_name in CUSTOM_URLS:
        return CUSTOM_URLS[step.url_name][2](world)
    if step.url_name.endswith("_delete"):
        return {"post": "yes"}
    key = (step.url_name, step.obj)
    if key not in PAYLOADS:
        PAYLOADS[key] = superuser_form(step, world)[0]
    return dict(PAYLOADS[key])


def sign_in(client, role, world):
    """The client as the role: its session, made when the world was built."""
    client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[role]
    return client


def superuser_form(step, world):
    """The data of a form page as the superuser is shown it, and the names of its form's fields."""
    browser = sign_in(Client(), "superuser", world)
    response = browser.get(reverse(f"admin:{step.url_name}", args=step.url_args(world)))
    if response.status_code != 200:
        return {}, set()  # Nobody may use this form (adding a change request): an empty POST is refused anyway.
    data, fields = page_data(response)
    if step.url_name.endswith("_add"):
        # A new object like the "in" one, with a value of its own in every unique field.
        change = Step("GET", step.url_name.removesuffix("_add") + "_change", step.model, "in", "view")
        data |= {name: value for name, value in superuser_form(change, world)[0].items() if name in fields}
        model = apps.get_model(step.model)
        for name in unique_fields(model):
            if isinstance(model._meta.get_field(name), models.CharField) and data.get(name):
                data[name] += "-2"
        data |= ADD_EXTRAS.get(step.model, lambda world: {})(world)
    return data, fields


def is_protected(step, world):
    """Whether deleting the object is refused whoever asks: other rows depend on it (on_delete=PROTECT)."""
    if step.model == "meetings.meeting":
        return False  # Deleting a meeting only hides it (MeetingAdmin.delete_model).
    collector = NestedObjects(using="default")
    collector.collect([world.objects[step.model][step.obj]])
    return bool(collector.protected)


def shows_object(step, world, response):
    """Whether a reading action's answer (the CSV export) names the object it was asked about."""
    if response.status_code != 200 or "cl" in (response.context or {}):
        return False  # Refused, or the list shown again.
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return str(world.objects[step.model][step.obj]) in body.decode()


def allowed(role, step):
    if role == "anonymous":
        return False
    if step.needs == "staff":
        return True
    if step.needs == "view any":
        return any(may(role, label, None, "view") for label in POLICY if label.split(".")[0] == step.model)
    return may(role, step.model, step.obj, step.needs)


def send(client, step, world):
    args = step.url_args(world)
    if step.url_name == "autocomplete":
        app_label, model_name, field_name = step.field.split(".")
        params = {"app_label": app_label, "model_name": model_name, "field_name": field_name, "term": ""}
        return client.get(reverse("admin:autocomplete"), params)
    if step.url_name == "app_list":
        return client.get(reverse("admin:app_list", args=[step.model]))
    url = reverse(f"admin:{step.url_name}", args=args)
    if step.method == "GET":
        return client.get(url)
    if step.action in ACTION_SETUP:
        url += ACTION_SETUP[step.action][1]
    return client.post(url, payload(step, world))


def shown_ids(step, response):
    """The ids of the world's objects a list or a picker shows."""
    if step.url_name == "autocomplete":
        return {int(row["id"]) for row in response.json()["results"]}
    return {obj.pk for obj in response.context["cl"].result_list}


def assert_shows_only_what_the_role_may_see(role, step, world, response):
    if not (step.url_name.endswith("_changelist") or step.url_name == "autocomplete") or step.method != "GET":
        return
    objects = world.objects[step.model]
    expected = {key for key in objects if may(role, step.model, key, "view")}
    shown = {key for key, obj in objects.items() if obj.pk in shown_ids(step, response)}
    assert shown == expected, f"{role} is shown {sorted(shown)} of {step.model}, expected {sorted(expected)}"


@pytest.mark.parametrize("role, step", CASES, ids=[case_id(case) for case in CASES])
def test_who_may_read_and_write(role, step, world, client):
    assert step.model in POLICY or step.url_name in ("index", "app_list"), f"POLICY names no {step.model}"
    assert step.needs != "undeclared", f"CUSTOM_URLS says nothing of {step.url_name}: how to walk it, who may"
    if step.method == "POST":
        payload(step, world)  # Built as the superuser before anything is measured.
    before = world.snapshot
    if step.action in ACTION_SETUP:
        ACTION_SETUP[step.action][0](world.objects[step.model][step.obj])
        before = snapshot()
    if role != "anonymous":
        sign_in(client, role, world)

    response = send(client, step, world)

    after = snapshot()
    status = response.status_code
    changed = changed_tables(before, after)
    may_do = allowed(role, step)
    assert status < 500
    if role == "anonymous":
        assert status == 302 and response.url.startswith(reverse("admin:login")), status
        assert changed == []
    elif step.method == "GET":
        assert changed == [], f"a GET changed {changed}"
        assert (status == 200) == may_do, f"{role} got {status}"
        if may_do:
            assert_shows_only_what_the_role_may_see(role, step, world, response)
    elif not step.writes:
        # A reading action (the CSV export): it shows the object to whoever may view it, and writes nothing.
        assert changed == [], f"a reading action changed {changed}"
        assert shows_object(step, world, response) == may_do, f"{role} got {status}"
    elif not may_do:
        assert changed == [], f"{role} changed {changed} ({status})"
        # Django runs an action on the selected rows the user may see (none here), or shows the list again.
        if not step.action:
            assert status in (302, 403, 404), f"{role} was not refused plainly: {status}"
    elif step.url_name.endswith("_delete") or step.action == "delete_selected":
        if is_protected(step, world):
            # Django's "cannot delete" page: what depends on the object is listed; nothing is deleted.
            assert status == 200 and response.context["protected"] and changed == []
        else:
            assert changed, f"{role} deleted nothing ({status})"
    else:
        errors = response.context.get("errors") if status == 200 and response.context else None
        assert changed, f"{role} changed nothing ({status}) {errors or ''}"


def test_it_walks_every_registered_admin_with_a_policy():
    walked = {step.model for step in STEPS}

    assert {model_label(model) for model in admin.site._registry} <= walked
    assert set(POLICY) == {model_label(model) for model in admin.site._registry}, "POLICY must name every admin"


def test_every_history_admin_holds_the_revert_form_to_the_change_permission():
    from volunteers.admin_scope import HistoryAdmin

    history_admins = [ma for ma in admin.site._registry.values() if isinstance(ma, SimpleHistoryAdmin)]

    assert history_admins
    assert [ma for ma in history_admins if not isinstance(ma, HistoryAdmin)] == []


def test_every_action_of_ours_declares_its_permission():
    ours = ("meetings", "groups", "volunteers", "directory")
    undeclared = [
        name
        for model_admin in admin.site._registry.values()
        for func, name, _ in model_admin._get_base_actions()
        if func.__module__.split(".")[0] in ours and not getattr(func, "allowed_permissions", ())
    ]

    assert undeclared == []
