from django.core.cache import cache

DEMO_SOURCE = "demo"
# Meetings made up by seed_demo and by generate_meetings (benchmarks): pages must say they are samples.
SAMPLE_SOURCES = (DEMO_SOURCE, "generated")
_CACHE_KEY = "demo-data-loaded"


def demo_data_loaded():
    """Whether sample listings are in the directory, so every page can say so (cached briefly)."""
    from meetings.models import Meeting

    loaded = cache.get(_CACHE_KEY)
    if loaded is None:
        loaded = Meeting.objects.filter(source__in=SAMPLE_SOURCES).exists()
        cache.set(_CACHE_KEY, loaded, 60)
    return loaded


def forget_demo_state():
    cache.delete(_CACHE_KEY)
