import http.server
import json
import threading
import time
from pathlib import Path

import pytest

from groups.models import Program
from tests.factories import load_reference_data

DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture
def reference_data(db):
    """Programs and meeting types, as every deployment has them."""
    load_reference_data()


@pytest.fixture
def aa(reference_data):
    return Program.objects.get(slug="aa")


@pytest.fixture
def na(reference_data):
    return Program.objects.get(slug="na")


@pytest.fixture
def example_feed():
    return json.loads((DATA / "example-feed.json").read_text(encoding="utf-8"))


class _Handler(http.server.BaseHTTPRequestHandler):
    routes = {}

    def do_GET(self):  # noqa: N802 (the standard library's name)
        route = self.routes.get(self.path.split("?")[0])
        if route is None:
            self.send_error(404)
            return
        route(self)

    def log_message(self, *args):
        pass


@pytest.fixture
def http_server():
    """A real HTTP server on 127.0.0.1; tests register routes as path -> handler(request)."""
    routes = {}
    handler = type("Handler", (_Handler,), {"routes": routes})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.routes = routes
    server.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def local_feeds(settings):
    """Feeds may come from the test server's address, as a deployment lists its own hosts in FEED_PRIVATE_HOSTS."""
    settings.FEED_PRIVATE_HOSTS = ["127.0.0.1"]


def send_body(body, *, status=200, content_type="application/json"):
    def handle(request):
        request.send_response(status)
        request.send_header("Content-Type", content_type)
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        request.wfile.write(body)

    return handle


def send_slowly(seconds):
    def handle(request):
        time.sleep(seconds)
        try:
            send_body(b"[]")(request)
        except (BrokenPipeError, ConnectionResetError):
            pass

    return handle
