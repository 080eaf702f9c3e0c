"""Reading a feed from a file or a URL, refusing bodies over the size limit without reading them whole."""

import socket
import urllib.error
import urllib.request
from pathlib import Path

from django.conf import settings

CHUNK = 64 * 1024


class SourceError(Exception):
    """The feed could not be read; the message says why, in words a volunteer understands."""


def is_url(source):
    return str(source).startswith(("http://", "https://"))


def read_source(source, *, max_bytes=None, timeout=None):
    """The raw bytes of a file or URL."""
    max_bytes = max_bytes or settings.IMPORT_MAX_BYTES
    timeout = timeout or settings.IMPORT_TIMEOUT_SECONDS
    if is_url(source):
        return _read_url(source, max_bytes=max_bytes, timeout=timeout)
    path = Path(source)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise SourceError(_too_big(max_bytes))
        with path.open("rb") as handle:
            return _read_limited(handle, max_bytes)
    except FileNotFoundError:
        raise SourceError(f"There is no file at {source}.") from None
    except IsADirectoryError:
        raise SourceError(f"{source} is a folder, not a feed file.") from None
    except PermissionError:
        raise SourceError(f"The file {source} cannot be read (permission denied).") from None


def _too_big(max_bytes):
    return f"The feed is larger than the limit of {max_bytes // (1024 * 1024)} MB, so it was not read."


def _read_limited(handle, max_bytes):
    chunks, total = [], 0
    while True:
        chunk = handle.read(CHUNK)
        if not chunk:
            return b"".join(chunks)
        total += len(chunk)
        if total > max_bytes:
            # Stop at the limit: a hostile or broken server cannot make us hold more than this.
            raise SourceError(_too_big(max_bytes))
        chunks.append(chunk)


def _read_url(url, *, max_bytes, timeout):
    request = urllib.request.Request(url, headers={"User-Agent": "ManyPaths-importer/1.0", "Accept": "*/*"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (http/https checked above)
            length = response.headers.get("Content-Length")
            if length and length.isdigit() and int(length) > max_bytes:
                raise SourceError(_too_big(max_bytes))
            return _read_limited(response, max_bytes)
    except urllib.error.HTTPError as error:
        raise SourceError(f"The server answered {url} with HTTP {error.code} {error.reason}.") from None
    except TimeoutError:
        raise SourceError(f"The server at {url} did not answer within {timeout} seconds.") from None
    except urllib.error.URLError as error:
        reason = error.reason
        if isinstance(reason, (TimeoutError, socket.timeout)):
            raise SourceError(f"The server at {url} did not answer within {timeout} seconds.") from None
        raise SourceError(f"Could not reach {url}: {reason}.") from None
    except (ConnectionError, OSError) as error:
        raise SourceError(f"Could not read {url}: {error}.") from None
