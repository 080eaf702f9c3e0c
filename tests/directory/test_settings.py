from django.conf import settings


def test_it_runs_tests_with_debug_off_like_production():
    assert settings.DEBUG is False
