"""Reading a feed from a file or a URL: within a size limit, a total deadline, and only from public addresses.

URLs are fetched with the standard library's http.client rather than urllib's opener, because the checks have
to sit between steps that urlopen() does in one call: the host name is resolved once, every address is checked
(no loopback, private, link-local... address unless the operator listed the host in FEED_PRIVATE_HOSTS), the
connection goes to an address that was checked (a second lookup could answer differently), and each redirect
is checked the same way before it is followed.
"""

import http.client
import ipaddress
import re
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from django.conf import settings

CHUNK = 64 * 1024
MAX_REDIRECTS = 5
REDIRECTS = {301, 302, 303, 307, 308}
WEB_SCHEMES = ("http", "https")
HAS_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


class SourceError(Exception):
    """The feed could not be read; the message says why, in words a volunteer understands."""


class _Expired(Exception):
    """The fetch's total deadline passed."""


def is_url(source):
    return bool(HAS_SCHEME.match(str(source)))


def read_source(source, *, max_bytes=None, timeout=None):
    """The raw bytes of a file or of an http(s) URL."""
    max_bytes = max_bytes or settings.IMPORT_MAX_BYTES
    timeout = timeout or settings.IMPORT_TIMEOUT_SECONDS
    if is_url(source):
        return read_url(source, max_bytes=max_bytes, timeout=timeout)
    path = Path(source)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise SourceError(_too_big(max_bytes))
        with path.open("rb") as handle:
            return _read_limited(handle.read, max_bytes, deadline=None)
    except FileNotFoundError:
        raise SourceError(f"There is no file at {source}.") from None
    except IsADirectoryError:
        raise SourceError(f"{source} is a folder, not a feed file.") from None
    except PermissionError:
        raise SourceError(f"The file {source} cannot be read (permission denied).") from None


def _too_big(max_bytes):
    # In KB below a megabyte: "the limit of 0 MB" told a volunteer nothing.
    limit = f"{max_bytes // (1024 * 1024)} MB" if max_bytes >= 1024 * 1024 else f"{max(1, max_bytes // 1024)} KB"
    return f"The feed is larger than the limit of {limit}, so it was not read."


def _read_limited(read, max_bytes, *, deadline):
    chunks, total = [], 0
    while True:
        if deadline is not None and time.monotonic() >= deadline:
            raise _Expired
        chunk = read(CHUNK)
        if not chunk:
            return b"".join(chunks)
        total += len(chunk)
        if total > max_bytes:
            # Stop at the limit: a hostile or broken server cannot make us hold more than this.
            raise SourceError(_too_big(max_bytes))
        chunks.append(chunk)


# -- addresses ---------------------------------------------------------------------------------------------


def refused_address(address):
    """Whether an IP address is one a feed must not be fetched from (anything but a public unicast address)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # an IPv6 scope (fe80::1%eth0) is not part of it
    if ip.version == 6 and ip.ipv4_mapped is not None:
        # ::ffff:127.0.0.1 reaches 127.0.0.1; judge the IPv4 address it carries.
        ip = ip.ipv4_mapped
    return (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or (ip.version == 6 and ip.is_site_local)
        # is_global is False for the rest that no feed lives on (shared address space 100.64.0.0/10...).
        or not ip.is_global
    )


def _private_host_allowed(host):
    """Whether the operator listed this host, by the name or address written in the URL, in FEED_PRIVATE_HOSTS."""
    # The host as written, not the address it resolves to: otherwise any public name that an attacker points
    # at a listed address would be allowed too.
    listed = {entry.strip().lower().strip("[]") for entry in settings.FEED_PRIVATE_HOSTS}
    return host.lower().rstrip(".") in listed


def _resolve(host, port, deadline):
    """The host's addresses (getaddrinfo entries), looked up once, within what is left of the deadline."""
    result = {}

    def lookup():
        try:
            result["addresses"] = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as error:
            result["error"] = error

    # getaddrinfo() cannot be given a timeout; a slow resolver is waited for only until the deadline.
    thread = threading.Thread(target=lookup, daemon=True)
    thread.start()
    thread.join(max(deadline - time.monotonic(), 0))
    if thread.is_alive():
        raise _Expired
    if "error" in result:
        raise SourceError(f"Could not find the server {host}: {result['error']}.")
    return result["addresses"]


def _checked_addresses(host, port, deadline):
    """The addresses to connect to, each one checked, or SourceError naming the one refused."""
    addresses = _resolve(host, port, deadline)
    if _private_host_allowed(host):
        return addresses
    allowed = [entry for entry in addresses if not refused_address(entry[4][0])]
    if not allowed:
        raise SourceError(
            f"{host} is at {addresses[0][4][0]}, a private, local or reserved address: feeds are only read from "
            "public addresses (the site's operator can allow a named host with the FEED_PRIVATE_HOSTS setting)."
        )
    return allowed


# -- connections -------------------------------------------------------------------------------------------


class _DeadlineMixin:
    """Every read and write waits at most until the fetch's deadline, however slowly the server sends."""

    deadline = None

    def _wait_at_most_remaining(self):
        if self.deadline is not None:
            remaining = self.deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("the fetch's deadline passed")
            self.settimeout(remaining)

    def recv(self, *args, **kwargs):
        self._wait_at_most_remaining()
        return super().recv(*args, **kwargs)

    def recv_into(self, *args, **kwargs):
        self._wait_at_most_remaining()
        return super().recv_into(*args, **kwargs)

    def sendall(self, *args, **kwargs):
        self._wait_at_most_remaining()
        return super().sendall(*args, **kwargs)


class _DeadlineSocket(_DeadlineMixin, socket.socket):
    pass


class _DeadlineSSLSocket(_DeadlineMixin, ssl.SSLSocket):
    pass


def _connect(addresses, deadline):
    """A socket connected to the first checked address that answers."""
    last_error = None
    for family, kind, proto, _, sockaddr in addresses:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise _Expired
        sock = _DeadlineSocket(family, kind, proto)
        try:
            sock.settimeout(remaining)
            sock.connect(sockaddr)
        except OSError as error:
            sock.close()
            last_error = error
            continue
        sock.deadline = deadline
        return sock
    raise last_error


class _Connection(http.client.HTTPConnection):
    """An HTTP connection to addresses already checked, for a host name sent only in the Host header."""

    def __init__(self, host, port, *, addresses, deadline):
        super().__init__(host, port)
        self.addresses, self.deadline = addresses, deadline

    def connect(self):
        self.sock = _connect(self.addresses, self.deadline)


class _TLSConnection(_Connection):
    default_port = http.client.HTTPS_PORT

    def connect(self):
        context = ssl.create_default_context()
        context.sslsocket_class = _DeadlineSSLSocket
        # The certificate is checked against the host name of the URL, not the address connected to.
        sock = _connect(self.addresses, self.deadline)
        self.sock = context.wrap_socket(sock, server_hostname=self.host)
        self.sock.deadline = self.deadline


def _get(url, deadline, headers=None):
    """One GET of a checked http(s) URL: (the open response, its connection)."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in WEB_SCHEMES:
        raise SourceError(f"{url} is not an http:// or https:// address; feeds are only read over the web.")
    try:
        host, port = parts.hostname, parts.port
    except ValueError:
        raise SourceError(f"{url} has an invalid port.") from None
    if not host:
        raise SourceError(f"{url} names no server.")
    https = parts.scheme.lower() == "https"
    port = port or (http.client.HTTPS_PORT if https else http.client.HTTP_PORT)
    addresses = _checked_addresses(host, port, deadline)
    connection = (_TLSConnection if https else _Connection)(host, port, addresses=addresses, deadline=deadline)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        sent = {"User-Agent": "ManyPaths-importer/1.0", "Accept": "*/*", **(headers or {})}
        connection.request("GET", target, headers=sent)
        return connection.getresponse(), connection
    except BaseException:
        connection.close()
        raise


@dataclass
class Response:
    """A feed's body (None when the server said 304 Not Modified) and the validators to send next time."""

    body: bytes | None
    etag: str = ""
    last_modified: str = ""


def read_url(url, *, max_bytes, timeout):
    """The body of an http(s) URL, following up to MAX_REDIRECTS checked redirects, all within `timeout` seconds."""
    return fetch_url(url, max_bytes=max_bytes, timeout=timeout).body


def fetch_url(url, *, max_bytes=None, timeout=None, etag="", last_modified=""):
    """A Response for an http(s) URL; with `etag` or `last_modified`, a conditional GET that may answer 304."""
    max_bytes = max_bytes or settings.IMPORT_MAX_BYTES
    timeout = timeout or settings.IMPORT_TIMEOUT_SECONDS
    conditions = {"If-None-Match": etag, "If-Modified-Since": last_modified}
    conditions = {name: value for name, value in conditions.items() if value}
    deadline = time.monotonic() + timeout
    try:
        for _ in range(MAX_REDIRECTS + 1):
            response, connection = _get(url, deadline, conditions)
            try:
                if response.status in REDIRECTS and response.getheader("Location"):
                    url = urljoin(url, response.getheader("Location"))
                    continue
                if response.status == 304 and conditions:
                    return Response(None, etag, last_modified)
                if not 200 <= response.status < 300:
                    raise SourceError(f"The server answered {url} with HTTP {response.status} {response.reason}.")
                length = response.getheader("Content-Length")
                if length and length.isdecimal() and int(length) > max_bytes:
                    raise SourceError(_too_big(max_bytes))
                # read1() returns what has arrived (read(n) would wait for all n bytes), so the deadline is
                # checked between small reads; each read itself waits at most until the deadline.
                body = _read_limited(response.read1, max_bytes, deadline=deadline)
                validators = (response.getheader(name, "")[:300] for name in ("ETag", "Last-Modified"))
                return Response(body, *validators)
            finally:
                connection.close()
        raise SourceError(f"{url} redirects more than {MAX_REDIRECTS} times.")
    except (_Expired, TimeoutError):
        raise SourceError(f"The server at {url} did not answer within {timeout} seconds.") from None
    except ssl.SSLCertVerificationError as error:
        reason = (error.verify_message or str(error)).rstrip(".")
        raise SourceError(f"The certificate of {url} is not valid: {reason}.") from None
    except (http.client.HTTPException, OSError, ValueError) as error:
        # ValueError: http.client refuses a URL with spaces or control characters (InvalidURL), or a bad name.
        raise SourceError(f"Could not read {url}: {str(error) or type(error).__name__}.") from None
