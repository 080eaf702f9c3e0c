"""Checking a Meeting Guide feed against our JSON Schema, record by record, in words a volunteer reads."""

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from core.time import available_timezones

SCHEMA_PATH = Path(__file__).resolve().parent / "schema" / "meeting-guide-feed.schema.json"


@lru_cache(maxsize=1)
def feed_schema():
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@dataclass
class Problem:
    position: int  # 1-based record number; 0 = the feed as a whole
    slug: str
    message: str

    def __str__(self):
        if not self.position:
            return f"feed: {self.message}"
        slug = f" ({self.slug})" if self.slug else ""
        return f"record {self.position}{slug}: {self.message}"


def _where(error):
    path = list(error.absolute_path)[1:]
    return ".".join(str(part) for part in path) or "record"


def _message(error):
    # Say which required field is missing or which alternative failed, not jsonschema's raw dump.
    if error.validator == "anyOf" and list(error.absolute_path)[1:] == []:
        return "has no address: give formatted_address, or address and city (online meetings: an approximate city)"
    if error.validator == "enum":
        return f"{json.dumps(error.instance)[:40]} is not one of the allowed values"
    if error.validator == "pattern":
        expected = error.schema.get("description", error.validator_value)
        return f"{json.dumps(error.instance)[:60]} is not in the expected format ({expected})"
    if error.validator == "oneOf":
        # Say why the alternative of the right type failed ("9 is greater than the maximum of 6").
        relevant = [alternative for alternative in error.context if alternative.validator != "type"]
        if relevant:
            return _message(best_match(relevant))
        return f"{json.dumps(error.instance)[:40]} has the wrong type"
    return error.message[:200]


def feed_problems(feed):
    """Every problem in a parsed feed; an empty list means it is valid."""
    validator = Draft202012Validator(feed_schema())
    problems = []
    if not isinstance(feed, list):
        return [Problem(0, "", f"a feed must be a JSON array of meetings, not a JSON {type(feed).__name__}")]
    for error in validator.iter_errors(feed):
        if not error.absolute_path:
            problems.append(Problem(0, "", error.message[:200]))
            continue
        index = error.absolute_path[0]
        item = feed[index]
        slug = item.get("slug", "") if isinstance(item, dict) else ""
        where = _where(error)
        problems.append(Problem(index + 1, str(slug), f"{where}: {_message(error)}"))
    seen = {}
    for index, item in enumerate(feed):
        if not isinstance(item, dict):
            continue
        slug = item.get("slug")
        if isinstance(slug, (str, int)) and not isinstance(slug, bool):
            if slug in seen:
                problems.append(Problem(index + 1, str(slug), f"slug: duplicate of record {seen[slug]}"))
            else:
                seen[slug] = index + 1
        zone = item.get("timezone")
        if isinstance(zone, str) and zone and zone not in available_timezones():
            problems.append(Problem(index + 1, str(slug or ""), f"timezone: {zone!r} is not an IANA time zone"))
    problems.sort(key=lambda problem: problem.position)
    return problems
