from django.conf import settings


def site(request):
    """Site-wide facts every page shows: its name, help now, and whether listings are sample data."""
    from demo.samples import demo_data_loaded

    return {
        "SITE_NAME": settings.SITE_NAME,
        "HELP_NOW": settings.HELP_NOW,
        "DEMO_DATA": demo_data_loaded(),
    }
