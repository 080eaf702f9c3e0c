"""Structured logs: one JSON object a line, for log collectors (LOG_FORMAT=json), and no query string in any line.

Kept rather than a JSON-logging package: one small formatter, and the query-string filter must sit in it anyway.
"""

import json
import logging
import re
from datetime import UTC, datetime

# Attributes every LogRecord has; anything else on a record came from `extra=` and is worth keeping.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "request", "server_time"}


# A "?" and what follows it up to a space or a quote: the query string of an address in a log line.
QUERY_STRING = re.compile(r"\?[^\s'\"]+")


class NoQueryStrings(logging.Filter):
    """Cuts the query string out of every address in a record's message: search terms never reach a log.

    The development server writes each request line ("GET /meetings/?q=women HTTP/1.1" 400), and gunicorn
    writes the request when a worker is aborted ("Error handling request GET /meetings/?q=women"); the
    Django logging settings and gunicorn.conf.py put this filter on every handler they write to.
    """

    def filter(self, record):
        message = record.getMessage()
        if "?" in message:
            record.msg, record.args = QUERY_STRING.sub("", message), ()
        return True


class JsonFormatter(logging.Formatter):
    """Formats a record as JSON: time, level, logger, message, request method and path, extras.

    The query string is never written: search terms (a place, "women", "medication-friendly") are private.
    """

    def format(self, record):
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "path"):
            entry["method"] = request.method
            entry["path"] = request.path
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value if isinstance(value, (str, int, float, bool, type(None))) else repr(value)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False)
