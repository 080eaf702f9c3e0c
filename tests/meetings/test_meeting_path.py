"""A meeting's address is what Django's reverse() gives, in every language, for every slug it takes."""

import pytest
from django.urls import NoReverseMatch, reverse, set_script_prefix
from django.utils import translation

from meetings.models import meeting_path


@pytest.mark.parametrize("language", ["en", "es"])
def test_it_is_the_reversed_address_in_each_language(language):
    with translation.override(language):
        for slug in ["aa-tuesday-1", "meeting-slug", "x_y-Z9"]:
            assert meeting_path(slug) == reverse("meetings:detail", kwargs={"slug": slug})


def test_it_follows_the_script_prefix():
    try:
        set_script_prefix("/directory/")
        assert meeting_path("aa-tuesday-1") == "/directory/meetings/aa-tuesday-1/"
    finally:
        set_script_prefix("/")


def test_a_slug_the_address_cannot_hold_is_refused_as_reverse_refuses_it():
    with pytest.raises(NoReverseMatch):
        meeting_path("not/a slug")
