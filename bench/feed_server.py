"""Serves the feed files of a folder on 127.0.0.1 with ETags, as a web server would; prints its port first.

    python bench/feed_server.py FOLDER

A file's ETag is its size and modification time; If-None-Match with it answers 304 Not Modified.
"""

import http.server
import sys
from pathlib import Path


class Handler(http.server.BaseHTTPRequestHandler):
    folder = Path(".")

    def do_GET(self):  # noqa: N802 (the standard library's name)
        path = self.folder / self.path.lstrip("/").split("?")[0]
        if not path.is_file() or path.parent != self.folder:
            self.send_error(404)
            return
        stat = path.stat()
        etag = f'"{stat.st_size}-{stat.st_mtime_ns}"'
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        body = path.read_bytes()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("ETag", etag)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def main():
    Handler.folder = Path(sys.argv[1]).resolve()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
