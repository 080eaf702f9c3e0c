"""The field's client files, pinned (README.md), and the small static server that plays an intergroup's website."""

import functools
import http.server
import threading
from pathlib import Path

HERE = Path(__file__).resolve().parent


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def end_headers(self):
        # Never cached: a pinned client updated in place is what the next run loads.
        self.send_header("Cache-Control", "no-store")
        super().end_headers()


class ClientServer:
    """Serves this folder on 127.0.0.1 and a free port, in a thread: a loopback origin beside the live server's."""

    def __init__(self):
        handler = functools.partial(_Quiet, directory=str(HERE))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()
