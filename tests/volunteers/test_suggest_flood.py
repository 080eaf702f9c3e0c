"""A flood of suggestions from one client, on a real gunicorn with four workers: the rate limit holds across them.

Each worker is a process of its own; the limit holds only because they share one cache (the embedded default,
or Redis as in production), so this runs the production server rather than the test client.
"""

import http.client
import re
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
LIMIT = 5
POSTS = 60
WORKERS = 4


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def request(port, method, path, body=None, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response, response.read().decode()
    finally:
        connection.close()


@pytest.fixture
def gunicorn(shared_cache_env, tmp_path):
    """The port of `gunicorn -c gunicorn.conf.py` with four workers, on each shared cache."""
    port = free_port()
    env = shared_cache_env | {"WEB_CONCURRENCY": str(WORKERS), "SUGGESTIONS_PER_HOUR": str(LIMIT)}
    log = (tmp_path / "gunicorn.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}"],
        cwd=BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if request(port, "GET", "/healthz")[0].status == 200:
                    break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"gunicorn did not start:\n{(tmp_path / 'gunicorn.log').read_text()}")
            time.sleep(0.2)
        yield port
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def test_one_client_flooding_the_suggestion_form_gets_at_most_the_hourly_limit_through(gunicorn):
    response, page = request(gunicorn, "GET", "/meetings/suggest/")
    assert response.status == 200
    cookies = SimpleCookie()
    for header in response.headers.get_all("Set-Cookie") or []:
        cookies.load(header)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": "; ".join(f"{name}={morsel.value}" for name, morsel in cookies.items()),
    }
    # An empty suggestion: past the rate limit it is refused as invalid (400), so nothing is stored.
    body = urlencode({"csrfmiddlewaretoken": token})

    def post(_):
        return request(gunicorn, "POST", "/meetings/suggest/", body=body, headers=headers)[0].status

    with ThreadPoolExecutor(max_workers=2 * WORKERS) as pool:
        statuses = list(pool.map(post, range(POSTS)))

    let_through = [status for status in statuses if status != 429]
    assert 1 <= len(let_through) <= LIMIT, statuses
    assert set(let_through) == {400}, statuses
