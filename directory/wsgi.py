"""The WSGI application (gunicorn imports it once, in its master: gunicorn.conf.py `preload_app`)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "directory.settings")

application = get_wsgi_application()

# Before the first request, not during it: see directory/warmup.py.
from directory.warmup import warm_up  # noqa: E402 -- needs the settings get_wsgi_application() set up

warm_up()
