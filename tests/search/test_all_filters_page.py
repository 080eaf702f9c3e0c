"""The search page draws its bar and carries the other filters; every filter is on the "All filters" page, one tap
away, bound to the search's query and submitting back to the list (or the map)."""

import re

import pytest
from django.urls import reverse

from tests.factories import make_location, make_meeting, make_type

pytestmark = pytest.mark.django_db


@pytest.fixture
def types():
    make_type(code="women", name="Women", category="audience")
    make_type(code="secular", name="Secular", category="format")


def hidden_inputs(html):
    return re.findall(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)">', html)


def test_the_search_page_draws_only_the_bar_and_links_to_every_filter(client, types):
    html = client.get(reverse("home"), {"q": "hope", "type": "women", "page": "1"}).content.decode()
    assert 'name="q"' in html and 'name="near"' in html
    assert 'type="checkbox"' not in html and "<select" not in html
    assert f'<a href="{reverse("search:filters")}?q=hope&amp;type=women">All filters</a>' in html


def test_the_bar_carries_the_other_filters_so_a_new_keyword_keeps_them(client, types):
    html = client.get(reverse("home"), {"q": "hope", "type": ["women", "secular"], "when": "tonight"}).content
    assert hidden_inputs(html.decode()) == [
        *(("type", "women"), ("type", "secular"), ("when", "tonight")),
        # Always there: search.js writes the visitor's location, the order and the zone into them.
        *(("lat", ""), ("lng", ""), ("sort", ""), ("tz", "")),
    ]


def test_the_bar_leaves_out_a_value_in_error_so_the_next_search_drops_it(client, types):
    response = client.get(reverse("home"), {"q": "hope", "day": "9", "type": "women", "sort": "distance"})
    assert response.status_code == 400
    assert hidden_inputs(response.content.decode()) == [
        ("type", "women"),
        *(("lat", ""), ("lng", ""), ("sort", ""), ("tz", "")),
    ]


def test_the_page_shows_every_filter_as_the_search_chose_it(client, types):
    response = client.get(reverse("search:filters"), {"q": "hope", "type": "women", "sort": "day", "page": "4"})
    assert response.status_code == 200
    html = response.content.decode()
    assert '<input type="checkbox" name="type" value="women" checked>' in html
    assert '<input type="checkbox" name="type" value="secular">' in html
    assert '<option value="day" selected>' in html
    assert 'value="hope"' in html
    assert f'<form method="get" action="{reverse("home")}"' in html
    # Back to the same search, from its first page.
    assert f'<a href="{reverse("home")}?q=hope&amp;type=women&amp;sort=day">Back to the meetings</a>' in html


def test_the_maps_filters_submit_to_the_map(client, types):
    html = client.get(reverse("search:map-filters"), {"near": "19104"}).content.decode()
    assert f'<form method="get" action="{reverse("search:map")}"' in html
    map_page = client.get(reverse("search:map"), {"near": "19104"}).content.decode()
    assert f'<a href="{reverse("search:map-filters")}?near=19104">All filters</a>' in map_page


def test_bad_input_is_a_400_with_each_error_beside_its_field(client, types):
    response = client.get(reverse("search:filters"), {"now": "99", "type": "women"})
    assert response.status_code == 400
    html = response.content.decode()
    assert '<p class="field-error" id="id_now_error">' in html
    assert '<input type="checkbox" name="type" value="women" checked>' in html  # the rest kept


def test_the_search_pages_errors_link_to_the_filters_to_correct_them(client, types):
    make_meeting(name="Hope")
    html = client.get(reverse("home"), {"now": "99"}).content.decode()
    assert f'<a href="{reverse("search:filters")}?now=99">Correct it under All filters</a>' in html


def test_a_place_typed_after_use_my_location_wins_over_the_coordinates(client, types):
    make_meeting(name="Philadelphia", location=make_location(latitude=39.96, longitude=-75.19))
    make_meeting(name="Pittsburgh", location=make_location(latitude=40.44, longitude=-79.99))
    # The bar carried Pittsburgh's coordinates from "Use my location"; the visitor then typed 19104.
    response = client.get(reverse("home"), {"q": "", "near": "19104", "lat": "40.44", "lng": "-79.99"})
    assert [meeting.name for meeting in response.context["page"]] == ["Philadelphia"]
    html = response.content.decode()
    assert "your location" not in html  # no chip for the coordinates the search did not use
    assert ("lat", "") in hidden_inputs(html) and ("lng", "") in hidden_inputs(html)
