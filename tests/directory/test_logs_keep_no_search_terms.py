"""Search terms never reach a log: gunicorn, the development server and Django's loggers cut query strings."""

import http.client
import io
import logging
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from directory.logging import NoQueryStrings

BASE_DIR = Path(__file__).resolve().parents[2]
SECRET = "hiv-positive-women"
SLOW_APP = """
import time


def app(environ, start_response):
    time.sleep(30)  # far past gunicorn's timeout: the worker is aborted in the middle of the request
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"too late"]
"""


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(port, path):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    try:
        connection.request("GET", path)
        return connection.getresponse().status
    finally:
        connection.close()


def wait_for(port, path, process, seconds=60):
    """The status of GET path, asked again until the server starting in `process` accepts the connection."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the server stopped: {process.communicate()}")
        try:
            return get(port, path)
        except ConnectionRefusedError:
            time.sleep(0.2)
    pytest.fail(f"no answer on port {port}")


def stop(process):
    process.terminate()
    out, err = process.communicate(timeout=30)
    return out + err


def test_gunicorn_writes_no_query_string_when_it_aborts_a_slow_request(tmp_path):
    (tmp_path / "slow_app.py").write_text(SLOW_APP)
    port = free_port()
    # Sync workers (the default): a threaded worker keeps telling the master it is alive, so it is not aborted.
    env = os.environ | {"GUNICORN_TIMEOUT": "1", "WEB_CONCURRENCY": "1", "GUNICORN_ACCESS_LOG": "true"}
    env.pop("GUNICORN_THREADS", None)
    gunicorn = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}"]
        + ["--pythonpath", str(tmp_path), "slow_app:app"],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        status = wait_for(port, f"/meetings/?q={SECRET}&near=19104&type=women", gunicorn)
    finally:
        log = stop(gunicorn)

    assert status == 500
    assert "WORKER TIMEOUT" in log
    assert "Error handling request GET /meetings/\n" in log
    assert SECRET not in log and "19104" not in log, log


def test_the_development_server_writes_no_query_string_of_a_4xx(tmp_path):
    port = free_port()
    env = os.environ | {"DEBUG": "true", "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for(port, "/healthz", server)
        # Neither needs the database: a BMLT request with a bad switcher (400) and an unknown page (404).
        bad = get(port, f"/client_interface/json/?switcher=Nope&SearchString={SECRET}")
        missing = get(port, f"/no-such-page/?q={SECRET}")
        time.sleep(0.5)
    finally:
        log = stop(server)

    assert (bad, missing) == (400, 404)
    assert '"GET /client_interface/json/ HTTP/1.1" 400' in log
    assert "Not Found: /no-such-page/" in log
    assert SECRET not in log, log


@pytest.mark.parametrize("logger_name", ["django.request", "django.server", "meetings"])
def test_every_logger_of_the_project_writes_through_the_filter(logger_name):
    console = next(h for h in logging.getLogger().handlers if any(isinstance(f, NoQueryStrings) for f in h.filters))
    written = io.StringIO()
    old_stream = console.setStream(written)
    try:
        logging.getLogger(logger_name).warning('"%s" %s', f"GET /meetings/?q={SECRET}&day=today HTTP/1.1", 400)
    finally:
        console.setStream(old_stream)

    assert written.getvalue() == '"GET /meetings/ HTTP/1.1" 400\n'


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("Error handling request GET /meetings/?q=women&near=19104", "Error handling request GET /meetings/"),
        ("Invalid request line: 'GET /list/?m=1 HTTP/1.1 x'", "Invalid request line: 'GET /list/ HTTP/1.1 x'"),
        ("Is the database up? Retrying.", "Is the database up? Retrying."),
    ],
)
def test_the_filter_cuts_query_strings_and_nothing_else(message, expected):
    record = logging.makeLogRecord({"msg": "%s", "args": (message,)})

    assert NoQueryStrings().filter(record) is True
    assert record.getMessage() == expected
