"""Fetching a feed URL: public addresses only (unless listed), checked after every lookup and redirect, and
one deadline for the whole fetch."""

import http.server
import json
import socket
import ssl
import threading
import time

import pytest

from interop import fetching
from interop.models import DataSource
from interop.sources import datasource_refresh, location_import
from meetings.models import Meeting
from tests.interop.conftest import DATA, _Handler, send_body

pytestmark = pytest.mark.django_db

FEED = json.dumps(
    [
        {
            "name": "Fetched",
            "slug": "fetched",
            "day": 1,
            "time": "19:00",
            "timezone": "America/Chicago",
            "formatted_address": "4953 W Addison St, Chicago, IL 60641, USA",
        }
    ]
).encode()


def fetch(aa, url):
    return location_import(location=url, format="meeting-guide", source="s", program=aa)


def redirect_to(location):
    def handle(request):
        request.send_response(302)
        request.send_header("Location", location)
        request.send_header("Content-Length", "0")
        request.end_headers()

    return handle


def remember(hits, handler):
    def handle(request):
        hits.append(request.headers.get("Host"))
        handler(request)

    return handle


@pytest.fixture
def fake_dns(monkeypatch):
    """Answer lookups of *.example.test from a table (and count them), as a resolver an attacker controls would."""
    table, lookups = {}, []
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if not host.endswith(".example.test"):
            return real(host, port, *args, **kwargs)
        lookups.append(host)
        answers = table[host]
        address = answers[min(len(lookups), len(answers)) - 1]
        return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (address, port))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return table, lookups


@pytest.fixture
def https_server(fake_dns, settings, monkeypatch):
    """A real HTTPS server for feeds.example.test (on 127.0.0.1), whose self-signed certificate the fetcher trusts."""
    table, _ = fake_dns
    table["feeds.example.test"] = table["other.example.test"] = ["127.0.0.1"]
    settings.FEED_PRIVATE_HOSTS = ["feeds.example.test", "other.example.test"]
    certificate = str(DATA / "feeds.example.test-cert.pem")
    real = ssl.create_default_context
    monkeypatch.setattr(ssl, "create_default_context", lambda *args, **kwargs: real(cafile=certificate))
    routes = {}
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), type("Handler", (_Handler,), {"routes": routes}))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certificate, str(DATA / "feeds.example.test-key.pem"))
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.routes, server.port = routes, server.server_address[1]
    yield server
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "127.8.9.10",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",  # cloud metadata
        "100.64.0.1",  # shared address space (carrier-grade NAT)
        "0.0.0.0",
        "224.0.0.1",
        "240.0.0.1",
        "255.255.255.255",
        "::1",
        "::",
        "fe80::1",
        "fe80::1%lo",
        "fc00::1",
        "fd12:3456::1",
        "ff02::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "::ffff:169.254.169.254",
    ],
)
def test_it_refuses_every_kind_of_non_public_address(address):
    assert fetching.refused_address(address)


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111", "::ffff:93.184.216.34"])
def test_it_accepts_public_addresses(address):
    assert not fetching.refused_address(address)


def test_it_refuses_a_feed_on_the_loopback_address_by_default(aa, http_server, settings):
    settings.FEED_PRIVATE_HOSTS = []
    hits = []
    http_server.routes["/feed.json"] = remember(hits, send_body(FEED))

    report = fetch(aa, f"{http_server.url}/feed.json")

    assert "127.0.0.1 is at 127.0.0.1, a private, local or reserved address" in report.error
    assert "FEED_PRIVATE_HOSTS" in report.error
    assert hits == []
    assert Meeting.objects.count() == 0


def test_it_reads_a_feed_on_a_host_listed_in_feed_private_hosts(aa, http_server, settings):
    settings.FEED_PRIVATE_HOSTS = ["127.0.0.1"]
    http_server.routes["/feed.json"] = send_body(FEED)

    report = fetch(aa, f"{http_server.url}/feed.json")

    assert report.ok, report.error
    assert report.created == ["fetched"]


def test_it_refuses_a_redirect_from_a_listed_host_to_an_unlisted_private_one(aa, http_server, settings):
    # localhost is the same machine, but only 127.0.0.1 is listed: the name is what must be listed.
    settings.FEED_PRIVATE_HOSTS = ["127.0.0.1"]
    hits = []
    port = http_server.server_address[1]
    http_server.routes["/moved.json"] = redirect_to(f"http://localhost:{port}/admin/login/")
    http_server.routes["/admin/login/"] = remember(hits, send_body(b"<html>the admin login page</html>"))

    report = fetch(aa, f"{http_server.url}/moved.json")

    assert "localhost is at" in report.error and "private, local or reserved address" in report.error
    assert hits == []


def test_it_follows_a_redirect_to_an_allowed_address(aa, http_server, local_feeds):
    http_server.routes["/old.json"] = redirect_to("/feed.json")
    http_server.routes["/feed.json"] = send_body(FEED)

    report = fetch(aa, f"{http_server.url}/old.json")

    assert report.created == ["fetched"]


def test_it_stops_after_five_redirects(aa, http_server, local_feeds):
    http_server.routes["/loop.json"] = redirect_to("/loop.json")

    report = fetch(aa, f"{http_server.url}/loop.json")

    assert "redirects more than 5 times" in report.error


def test_it_checks_the_address_a_name_resolves_to(aa, http_server, fake_dns):
    table, _ = fake_dns
    table["feeds.example.test"] = ["127.0.0.1"]
    hits = []
    http_server.routes["/feed.json"] = remember(hits, send_body(FEED))

    report = fetch(aa, f"http://feeds.example.test:{http_server.server_address[1]}/feed.json")

    assert "feeds.example.test is at 127.0.0.1, a private, local or reserved address" in report.error
    assert hits == []


def test_it_connects_to_the_address_it_checked_without_a_second_lookup(aa, http_server, fake_dns, settings):
    # A resolver that answers differently the second time (DNS rebinding) gets no second question.
    table, lookups = fake_dns
    table["feeds.example.test"] = ["127.0.0.1", "10.255.255.1"]
    settings.FEED_PRIVATE_HOSTS = ["feeds.example.test"]
    hits = []
    http_server.routes["/feed.json"] = remember(hits, send_body(FEED))
    port = http_server.server_address[1]

    report = fetch(aa, f"http://feeds.example.test:{port}/feed.json")

    assert report.created == ["fetched"]
    assert lookups == ["feeds.example.test"]
    assert hits == [f"feeds.example.test:{port}"]


def test_it_fetches_over_https_checking_the_certificate_against_the_host_name(aa, https_server):
    https_server.routes["/feed.json"] = send_body(FEED)

    report = fetch(aa, f"https://feeds.example.test:{https_server.port}/feed.json")
    wrong_name = fetch(aa, f"https://other.example.test:{https_server.port}/feed.json")

    assert report.created == ["fetched"]
    assert wrong_name.error == (
        f"The certificate of https://other.example.test:{https_server.port}/feed.json is not valid: Hostname "
        "mismatch, certificate is not valid for 'other.example.test'."
    )


def test_it_refuses_a_certificate_it_does_not_trust(aa, https_server, monkeypatch, settings):
    monkeypatch.undo()  # back to the system's certificate authorities (and resolver)
    settings.FEED_PRIVATE_HOSTS = ["127.0.0.1"]
    https_server.routes["/feed.json"] = send_body(FEED)

    report = fetch(aa, f"https://127.0.0.1:{https_server.port}/feed.json")

    assert report.error.endswith("is not valid: self-signed certificate.")


@pytest.mark.parametrize("url", ["ftp://feeds.example.org/feed.json", "file:///etc/passwd", "gopher://x.org/1"])
def test_it_reads_only_http_and_https_urls(aa, url):
    report = fetch(aa, url)

    assert report.error == f"{url} is not an http:// or https:// address; feeds are only read over the web."


def test_it_refuses_a_data_source_whose_address_is_a_file_on_the_server(aa, tmp_path):
    path = tmp_path / "feed.json"
    path.write_bytes(FEED)
    # The admin's URL field would refuse this; a row written another way must not read the server's files.
    datasource = DataSource.objects.create(name="Local", slug="local", url=str(path), program=aa)

    report = datasource_refresh(datasource=datasource)

    assert "does not start with https:// or http://" in report.error
    datasource.refresh_from_db()
    assert datasource.last_error == report.error
    assert Meeting.objects.count() == 0


# -- the deadline ------------------------------------------------------------------------------------------


def drip(part):
    """A server that sends the end of its headers, or its body, one byte a second (until told to stop)."""
    stop = threading.Event()
    body = b"[" + b" " * 10 + b"]"
    head = f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n".encode()
    fast, slow = (head, b"X-Drip: 1234\r\n\r\n" + body) if part == "headers" else (head + b"\r\n", body)

    def handle(request):
        try:
            request.wfile.write(fast)
            request.wfile.flush()
            for byte in slow:
                if stop.wait(1):
                    return
                request.wfile.write(bytes([byte]))
                request.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass

    handle.stop = stop
    return handle


@pytest.mark.parametrize("part", ["headers", "body"])
def test_it_gives_up_when_the_whole_fetch_outlasts_the_deadline(aa, http_server, local_feeds, settings, part):
    # Every byte arrives well within a per-read timeout; only a deadline for the whole fetch stops this.
    settings.IMPORT_TIMEOUT_SECONDS = 2
    handler = drip(part)
    http_server.routes["/drip.json"] = handler

    started = time.monotonic()
    try:
        report = fetch(aa, f"{http_server.url}/drip.json")
    finally:
        handler.stop.set()
    elapsed = time.monotonic() - started

    assert "did not answer within 2 seconds" in report.error
    assert elapsed < 3.5
