"""The WSGI application (gunicorn imports it once, in its master: gunicorn.conf.py `preload_app`)."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "directory.settings")

application = get_wsgi_application()

# Before the first request, not during it: see directory/warmup.py.
from directory.warmup import warm_up  # noqa: E402 -- needs the settings get_wsgi_application() set up

warm_up()

# What is loaded by now lives as long as the process. Out of the garbage collector's reach, a full collection
# walks only what requests make: it had paused a search for 50-60 ms every few requests, 7-10 ms frozen
# (docs/performance.md). And the workers gunicorn forks from here keep sharing those pages with the master, as
# a collection no longer writes to them (the use of gc.freeze() that Python's documentation gives).
gc.collect()
gc.freeze()
