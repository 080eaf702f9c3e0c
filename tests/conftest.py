"""The suite's fixtures: a fresh cache for each test, and the servers and processes of the shared-cache tests;
and Jinja2's templates reported to the test Client as Django's are."""

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from django.core.cache import cache
from django.utils import translation

BASE_DIR = Path(__file__).resolve().parents[1]
REDIS_SERVER = os.environ.get("REDIS_SERVER", "/usr/bin/redis-server")


def pytest_configure(config):
    from django.conf import settings

    # MD5 hashes a password in microseconds where the production hasher takes a fifth of a second on purpose:
    # the suite signs volunteers in thousands of times (as healthchecks does in its tests).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    _report_jinja_templates_to_the_test_client()


def _report_jinja_templates_to_the_test_client():
    """response.context and response.templates for the Jinja2 pages (the search) too: Django's test set-up
    reports only its own engine's templates to the test Client, through the template_rendered signal."""
    from django.template.backends import jinja2 as backend
    from django.test.signals import template_rendered

    render = backend.Template.render

    def reported_render(self, context=None, request=None):
        context = {} if context is None else context
        html = render(self, context, request)  # which adds the request and the context processors' values
        template_rendered.send(sender=self, template=self.template, context=context)
        return html

    backend.Template.render = reported_render


@pytest.fixture(autouse=True)
def _fresh_cache():
    # The cache (e.g. "is demo data loaded?") must not carry state from one test to the next.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _english_after_each_test():
    # A request to a Spanish page leaves Spanish active in the thread (LocaleMiddleware activates a language and
    # nothing deactivates it), so the next test's reverse() and gettext would be Spanish: which tests failed
    # depended on the order pytest-xdist gave the modules.
    yield
    translation.deactivate()


def redis_server_or_skip():
    """Skips locally without redis-server; in CI (env CI set) a missing server is a failure, never a silent skip."""
    if Path(REDIS_SERVER).is_file() and os.access(REDIS_SERVER, os.X_OK):
        return REDIS_SERVER
    message = (
        f"redis-server is not installed at {REDIS_SERVER}: the shared-cache tests need Debian's redis-server "
        "package (apt-get install redis-server) or REDIS_SERVER pointing at a redis-server binary."
    )
    if os.environ.get("CI"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def redis_url():
    """CACHE_URL of a throwaway redis-server on a unix socket in a temp dir (no TCP port, nothing saved)."""
    server = redis_server_or_skip()
    # A short path: a unix socket's path may be about 100 characters at most.
    folder = Path(tempfile.mkdtemp(prefix="manypaths-redis."))
    socket = folder / "redis.sock"
    log = folder / "redis.log"
    process = subprocess.Popen(
        [server, "--port", "0", "--unixsocket", str(socket), "--unixsocketperm", "700", "--save", "",
         "--appendonly", "no", "--dir", str(folder), "--logfile", str(log)],
        stdin=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        import redis

        client = redis.Redis(unix_socket_path=str(socket))
        deadline = time.monotonic() + 20
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"redis-server did not start:\n{log.read_text() if log.exists() else ''}")
                time.sleep(0.05)
        client.close()
        yield f"unix://{socket}?db=0"
    finally:
        process.terminate()
        process.wait(timeout=20)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def redis_cache(settings, redis_url):
    """This process's default cache is the test Redis, emptied before and after the test."""
    from directory.settings import cache_from_url

    settings.CACHES = {"default": cache_from_url(redis_url) | {"KEY_PREFIX": settings.CACHES["default"]["KEY_PREFIX"]}}
    cache.clear()
    yield cache
    cache.clear()


def _process_env(**overrides):
    """The environment of another process of the app: this suite's production-like settings, and `overrides`."""
    env = {name: value for name, value in os.environ.items() if name not in ("CACHE_URL", "DATABASE_URL")}
    env["DJANGO_SETTINGS_MODULE"] = "directory.settings"
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env | overrides


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory):
    """A migrated, empty SQLite file (the embedded database of a fresh checkout), made once for the session."""
    path = tmp_path_factory.mktemp("sqlite") / "template.sqlite3"
    result = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=BASE_DIR,
        env=_process_env(DATABASE_URL=f"sqlite:///{path}"),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return path


@pytest.fixture
def app_env(tmp_path, migrated_sqlite):
    """Makes the environment of other processes of the app, sharing a fresh copy of the migrated SQLite file.

    Without a CACHE_URL among the overrides they use the embedded default cache, as a fresh checkout does.
    """
    path = tmp_path / "db.sqlite3"
    shutil.copyfile(migrated_sqlite, path)

    def make(**overrides):
        return _process_env(DATABASE_URL=f"sqlite:///{path}", **overrides)

    return make


@pytest.fixture(params=["embedded default", "redis"])
def shared_cache_env(request, app_env):
    """The environment of app processes on each shared cache: the embedded default, then the test Redis."""
    if request.param == "redis":
        return app_env(CACHE_URL=request.getfixturevalue("redis_url"))
    return app_env()
