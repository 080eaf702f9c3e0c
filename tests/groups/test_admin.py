"""The volunteer admin for programs and groups."""

import json

import pytest
from django.urls import reverse

from groups.models import Abstinence, Audience, Group, Program
from tests.factories import make_program, make_region

pytestmark = pytest.mark.django_db


def program_form_data(**overrides):
    data = {
        "name": "SMART Recovery",
        "short_name": "SMART",
        "slug": "smart-recovery",
        "description": "Science-based mutual help.",
        "approach": "cognitive-behavioural",
        "spiritual_basis": "secular",
        "abstinence": "oriented",
        "medication": "welcoming",
        "gender_focus": "everyone",
        "audience": Audience.RECOVERY,
        "substances": "any",
        "status": "active",
        "sources": "[]",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("model", ["program", "group"])
def test_it_shows_changelist_and_add_page(admin_client, model):
    aa = make_program()
    make_program(audience=Audience.FAMILY, abstinence=Abstinence.NOT_APPLICABLE)
    region = make_region()
    Group.objects.create(program=aa, name="Hope Group", slug="hope", region=region)
    Group.objects.create(program=aa, name="Serenity Group", slug="serenity")

    changelist = admin_client.get(reverse(f"admin:groups_{model}_changelist"))
    add = admin_client.get(reverse(f"admin:groups_{model}_add"))

    assert changelist.status_code == 200
    assert add.status_code == 200
    assert "Many Paths volunteer admin" in changelist.content.decode()


def test_it_groups_program_facts_and_sources(admin_client):
    response = admin_client.get(reverse("admin:groups_program_add"))

    names = [fieldset.name for fieldset in response.context["adminform"]]
    assert names == [None, "Facts", "Sources"]


def test_it_creates_a_program_with_its_sources(admin_client):
    sources = [{"fact": "approach", "text": "SMART Recovery handbook", "url": "https://smartrecovery.org/"}]

    response = admin_client.post(reverse("admin:groups_program_add"), program_form_data(sources=json.dumps(sources)))

    assert response.status_code == 302
    program = Program.objects.get(slug="smart-recovery")
    assert program.sources_for("approach") == sources


def test_it_shows_a_bad_abstinence_stance_beside_its_field(admin_client):
    response = admin_client.post(
        reverse("admin:groups_program_add"), program_form_data(abstinence=Abstinence.NOT_APPLICABLE)
    )

    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["abstinence"]
    assert not Program.objects.exists()


def test_it_rejects_a_group_slug_already_used_in_its_program(admin_client):
    aa = make_program()
    Group.objects.create(program=aa, name="Hope Group", slug="hope")

    response = admin_client.post(
        reverse("admin:groups_group_add"), {"program": aa.pk, "name": "Hope Again", "slug": "hope"}
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert Group.objects.count() == 1


def test_it_searches_programs_by_short_name(admin_client):
    make_program(name="Alcoholics Anonymous", short_name="AA")
    make_program(name="Secular Organizations for Sobriety", short_name="SOS")

    response = admin_client.get(reverse("admin:groups_program_changelist"), {"q": "sos"})

    assert [p.short_name for p in response.context["cl"].result_list] == ["SOS"]


@pytest.mark.parametrize("groups", [3, 60])
def test_it_lists_groups_in_a_fixed_number_of_queries(admin_client, django_assert_num_queries, groups):
    for n in range(groups):
        Group.objects.create(program=make_program(), name=f"Group {n:02}", slug=f"group-{n}", region=make_region())
    url = reverse("admin:groups_group_changelist")
    admin_client.get(url)

    # The session, the user, the program filter's choices, the page's count, its rows, their programs and
    # their regions (one query each).
    with django_assert_num_queries(7):
        response = admin_client.get(url)

    rows = response.context["cl"].result_list
    html = response.content.decode()
    assert len(rows) == min(groups, 50)
    assert all(f'<td class="field-program nowrap">{group.program.name}</td>' in html for group in rows)
    assert all(f'<td class="field-region nowrap">{group.region.name}</td>' in html for group in rows)
