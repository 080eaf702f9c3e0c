"""Distances on the Earth: in Python for a few points, and as database expressions and boxes for many."""

import math

from django.db.models import F, FloatField, Func, Q

EARTH_RADIUS_KM = 6371.0088
KM_PER_MILE = 1.609344


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
    """The haversine distance in km from (lat, lon) to each row's coordinates, as a database expression."""
    return Haversine(F(lat_field), F(lon_field), lat=lat, lon=lon)


class Haversine(Func):
    """distance_km() in SQL (PostgreSQL and SQLite, where Django provides the math functions), from a point
    to a row's latitude and longitude columns.

    One template rather than a tree of a dozen of Django's functions (Radians, Sin, Power, ...): a place
    search resolves and compiles its distance up to three times (the condition, the order, the venues' subquery),
    and the tree cost about a millisecond of Python a search.
    """

    output_field = FloatField()

    def __init__(self, latitude, longitude, *, lat, lon):
        super().__init__(latitude, longitude)
        self.lat, self.lon = float(lat), float(lon)

    def as_sql(self, compiler, connection, least="LEAST", **extra_context):
        (lat_sql, lat_params), (lon_sql, lon_params) = (compiler.compile(e) for e in self.get_source_expressions())
        a = (
            f"POWER(SIN(RADIANS({lat_sql} - %s) / 2), 2)"
            f" + %s * COS(RADIANS({lat_sql})) * POWER(SIN(RADIANS({lon_sql} - %s) / 2), 2)"
        )
        # LEAST: rounding may put a hair above 1 what asin() takes (the two ends of a diameter).
        sql = f"(%s * ASIN({least}(SQRT({a}), 1.0)))"
        params = (
            2 * EARTH_RADIUS_KM,
            *lat_params,
            self.lat,
            math.cos(math.radians(self.lat)),
            *lat_params,
            *lon_params,
            self.lon,
        )
        return sql, params

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, least="MIN", **extra_context)
