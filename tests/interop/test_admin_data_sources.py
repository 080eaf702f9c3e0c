"""Data sources and file imports in the admin are for site administrators only, on every path."""

import pytest
from django.contrib.auth.models import Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from interop.models import DataSource
from meetings.models import Meeting
from tests.factories import make_program
from tests.interop.conftest import DATA
from tests.volunteers.conftest import make_volunteer

pytestmark = pytest.mark.django_db


@pytest.fixture
def source():
    # Port 9 on this machine refuses at once: a refresh that ran would record the error on the source.
    return DataSource.objects.create(
        name="Intergroup", slug="intergroup", url="http://127.0.0.1:9/", program=make_program()
    )


@pytest.fixture
def staff_with_model_permissions():
    """A staff user given Django's permissions on meetings and data sources, as an administrator might by mistake."""
    user = User.objects.create_user("staff", is_staff=True)
    codenames = ["add_meeting", "change_meeting", "view_datasource", "change_datasource", "add_datasource"]
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    return user


def upload(source):
    csv = SimpleUploadedFile("meetings.csv", (DATA / "tsml-template.csv").read_bytes(), "text/csv")
    return {"format": "csv", "program": source.program_id, "source": "sheet", "file": csv}


@pytest.mark.parametrize("who", ["staff_with_model_permissions", "editor"])
def test_it_refuses_the_import_page_and_the_refresh_to_anyone_but_a_site_administrator(client, request, who, source):
    user = request.getfixturevalue(who) if who != "editor" else make_volunteer("ed", programs=[source.program])
    client.force_login(user)
    url = reverse("admin:interop_datasource_import_file")

    page = client.get(url)
    imported = client.post(url, upload(source))
    refreshed = client.post(
        reverse("admin:interop_datasource_changelist"), {"action": "refresh_now", "_selected_action": [source.pk]}
    )

    assert (page.status_code, imported.status_code, refreshed.status_code) == (403, 403, 403)
    assert not Meeting.objects.exists()
    source.refresh_from_db()
    assert source.last_run is None


def test_it_lets_a_site_administrator_refresh_a_source(admin_client, source):
    admin_client.post(
        reverse("admin:interop_datasource_changelist"), {"action": "refresh_now", "_selected_action": [source.pk]}
    )

    source.refresh_from_db()
    assert source.last_run is not None
    assert source.last_error
