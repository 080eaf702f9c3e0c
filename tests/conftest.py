import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_cache():
    # The cache (e.g. "is demo data loaded?") must not carry state from one test to the next.
    cache.clear()
    yield
    cache.clear()
