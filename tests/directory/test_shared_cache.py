"""The cache is shared by every process of the app: what one stores, the others see.

Each test runs separate processes of the app on each shared cache: the embedded default (Django's database
cache, in the SQLite file they share) and a real redis-server (production's CACHE_URL=redis://...).
"""

import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]

# Prints the status and body of one GET, made in a fixed minute of the page cache however long start-up takes.
GET_PAGE = """
import sys
from datetime import UTC, datetime
from unittest import mock

import django

django.setup()
from django.test import Client

with mock.patch("directory.pagecache.timezone.now", return_value=datetime(2026, 11, 23, 12, 0, 5, tzinfo=UTC)):
    response = Client().get(sys.argv[1])
print(response.status_code)
print(response.content.decode())
"""

# Waits for a common start, then takes the suggestion rate limit `tries` times; prints how many were allowed.
TAKE_RATE_LIMIT = """
import sys
import time

import django

django.setup()
from django.test import RequestFactory

from volunteers.ratelimit import ratelimit_take

limit, tries, start = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
request = RequestFactory().post("/meetings/suggest/", REMOTE_ADDR="203.0.113.9")
time.sleep(max(0.0, start - time.time()))
print(sum(ratelimit_take(request=request, bucket="suggest", limit=limit) for _ in range(tries)))
"""


def python(script, *args, env):
    return subprocess.Popen(
        [sys.executable, "-c", script, *map(str, args)],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def output(process):
    stdout, stderr = process.communicate(timeout=180)
    assert process.returncode == 0, stderr
    return stdout


def test_a_page_cached_by_one_process_is_served_by_another(shared_cache_env):
    # SITE_NAME is in every page's title: each process names itself, so the page shows which one made it.
    env = shared_cache_env | {"PAGE_CACHE_SECONDS": "60"}

    first = output(python(GET_PAGE, "/meetings/?sort=day", env=env | {"SITE_NAME": "Made by the first"}))
    second = output(python(GET_PAGE, "/meetings/?sort=day", env=env | {"SITE_NAME": "Made by the second"}))

    assert first.startswith("200\n")
    assert "Made by the first" in first
    assert second.startswith("200\n")
    assert "Made by the first" in second
    assert "Made by the second" not in second


def test_processes_racing_for_the_rate_limit_never_take_more_than_it(shared_cache_env):
    limit, processes, tries = 10, 4, 25
    start = time.time() + 6  # after every process has started Django

    racers = [python(TAKE_RATE_LIMIT, limit, tries, start, env=shared_cache_env) for _ in range(processes)]
    allowed = [int(output(racer)) for racer in racers]

    assert sum(allowed) == limit, allowed
