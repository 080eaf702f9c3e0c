"""Gunicorn settings, read from the environment: `gunicorn -c gunicorn.conf.py` (see docs/deploy.md)."""

import os
import sys
from pathlib import Path

from gunicorn.glogging import Logger

# The project's directory, for the import below: the `gunicorn` command (unlike `python -m gunicorn`) reads this
# file before it puts its working directory on the path.
sys.path.insert(0, str(Path(__file__).resolve().parent))
from directory.logging import NoQueryStrings  # noqa: E402


def _env_int(name, default):
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise SystemExit(f"{name} must be a whole number, not {value!r}.") from None
    if number < 1:
        raise SystemExit(f"{name} must be at least 1, not {number}.")
    return number


wsgi_app = "directory.wsgi:application"
# Platforms (and containers) give the port in PORT; the address is all interfaces so a load balancer
# can reach it. Override with --bind (e.g. 127.0.0.1:8000) to listen on loopback only.
bind = [f"0.0.0.0:{_env_int('PORT', 8000)}"]

# WEB_CONCURRENCY is the common name for the number of worker processes; by default two per CPU.
workers = _env_int("WEB_CONCURRENCY", 2 * (os.cpu_count() or 1))
# One thread per worker (plain sync workers) by default: a search is CPU-bound (Python, and PostgreSQL on
# a nearby machine answers in a millisecond or two), and threads of one process share one interpreter lock,
# so four threads per worker gave fewer requests a second and a far longer tail under load than one: at 32
# connections on 2 cores, 143-153 against 175-179 requests/s and p99 450-615 against 220-260 ms without the
# page cache, p99 131 against 14 ms with it (docs/performance.md). Threads let one process overlap slow
# database round trips (a database far away); each keeps its own connection (CONN_MAX_AGE), so
# connections to PostgreSQL = servers x workers x threads. Sync workers read each request whole before
# answering, so put them behind a load balancer or proxy that buffers slow clients (docs/deploy.md).
threads = _env_int("GUNICORN_THREADS", 1)
worker_class = "gthread" if threads > 1 else "sync"

# Behind a load balancer: keep idle connections open a little longer than its own idle timeout is
# typical, and answer slow requests with an error before the balancer gives up on them.
keepalive = _env_int("GUNICORN_KEEPALIVE", 5)
timeout = _env_int("GUNICORN_TIMEOUT", 30)
graceful_timeout = 30
# Restart each worker now and then so slow memory growth can never take a server down (a worker holds
# about 80 MB and does not grow under load: see docs/performance.md). Not too often: a fresh worker starts
# with empty caches, and its first requests are the slowest.
max_requests = _env_int("GUNICORN_MAX_REQUESTS", 20_000)
max_requests_jitter = max_requests // 10
# Import the app once in the master: a new or restarted worker is a fork, ready in milliseconds instead of
# importing Django and the app again while requests queue for it. Nothing opens a database connection or a
# file at import time, so nothing is shared by mistake between workers.
preload_app = True

# X-Forwarded-* headers are trusted only from these addresses (the load balancer's).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# Search terms are private: no access log by default. GUNICORN_ACCESS_LOG=true writes one line a request
# with the method, the path without its query string, the status, the size and the time taken; never the
# client address or the query.
errorlog = "-"


class PrivateLogger(Logger):
    """gunicorn's logger, cutting query strings out of what it writes.

    When a worker is aborted (a request past `timeout`) or a request fails outside Django, gunicorn's error
    log names the request: "Error handling request GET /meetings/?q=women&near=19104", search and all.
    """

    no_query_strings = NoQueryStrings()

    def setup(self, cfg):
        super().setup(cfg)
        # On the loggers, not their handlers: gunicorn replaces the handlers when it reloads (HUP).
        for log in (self.error_log, self.access_log):
            log.addFilter(self.no_query_strings)


logger_class = PrivateLogger
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
if os.environ.get("GUNICORN_ACCESS_LOG", "").strip().lower() in ("1", "true", "yes", "on"):
    accesslog = "-"
    access_log_format = '"%(m)s %(U)s" %(s)s %(B)s %(M)sms'
else:
    accesslog = None

# gunicorn's runtime control socket (for `gunicornc`) only when given a path: its default path in $HOME is
# shared by every gunicorn the user runs, so two servers on one machine would take it from each other.
if os.environ.get("GUNICORN_CONTROL_SOCKET"):
    control_socket = os.environ["GUNICORN_CONTROL_SOCKET"]
else:
    control_socket_disable = True
