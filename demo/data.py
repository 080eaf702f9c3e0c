"""Sample data for demonstrations: a believable, clearly labelled directory.

`build_plan()` is pure: it turns a seed and a meeting count into plain data (regions, locations, groups,
meetings) using only `random.Random(seed)`, so the same seed always gives the same directory.
`demo_seed()` loads the program and meeting-type fixtures, then writes the plan idempotently: rows are
matched by a stable key, compared field by field, and saved only when something differs, so a second run
changes nothing (not even `updated`). Every meeting carries `source=DEMO_SOURCE`.

The places are real (neighbourhood centres, street names and postal codes of real cities); the venues,
groups, people and links are invented. Phone numbers for groups come from the ranges set aside for
fiction (555-01xx in the US, 0491 570 xxx in Australia, 020 7946 0xxx in the UK); e-mail addresses use
example.org.
"""

import datetime as dt
import math
import random
import zoneinfo
from dataclasses import dataclass, field

from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from demo.samples import DEMO_SOURCE, forget_demo_state
from meetings.history import history_fill_in, meetings_history_bulk_create

DEFAULT_SEED = 2026
DEFAULT_COUNT = 2000
MIN_COUNT = 60
# The day whose clocks lay out the online medication-friendly starts (online_medication_friendly): fixed, so
# that the meetings' times do not depend on the day the demo is seeded.
REFERENCE_DATE = dt.date(2026, 1, 15)
# "Last confirmed" dates are spread over the 18 months before the day the demo is seeded (`confirmed_until`),
# so a fresh demo does not look a year stale; the same seed on the same day builds the same data.
CONFIRMED_SPAN_DAYS = 548
FIXTURE_NAMES = ("programs.json", "meeting_types.json")


def fixture_paths():
    return [settings.BASE_DIR / "fixtures" / name for name in FIXTURE_NAMES]


NY, CHI, DEN, LA_TZ = "America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles"
MEL, SYD, LON, PAR = "Australia/Melbourne", "Australia/Sydney", "Europe/London", "Europe/Paris"

# ---------------------------------------------------------------------------------------------------
# Places. Regions are the tree shown to visitors; "areas" are real neighbourhoods (centre, street
# names, postal codes) where venues are placed. In Philadelphia each area is also a neighbourhood
# region; elsewhere venues belong to the metro region.
# ---------------------------------------------------------------------------------------------------

REGIONS = [
    # slug, name, kind, parent slug, time zone
    ("us", "United States", "country", None, NY),
    ("us-pa", "Pennsylvania", "state", "us", NY),
    ("us-pa-philadelphia", "Philadelphia", "metro", "us-pa", NY),
    ("us-pa-pittsburgh", "Pittsburgh", "metro", "us-pa", NY),
    ("us-ny", "New York", "state", "us", NY),
    ("us-ny-new-york-city", "New York City", "metro", "us-ny", NY),
    ("us-il", "Illinois", "state", "us", CHI),
    ("us-il-chicago", "Chicago", "metro", "us-il", CHI),
    ("us-co", "Colorado", "state", "us", DEN),
    ("us-co-denver", "Denver", "metro", "us-co", DEN),
    ("us-ca", "California", "state", "us", LA_TZ),
    ("us-ca-los-angeles", "Los Angeles", "metro", "us-ca", LA_TZ),
    ("au", "Australia", "country", None, SYD),
    ("au-vic", "Victoria", "state", "au", MEL),
    ("au-vic-melbourne", "Melbourne", "metro", "au-vic", MEL),
    ("au-nsw", "New South Wales", "state", "au", SYD),
    ("au-nsw-sydney", "Sydney", "metro", "au-nsw", SYD),
    ("gb", "United Kingdom", "country", None, LON),
    ("gb-eng", "England", "state", "gb", LON),
    ("gb-eng-london", "London", "metro", "gb-eng", LON),
]


@dataclass(frozen=True)
class Area:
    name: str
    lat: float
    lon: float
    radius_km: float  # venues are spread within this distance of the centre (kept off rivers and sea)
    postcodes: tuple
    streets: tuple
    numbers: tuple  # (lowest, highest) street number
    weight: float = 1.0
    city: str = ""  # when the postal town differs from the metro's
    spanish: bool = False  # a Spanish-speaking community: more meetings in Spanish
    queens: bool = False  # Queens-style house numbers ("31-15 30th Ave")
    neighbourhood: bool = False  # also a Region (kind neighbourhood) under the metro


@dataclass(frozen=True)
class Metro:
    key: str
    region: str
    city: str
    state: str
    country: str
    tz: str
    weight: float
    areas: tuple


def _area(name, lat, lon, radius_km, postcodes, streets, numbers, **extra):
    return Area(name, lat, lon, radius_km, tuple(postcodes), tuple(streets), numbers, **extra)


# fmt: off
METROS = (
    Metro("philadelphia", "us-pa-philadelphia", "Philadelphia", "PA", "US", NY, 0.22, (
        _area("University City", 39.954, -75.196, 0.9, ["19104"],
              ["Walnut St", "Chestnut St", "Spruce St", "Baltimore Ave", "Lancaster Ave", "Sansom St"], (3200, 4599),
              weight=1.5, neighbourhood=True),
        _area("Center City", 39.951, -75.165, 1.2, ["19103", "19107", "19102"],
              ["Walnut St", "Chestnut St", "Spruce St", "Pine St", "Arch St", "Race St", "S 13th St"], (100, 2399),
              weight=2.0, neighbourhood=True),
        _area("South Philly", 39.926, -75.17, 1.2, ["19145", "19146", "19147", "19148"],
              ["E Passyunk Ave", "S Broad St", "Snyder Ave", "Washington Ave", "Tasker St", "Morris St"],
              (1000, 2999), weight=1.2, neighbourhood=True),
        _area("Fishtown", 39.972, -75.135, 0.7, ["19125", "19123"],
              ["Frankford Ave", "E Girard Ave", "E Columbia Ave", "Aramingo Ave", "E Norris St"], (100, 2599),
              neighbourhood=True),
        _area("West Philadelphia", 39.96, -75.224, 1.5, ["19139", "19143", "19151"],
              ["Baltimore Ave", "Haverford Ave", "Lancaster Ave", "Chestnut St", "Market St", "Cedar Ave"],
              (4600, 6299), weight=1.2, neighbourhood=True),
        _area("Kensington", 39.99, -75.127, 1.0, ["19134", "19125", "19133"],
              ["Kensington Ave", "E Allegheny Ave", "E Lehigh Ave", "Frankford Ave", "E Somerset St"], (2000, 3599),
              weight=1.2, spanish=True, neighbourhood=True),
        _area("Germantown", 40.037, -75.173, 1.2, ["19144"],
              ["Germantown Ave", "W Chelten Ave", "Wayne Ave", "Greene St", "W Manheim St"], (4800, 6399),
              neighbourhood=True),
        _area("Northeast Philadelphia", 40.041, -75.056, 1.2, ["19149", "19136", "19152"],
              ["Frankford Ave", "Cottman Ave", "Castor Ave", "Rhawn St", "Bustleton Ave"], (6000, 7999),
              neighbourhood=True),
    )),
    Metro("pittsburgh", "us-pa-pittsburgh", "Pittsburgh", "PA", "US", NY, 0.08, (
        _area("Downtown", 40.442, -79.996, 0.3, ["15222"],
              ["Liberty Ave", "Penn Ave", "Smithfield St", "Grant St", "Wood St"], (100, 999)),
        _area("Oakland", 40.4417, -79.957, 0.7, ["15213"],
              ["Forbes Ave", "Fifth Ave", "S Craig St", "Atwood St", "Meyran Ave"], (200, 4299)),
        _area("Shadyside", 40.455, -79.933, 0.7, ["15232"], ["Walnut St", "Ellsworth Ave", "S Aiken Ave", "Ivy St"],
              (100, 5899)),
        _area("Bloomfield", 40.461, -79.949, 0.5, ["15224"], ["Liberty Ave", "S Millvale Ave", "Cedarville St"],
              (200, 4999)),
        _area("Lawrenceville", 40.465, -79.956, 0.5, ["15201"], ["Butler St", "Penn Ave", "44th St"], (3400, 5299)),
        _area("Squirrel Hill", 40.438, -79.923, 1.0, ["15217"],
              ["Forbes Ave", "Murray Ave", "Beacon St", "Shady Ave"], (1800, 6399)),
        _area("East Liberty", 40.461, -79.924, 0.6, ["15206"],
              ["Penn Ave", "N Highland Ave", "Baum Blvd", "S Negley Ave"], (100, 6399)),
    )),
    Metro("nyc", "us-ny-new-york-city", "New York", "NY", "US", NY, 0.16, (
        _area("Midtown", 40.7506, -73.993, 0.6, ["10001", "10018"],
              ["W 34th St", "W 36th St", "8th Ave", "7th Ave", "W 31st St"], (200, 499), weight=1.5),
        _area("Upper West Side", 40.787, -73.976, 0.5, ["10024", "10023"],
              ["W 83rd St", "Amsterdam Ave", "Columbus Ave", "W 86th St", "Broadway"], (100, 599)),
        _area("East Village", 40.7265, -73.983, 0.6, ["10009", "10003"],
              ["E 7th St", "Avenue A", "Avenue B", "E 10th St", "1st Ave"], (50, 399)),
        _area("Harlem", 40.8116, -73.9465, 0.7, ["10027", "10026"],
              ["W 125th St", "Adam Clayton Powell Jr Blvd", "Malcolm X Blvd", "W 135th St"], (100, 2399)),
        _area("Park Slope", 40.671, -73.9814, 1.0, ["11215"],
              ["7th Ave", "5th Ave", "Union St", "President St", "Prospect Park W"], (100, 899), city="Brooklyn"),
        _area("Williamsburg", 40.71, -73.954, 0.7, ["11211"],
              ["Bedford Ave", "Grand St", "Metropolitan Ave", "N 6th St", "Driggs Ave"], (100, 599), city="Brooklyn",
              spanish=True),
        _area("Astoria", 40.7644, -73.92, 0.8, ["11102", "11103"],
              ["30th Ave", "Steinway St", "31st St", "Ditmars Blvd", "Astoria Blvd"], (20, 45), city="Astoria",
              queens=True),
        _area("Fordham", 40.862, -73.89, 1.0, ["10458"],
              ["E Fordham Rd", "Grand Concourse", "Webster Ave", "Arthur Ave", "E 188th St"], (200, 2599),
              city="Bronx", spanish=True),
    )),
    Metro("chicago", "us-il-chicago", "Chicago", "IL", "US", CHI, 0.11, (
        _area("The Loop", 41.881, -87.632, 0.8, ["60601", "60602", "60603", "60604"],
              ["W Randolph St", "N Clark St", "S Wabash Ave", "W Washington St", "N LaSalle St"], (10, 299),
              weight=1.3),
        _area("Lincoln Park", 41.9214, -87.6513, 1.2, ["60614"],
              ["N Clark St", "N Halsted St", "W Fullerton Ave", "N Lincoln Ave", "W Armitage Ave"], (600, 2599)),
        _area("Wicker Park", 41.9088, -87.6796, 1.0, ["60622"],
              ["N Milwaukee Ave", "W Division St", "N Damen Ave", "W North Ave"], (1200, 2199)),
        _area("Hyde Park", 41.7943, -87.596, 1.0, ["60615", "60637"],
              ["E 53rd St", "S Harper Ave", "S Woodlawn Ave", "E 57th St", "S Lake Park Ave"], (1100, 5699)),
        _area("Uptown", 41.9665, -87.658, 1.0, ["60640"],
              ["N Broadway", "W Lawrence Ave", "N Sheridan Rd", "W Wilson Ave"], (700, 4999)),
        _area("Pilsen", 41.8565, -87.6598, 1.0, ["60608"],
              ["W 18th St", "S Blue Island Ave", "S Ashland Ave", "W Cermak Rd"], (600, 2199), spanish=True),
    )),
    Metro("denver", "us-co-denver", "Denver", "CO", "US", DEN, 0.07, (
        _area("Capitol Hill", 39.7312, -104.9826, 1.0, ["80203", "80218"],
              ["E Colfax Ave", "Grant St", "Pennsylvania St", "E 13th Ave", "Logan St"], (200, 1599), weight=1.4),
        _area("LoDo", 39.753, -104.999, 0.8, ["80202"], ["Larimer St", "Blake St", "Wazee St", "Market St"],
              (1400, 2099)),
        _area("Highland", 39.766, -105.02, 1.0, ["80211"],
              ["W 32nd Ave", "Tejon St", "Zuni St", "Federal Blvd", "W 38th Ave"], (2400, 4199), spanish=True),
        _area("Cherry Creek", 39.717, -104.953, 1.0, ["80206"],
              ["E 1st Ave", "E 3rd Ave", "Clayton St", "Fillmore St", "Detroit St"], (100, 3199)),
        _area("Five Points", 39.756, -104.974, 0.8, ["80205"], ["Welton St", "Downing St", "Champa St", "E 26th Ave"],
              (2000, 2999)),
        _area("Park Hill", 39.753, -104.92, 1.2, ["80207"],
              ["E 23rd Ave", "Dexter St", "Kearney St", "Forest St", "E Montview Blvd"], (1900, 4999)),
    )),
    Metro("los-angeles", "us-ca-los-angeles", "Los Angeles", "CA", "US", LA_TZ, 0.13, (
        _area("Hollywood", 34.1016, -118.3267, 1.2, ["90028", "90038"],
              ["Hollywood Blvd", "N Vine St", "Sunset Blvd", "N Cahuenga Blvd", "Selma Ave"], (1200, 6999),
              weight=1.4),
        _area("Silver Lake", 34.0869, -118.2702, 1.0, ["90026", "90039"],
              ["Sunset Blvd", "Silver Lake Blvd", "Glendale Blvd", "Micheltorena St"], (1200, 3999)),
        _area("Downtown Los Angeles", 34.043, -118.25, 1.0, ["90013", "90014", "90012"],
              ["S Spring St", "S Main St", "S Broadway", "W 7th St", "S Los Angeles St"], (100, 899)),
        _area("Koreatown", 34.0618, -118.3004, 1.0, ["90005", "90010", "90020"],
              ["Wilshire Blvd", "W 6th St", "S Western Ave", "S Vermont Ave", "W 8th St"], (400, 3999)),
        _area("Boyle Heights", 34.033, -118.205, 1.2, ["90033", "90023"],
              ["E Cesar E Chavez Ave", "E 1st St", "N Soto St", "S Boyle Ave"], (100, 2999), spanish=True),
        _area("Venice", 33.992, -118.46, 0.7, ["90291"],
              ["Abbot Kinney Blvd", "Lincoln Blvd", "Rose Ave", "Venice Blvd"], (100, 1999)),
        _area("North Hollywood", 34.187, -118.3813, 1.5, ["91601", "91602"],
              ["Lankershim Blvd", "Magnolia Blvd", "Vineland Ave", "Chandler Blvd"], (5000, 11999),
              city="North Hollywood"),
    )),
    Metro("melbourne", "au-vic-melbourne", "Melbourne", "VIC", "AU", MEL, 0.08, (
        _area("Melbourne CBD", -37.8136, 144.9631, 0.5, ["3000"],
              ["Collins St", "Bourke St", "Flinders Ln", "Swanston St", "Little Lonsdale St"], (1, 499), weight=1.3,
              city="Melbourne"),
        _area("Fitzroy", -37.798, 144.978, 0.7, ["3065"],
              ["Brunswick St", "Gertrude St", "Johnston St", "Nicholson St"], (1, 399), city="Fitzroy"),
        _area("St Kilda", -37.864, 144.985, 0.6, ["3182"],
              ["Fitzroy St", "Acland St", "Grey St", "Carlisle St", "Barkly St"], (1, 299), city="St Kilda"),
        _area("Footscray", -37.8, 144.899, 0.6, ["3011"],
              ["Barkly St", "Nicholson St", "Hopkins St", "Irving St", "Paisley St"], (1, 299), city="Footscray"),
        _area("Richmond", -37.82, 144.996, 0.6, ["3121"],
              ["Swan St", "Bridge Rd", "Church St", "Victoria St", "Lennox St"], (1, 499), city="Richmond"),
        _area("Brunswick", -37.767, 144.962, 1.0, ["3056"],
              ["Sydney Rd", "Lygon St", "Victoria St", "Albert St", "Dawson St"], (1, 799), city="Brunswick"),
        _area("Dandenong", -37.9875, 145.2149, 1.2, ["3175"],
              ["Lonsdale St", "Walker St", "Foster St", "McCrae St", "Thomas St"], (1, 299), city="Dandenong"),
    )),
    Metro("sydney", "au-nsw-sydney", "Sydney", "NSW", "AU", SYD, 0.08, (
        _area("Sydney CBD", -33.873, 151.207, 0.6, ["2000"],
              ["George St", "Pitt St", "Elizabeth St", "Castlereagh St", "Clarence St"], (1, 599), weight=1.3,
              city="Sydney"),
        _area("Surry Hills", -33.885, 151.211, 0.7, ["2010"],
              ["Crown St", "Bourke St", "Riley St", "Foveaux St", "Cleveland St"], (1, 599), city="Surry Hills"),
        _area("Newtown", -33.897, 151.179, 0.7, ["2042"],
              ["King St", "Enmore Rd", "Australia St", "Wilson St", "Station St"], (1, 499), city="Newtown"),
        _area("Bondi", -33.891, 151.268, 0.6, ["2026"], ["Bondi Rd", "Hall St", "Curlewis St", "Glenayr Ave"],
              (1, 299), city="Bondi"),
        _area("Parramatta", -33.815, 151.0011, 0.8, ["2150"],
              ["Church St", "George St", "Macquarie St", "Phillip St", "Marsden St"], (1, 399), city="Parramatta"),
        _area("Marrickville", -33.911, 151.155, 0.8, ["2204"],
              ["Marrickville Rd", "Illawarra Rd", "Victoria Rd", "Addison Rd"], (1, 399), city="Marrickville"),
        _area("Chatswood", -33.796, 151.183, 0.7, ["2067"],
              ["Victoria Ave", "Archer St", "Anderson St", "Help St", "Albert Ave"], (1, 399), city="Chatswood"),
    )),
    Metro("london", "gb-eng-london", "London", "", "GB", LON, 0.07, (
        _area("Camden", 51.539, -0.1426, 0.8, ["NW1"],
              ["Camden High St", "Parkway", "Camden Rd", "Kentish Town Rd", "Arlington Rd"], (1, 299)),
        _area("Islington", 51.5362, -0.1033, 0.8, ["N1"],
              ["Upper St", "Essex Rd", "Liverpool Rd", "Caledonian Rd", "Cross St"], (1, 399)),
        _area("Brixton", 51.4613, -0.1156, 0.8, ["SW2", "SW9"],
              ["Brixton Hill", "Acre Ln", "Coldharbour Ln", "Effra Rd", "Brixton Rd"], (1, 299)),
        _area("Hackney", 51.545, -0.0553, 0.8, ["E8"],
              ["Mare St", "Dalston Ln", "Graham Rd", "Richmond Rd", "Amhurst Rd"], (1, 299)),
        _area("Westminster", 51.4975, -0.1357, 0.5, ["SW1P", "SW1V"],
              ["Vauxhall Bridge Rd", "Horseferry Rd", "Rochester Row", "Regency St"], (1, 199)),
        _area("Shoreditch", 51.5265, -0.078, 0.6, ["EC2A", "E1"],
              ["Old St", "Shoreditch High St", "Great Eastern St", "Curtain Rd"], (1, 299)),
        _area("Clapham", 51.462, -0.138, 0.7, ["SW4"],
              ["Clapham High St", "Clapham Park Rd", "Venn St", "Abbeville Rd", "The Pavement"], (1, 199)),
    )),
)
# fmt: on
METRO_BY_KEY = {metro.key: metro for metro in METROS}
US_METROS = ("philadelphia", "pittsburgh", "nyc", "chicago", "denver", "los-angeles")
ALL_METROS = tuple(metro.key for metro in METROS)


def area_region_slug(metro, area):
    if area.neighbourhood:
        return f"{metro.region}-{slugify(area.name)}"
    return metro.region


# Time zones of online meetings that are not tied to a place, with weights (mostly US).
ONLINE_ZONES = [(NY, 40), (CHI, 20), (DEN, 7), (LA_TZ, 18), (MEL, 5), (SYD, 4), (LON, 6)]

# Real Zoom dial-in numbers by zone; the meeting id goes after ",,".
DIAL_IN = {
    NY: "+1 646 558 8656",
    CHI: "+1 312 626 6799",
    DEN: "+1 346 248 7799",
    LA_TZ: "+1 669 900 6833",
    MEL: "+61 3 7018 2005",
    SYD: "+61 2 8015 6011",
    LON: "+44 203 481 5240",
    PAR: "+33 1 7037 2246",
}

# ---------------------------------------------------------------------------------------------------
# Programs: how many meetings, where, online share, days and times, and which types are likely.
# ---------------------------------------------------------------------------------------------------

TIMES_TWELVE = [
    ("06:30", 2),
    ("07:00", 8),
    ("07:30", 3),
    ("08:00", 2),
    ("09:00", 1),
    ("10:00", 3),
    ("10:30", 1),
    ("12:00", 8),
    ("12:15", 3),
    ("12:30", 3),
    ("13:00", 1),
    ("17:30", 3),
    ("18:00", 9),
    ("18:30", 9),
    ("19:00", 14),
    ("19:30", 12),
    ("20:00", 11),
    ("20:30", 4),
    ("21:00", 3),
    ("21:30", 2),
    ("22:00", 1.5),
    ("22:30", 1),
    ("23:00", 1.5),
]
TIMES_FAMILY = [("10:00", 3), ("12:00", 3), ("13:00", 1), ("18:30", 4), ("19:00", 8), ("19:30", 6), ("20:00", 4)]
TIMES_SKILLS = [
    ("07:00", 1),
    ("09:00", 1),
    ("10:00", 3),
    ("12:00", 3),
    ("17:30", 2),
    ("18:00", 6),
    ("18:30", 5),
    ("19:00", 7),
    ("19:30", 4),
    ("20:00", 3),
    ("21:00", 1),
]
TIMES_DHARMA = [("07:00", 2), ("09:00", 2), ("10:00", 3), ("18:30", 4), ("19:00", 6), ("19:30", 4), ("20:00", 2)]
TIMES_CR = [("18:00", 2), ("18:30", 4), ("19:00", 6)]

# How many days a week one group meets.
DAYS_BIG = [(1, 18), (2, 18), (3, 15), (4, 8), (5, 14), (6, 7), (7, 18)]
DAYS_MED = [(1, 45), (2, 30), (3, 15), (5, 10)]
DAYS_SMALL = [(1, 75), (2, 25)]

FORMATS_AA = [
    ("discussion", 35),
    ("speaker", 15),
    ("big-book", 15),
    ("step-study", 15),
    ("literature", 8),
    ("daily-reflections", 4),
    ("11th-step-meditation", 3),
    ("speaker-discussion", 5),
]
FORMATS_NA = [
    ("discussion", 40),
    ("literature", 12),
    ("basic-text", 8),
    ("just-for-today", 6),
    ("step-study", 15),
    ("speaker", 15),
]
FORMATS_12 = [("discussion", 45), ("speaker", 20), ("step-study", 20), ("literature", 15)]
FORMATS_FAMILY = [("discussion", 50), ("literature", 25), ("step-study", 15), ("speaker", 10)]
FORMATS_TOOLS = [("discussion", 80), ("topic", 20)]
FORMATS_DHARMA = [("meditation", 100)]
FORMATS_CR = [("speaker", 45), ("step-study", 35), ("discussion", 20)]


@dataclass(frozen=True)
class ProgramPlan:
    slug: str
    share: float  # relative number of meetings
    online: float  # share of groups that meet online only
    times: list
    days: list
    formats: list
    metros: tuple = ALL_METROS
    online_zones: list = None
    hybrid: float = 0.19
    open_share: float = None  # share of open meetings; None: the program does not use open/closed
    women: float = 0.0
    men: float = 0.0
    lgbtq: float = 0.0
    young: float = 0.0
    spanish: float = 0.0  # extra chance of Spanish outside Spanish-speaking areas
    medication: float = 0.0
    secular: float = 0.0
    verification: float = 0.0
    child: float = 0.0
    long_share: float = 0.3  # share of 90-minute meetings
    family: bool = False
    extra_types: tuple = ()  # on every meeting
    alateen: float = 0.0  # share of Al-Anon groups that are Alateen groups


# fmt: off
PROGRAMS = (
    ProgramPlan("aa", 36, 0.11, TIMES_TWELVE, DAYS_BIG, FORMATS_AA, open_share=0.55, women=0.07, men=0.05, lgbtq=0.03,
                young=0.03, spanish=0.03, medication=0.1, secular=0.05, verification=0.18),
    ProgramPlan("na", 17, 0.1, TIMES_TWELVE, DAYS_BIG, FORMATS_NA, open_share=0.6, women=0.07, men=0.05, lgbtq=0.03,
                young=0.04, spanish=0.03, medication=0.1, secular=0.02, verification=0.22),
    ProgramPlan("al-anon", 9, 0.18, TIMES_FAMILY, DAYS_MED, FORMATS_FAMILY, open_share=0.4, women=0.04, men=0.03,
                lgbtq=0.02, spanish=0.03, child=0.05, long_share=0.1, family=True, alateen=0.06),
    ProgramPlan("smart-recovery", 7, 0.35, TIMES_SKILLS, DAYS_MED, FORMATS_TOOLS, women=0.04, medication=1.0,
                secular=1.0, verification=0.15, long_share=0.6),
    ProgramPlan("celebrate-recovery", 4, 0.05, TIMES_CR, DAYS_SMALL, FORMATS_CR, metros=US_METROS, hybrid=0.08,
                open_share=1.0, child=0.2, long_share=1.0),
    ProgramPlan("recovery-dharma", 3.5, 0.3, TIMES_DHARMA, DAYS_MED, FORMATS_DHARMA, women=0.03, lgbtq=0.05,
                medication=0.15, long_share=0.7),
    ProgramPlan("ca", 2.5, 0.12, TIMES_TWELVE, DAYS_MED, FORMATS_12,
                metros=("philadelphia", "nyc", "chicago", "denver", "los-angeles", "melbourne", "sydney", "london"),
                open_share=0.5, women=0.04, men=0.04, spanish=0.05, medication=0.1, verification=0.2),
    ProgramPlan("nar-anon", 2.5, 0.3, TIMES_FAMILY, DAYS_SMALL, FORMATS_FAMILY,
                metros=US_METROS + ("melbourne", "sydney"), open_share=0.3, long_share=0.1, family=True),
    ProgramPlan("cma", 2, 0.15, TIMES_TWELVE, DAYS_MED, FORMATS_12,
                metros=("los-angeles", "denver", "nyc", "chicago", "philadelphia"), open_share=0.5, lgbtq=0.15,
                medication=0.1, verification=0.15),
    ProgramPlan("mara", 2, 0.25, TIMES_SKILLS, DAYS_SMALL, FORMATS_TOOLS,
                metros=("philadelphia", "pittsburgh", "melbourne"), online_zones=[(NY, 3), (MEL, 1)], medication=1.0,
                verification=0.25),
    ProgramPlan("refuge-recovery", 1.5, 0.25, TIMES_DHARMA, DAYS_SMALL, FORMATS_DHARMA,
                metros=("los-angeles", "nyc", "denver", "philadelphia", "chicago"), medication=0.1, long_share=0.7),
    ProgramPlan("lifering", 1.5, 0.4, TIMES_SKILLS, DAYS_SMALL, FORMATS_TOOLS,
                metros=("philadelphia", "denver", "los-angeles", "chicago", "nyc"), medication=0.2, secular=1.0),
    ProgramPlan("women-for-sobriety", 1.5, 0.35, TIMES_SKILLS, DAYS_SMALL, FORMATS_TOOLS,
                metros=US_METROS + ("melbourne", "sydney"), medication=0.15, secular=1.0, extra_types=("women",)),
    ProgramPlan("dra", 1, 0.35, TIMES_SKILLS, DAYS_SMALL, FORMATS_12,
                metros=("philadelphia", "pittsburgh", "nyc", "chicago"), open_share=1.0, medication=0.5,
                extra_types=("dual-diagnosis",)),
    ProgramPlan("families-anonymous", 1, 0.3, TIMES_FAMILY, DAYS_SMALL, FORMATS_FAMILY,
                metros=US_METROS + ("london",), open_share=0.3, long_share=0.2, family=True),
    ProgramPlan("smart-family-friends", 1, 0.6, TIMES_SKILLS, DAYS_SMALL, FORMATS_TOOLS, long_share=0.5, family=True),
    ProgramPlan("moderation-management", 1, 0.8, TIMES_SKILLS, DAYS_SMALL, FORMATS_TOOLS,
                metros=("nyc", "los-angeles", "denver"), hybrid=0.05),
    ProgramPlan("dtr", 0.5, 0.3, TIMES_SKILLS, DAYS_SMALL, FORMATS_12, metros=("nyc", "philadelphia"), open_share=1.0,
                medication=0.5, extra_types=("dual-diagnosis",)),
    ProgramPlan("sos", 0.5, 0.3, TIMES_SKILLS, DAYS_SMALL, FORMATS_TOOLS, metros=("los-angeles", "nyc", "denver"),
                online_zones=[(LA_TZ, 3), (NY, 1)], medication=0.15, secular=1.0),
    # Named in the seed documents: CDA meets mostly in Maryland and Delaware (Philadelphia is the nearest metro
    # here); Co-Anon began in Los Angeles. Neither's online meetings are confirmed, so all meet in person.
    ProgramPlan("cda", 0.3, 0.0, TIMES_TWELVE, DAYS_SMALL, FORMATS_12, metros=("philadelphia",), hybrid=0.0,
                open_share=0.5),
    ProgramPlan("co-anon", 0.3, 0.0, TIMES_FAMILY, DAYS_SMALL, FORMATS_FAMILY, metros=("los-angeles", "nyc"),
                hybrid=0.0, open_share=0.3, family=True),
)
# fmt: on
PROGRAM_PLANS = {plan.slug: plan for plan in PROGRAMS}
DEMO_PROGRAM_SLUGS = tuple(plan.slug for plan in PROGRAMS)

# ---------------------------------------------------------------------------------------------------
# Words: names of groups and venues, notes.
# ---------------------------------------------------------------------------------------------------

DAY_NAMES = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
# A group with a Spanish name gets Spanish day names ("Grupo Libertad – Lunes").
DAY_NAMES_ES = ["Domingo", "Lunes", "Martes", "Miércoles", "Jueves", "Viernes", "Sábado"]

TWELVE_STEP_NAMES = [
    "Serenity Seekers",
    "Keep It Simple",
    "Came to Believe",
    "Happy Destiny",
    "Early Risers",
    "Hope Group",
    "Free at Last",
    "Back to Basics",
    "Language of the Heart",
    "Into Action",
    "Road to Recovery",
    "New Beginnings",
    "Living Sober",
    "Attitude of Gratitude",
    "Keep Coming Back",
    "Miracles Happen",
    "Step by Step",
    "Lunch Bunch",
    "Primary Purpose",
    "Rule 62",
    "Bridge to Recovery",
    "Freedom Group",
    "Surrender to Win",
    "Recovery in Action",
    "We Do Recover",
    "Design for Living",
    "Promises Group",
    "Pass It On",
    "Simply Sober",
    "Easy Does It",
    "One Day at a Time",
    "Fellowship of the Spirit",
    "Second Chance",
    "Sunlight of the Spirit",
    "Acceptance Group",
    "Courage to Change",
    "Grateful Hearts",
    "Big Book Thumpers",
    "Principles Before Personalities",
    "Common Solution",
]
NA_NAMES = [
    "Just for Today",
    "Miracle Makers",
    "Never Alone",
    "It Works",
    "Living the Program",
    "Gratitude Group",
    "Hope Without Borders",
    "New Freedom",
    "Recovery Road",
    "The Spiritual Path",
    "Stepping Stones",
    "Keep It Real",
    "Tough Love",
    "We Can Recover",
    "Freedom from Bondage",
    "Unity Group",
    "Last Stop",
]
TIME_NAMES = {
    "morning": ["Early Birds", "Sunrise Serenity", "Morning Meditation", "Rise and Shine", "Coffee and Recovery"],
    "midday": ["Nooners", "Lunch Bunch", "High Noon", "Midday Miracles", "Brown Bag"],
    "evening": ["Hope Group", "Candlelight", "Evening Reflections", "After Work", "Sundowners"],
    "late": ["Night Owls", "Last Call for Recovery", "Midnight Hour", "Late Night Lifeline"],
}
SPANISH_NAMES = [
    "Grupo Nueva Vida",
    "Grupo Esperanza",
    "Grupo Sólo por Hoy",
    "Grupo Renacer",
    "Grupo Fe y Esperanza",
    "Grupo Libertad",
    "Grupo Un Nuevo Amanecer",
    "Grupo Serenidad",
]
FRENCH_NAMES = ["Groupe Espoir", "Groupe Sérénité", "Groupe Renaissance", "Groupe Un Jour à la Fois"]
WOMEN_NAMES = [
    "Women of Hope",
    "Women in Recovery",
    "Women's Serenity Circle",
    "Sisters in Sobriety",
    "Women's Step Study",
    "Women Walking Together",
]
MEN_NAMES = ["Men's Stag", "Brothers in Recovery", "Men's Step Study", "Men of Action"]
LGBTQ_NAMES = ["Rainbow Recovery", "Pride Group", "Lambda Group", "Queer and Sober", "Out and Recovering"]
YOUNG_NAMES = ["Young People in Recovery", "Youngsters Group", "Young and Sober", "Next Generation"]
SECULAR_NAMES = ["We Agnostics", "Freethinkers", "Beyond Belief", "Sober Thinkers", "Secular Serenity"]
AL_ANON_NAMES = [
    "Hope for Today",
    "Courage to Change",
    "One Day at a Time",
    "Serenity",
    "Detachment with Love",
    "Paths to Recovery",
    "Living with Hope",
    "Keep Coming Back",
    "Many Voices",
    "Reaching Out",
]
NAR_ANON_NAMES = ["Hope", "New Beginnings", "Serenity", "Light of Hope", "Way of Life", "Courage"]
DHARMA_NAMES = [
    "Lotus Sangha",
    "Open Heart Sangha",
    "Mindful Path Sangha",
    "Refuge Sangha",
    "Still Water Sangha",
    "Compassion Sangha",
    "Heart of Recovery Sangha",
    "Beginner's Mind Sangha",
]
SMART_NAMES = ["Sunrise SMART", "SMART Tools", "SMART Choices", "SMART Start", "SMART Steps", "SMART Balance"]
CMA_NAMES = ["Crystal Clear", "New Hope", "Just for Today", "Miracles in Progress", "Freedom"]
CA_NAMES = ["Freedom Group", "Hope Group", "Miracle on", "Solution Group", "Second Chance"]

VENUE_US = [
    "Grace Fellowship Hall",
    "Riverside Community Center",
    "Unity Recovery Clubhouse",
    "St. Mark's Church Hall",
    "First Presbyterian Church",
    "Trinity Lutheran Church",
    "St. Paul's Episcopal Parish House",
    "Holy Spirit Parish Hall",
    "Bethel AME Church",
    "Serenity House Clubhouse",
    "Harbor Recovery Center",
    "Friends Meeting House",
    "Mercy Health Pavilion",
    "Oak Street Recovery Hall",
    "Good Shepherd Church",
    "Hope Lutheran Fellowship Hall",
    "St. James Community Room",
    "Calvary Baptist Church",
    "Westside Alano Club",
    "New Life Recovery Center",
    "Cornerstone Community Church",
    "Neighborhood Wellness Center",
    "Unitarian Universalist Fellowship",
    "St. Francis Parish Center",
    "Zion United Methodist Church",
    "Community Health Annex",
    "Lighthouse Recovery Clubhouse",
    "Greenway Senior Center",
    "Temple Beth Shalom",
    "Mount Olive Baptist Church",
    "Park Avenue Christian Church",
    "Heritage Arts Center",
]
VENUE_AREA_US = [
    "{area} Community Center",
    "{area} Branch Library",
    "{area} Recreation Center",
    "{area} Alano Club",
    "{area} Presbyterian Church",
    "{area} Wellness Center",
]
VENUE_AU = [
    "St Mark's Anglican Church Hall",
    "Uniting Church Hall",
    "Grace Fellowship Hall",
    "Riverside Community Hub",
    "Unity Recovery Clubhouse",
    "St Mary's Parish Hall",
    "Salvation Army Hall",
    "Wellbeing Centre",
    "Baptist Church Hall",
    "Scout Hall",
    "Multicultural Hub",
    "Senior Citizens Centre",
]
VENUE_AREA_AU = [
    "{area} Neighbourhood House",
    "{area} Community Centre",
    "{area} Library Meeting Room",
    "{area} Town Hall Annexe",
]
VENUE_UK = [
    "St Mark's Church Hall",
    "Grace Fellowship Hall",
    "Riverside Community Centre",
    "Unity Recovery Hub",
    "Friends Meeting House",
    "St Luke's Crypt",
    "Methodist Central Hall Annexe",
    "Holy Trinity Parish Rooms",
    "Quaker Meeting House",
    "Baptist Church Hall",
    "Salvation Army Citadel",
]
VENUE_AREA_UK = ["{area} Community Centre", "{area} Library", "{area} Methodist Church", "{area} Neighbourhood Centre"]

LOCATION_NOTES_US = [
    "Enter through the side door; the meeting room is downstairs.",
    "Free parking in the lot behind the building.",
    "Ramp entrance at the rear of the building.",
    "Street parking only; the bus stops at the corner.",
    "Use the door marked Fellowship Hall.",
    "Elevator to the second floor; follow the signs.",
]
LOCATION_NOTES_INTL = [
    "Enter through the side door; the room is downstairs.",
    "Step-free access through the rear entrance.",
    "Ring the bell marked Hall.",
    "A short walk from the station; limited parking.",
    "Lift to the first floor; follow the signs.",
]
MEETING_NOTES = [
    "Newcomers welcome; someone will meet you at the door.",
    "Coffee from 15 minutes before the meeting.",
    "Last meeting of the month is a speaker meeting.",
    "Literature available at the meeting.",
    "Format rotates weekly.",
    "Please arrive a few minutes early.",
]
ONLINE_NOTES = [
    "Cameras optional. Text chat open for people who prefer not to speak.",
    "The waiting room opens 10 minutes before the start.",
    "Join by phone if your connection is poor.",
]
VERIFICATION_NOTE = "Attendance sheets or court cards signed at the end of the meeting."
CHILD_NOTE = "Children welcome; a quiet corner with books and toys."
CLOSED_NOTES = [
    "Temporarily not meeting while the hall is renovated.",
    "On a short break; check back soon.",
    "Not meeting until a new venue is confirmed.",
]
CLOSED_NOTES_ONLINE = ["On a short break; check back soon.", "Paused while the group finds a new host."]
ROLES_TWELVE = ["Secretary", "Chair", "Group service representative", "Treasurer"]
ROLES_TOOLS = ["Facilitator", "Host", "Convenor"]
ROLE_MAIL = {"Group service representative": "gsr"}

# ---------------------------------------------------------------------------------------------------
# The plan
# ---------------------------------------------------------------------------------------------------


@dataclass
class Plan:
    regions: list = field(default_factory=list)  # dicts, parents first
    locations: list = field(default_factory=list)  # dicts with "key"
    groups: list = field(default_factory=list)  # dicts with "program" and "slug"
    meetings: list = field(default_factory=list)  # dicts with "external_key"


def _weighted(rng, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights)[0]


def _time(text):
    hour, minute = text.split(":")
    return dt.time(int(hour), int(minute))


def _add_minutes(start, minutes):
    total = (start.hour * 60 + start.minute + minutes) % (24 * 60)
    return dt.time(total // 60, total % 60)


def _time_of_day(start):
    if start.hour < 11:
        return "morning"
    if start.hour < 15:
        return "midday"
    if start.hour < 21:
        return "evening"
    return "late"


def _jitter(rng, lat, lon, radius_km):
    """A point within radius_km of (lat, lon), uniform over the disc."""
    distance = radius_km * math.sqrt(rng.random())
    bearing = rng.uniform(0, 2 * math.pi)
    dlat = distance * math.cos(bearing) / 111.32
    dlon = distance * math.sin(bearing) / (111.32 * math.cos(math.radians(lat)))
    return round(lat + dlat, 5), round(lon + dlon, 5)


def _al_anon_name(rng):
    base = rng.choice(AL_ANON_NAMES)
    return f"{base} AFG" if rng.random() < 0.5 else f"{base} Al-Anon Family Group"


# A group's shared facts that are meeting types, in the order they are added.
SHARED_TYPES = [
    ("medication", "medication-friendly"),
    ("verification", "attendance-verification"),
    ("child", "child-friendly"),
    ("wheelchair", "wheelchair-access"),
]
# Programs whose groups are named in the twelve-step way ("Serenity Group", "Women's Step Study").
TWELVE_STEP_STYLE = ("aa", "na", "ca", "cma", "dra", "dtr")
NAME_POOLS = {"cma": CMA_NAMES, "na": NA_NAMES + TWELVE_STEP_NAMES[:10]}
# A twelve-step group for an audience is named for it, first match in this order.
AUDIENCE_NAMES = [
    ("women", WOMEN_NAMES),
    ("men", MEN_NAMES),
    ("lgbtq", LGBTQ_NAMES),
    ("young-people", YOUNG_NAMES),
    ("secular", SECULAR_NAMES),
]
# How some twelve-step programs put their name to a group's: (rng, base name, area) -> name.
PROGRAM_NAME_FORMS = {
    "ca": lambda rng, base, area: (
        f"CA {base}" if not base.startswith("Miracle") else f"CA Miracle on {area or 'Main'}"
    ),
    "cma": lambda rng, base, area: f"{base} CMA",
    "dra": lambda rng, base, area: (
        f"Dual Recovery Anonymous {area or 'Online'}" if rng.random() < 0.5 else f"DRA {base}"
    ),
    "dtr": lambda rng, base, area: f"Double Trouble in Recovery {area or 'Online'}",
}
# Other programs' groups are named for their place ("SMART Recovery Fishtown"): (rng, where) -> name.
PLACE_NAMES = {
    "al-anon": lambda rng, where: _al_anon_name(rng),
    "nar-anon": lambda rng, where: f"Nar-Anon {rng.choice(NAR_ANON_NAMES)} Family Group",
    "families-anonymous": lambda rng, where: f"Families Anonymous {where}",
    "smart-recovery": lambda rng, where: rng.choice(SMART_NAMES) if rng.random() < 0.35 else f"SMART Recovery {where}",
    "smart-family-friends": lambda rng, where: f"SMART Family & Friends {where}",
    "mara": lambda rng, where: (
        f"MARA {where}" if rng.random() < 0.6 else f"MARA {DAY_NAMES[rng.randrange(7)]} Support"
    ),
    "recovery-dharma": lambda rng, where: (
        rng.choice(DHARMA_NAMES) if rng.random() < 0.5 else f"Recovery Dharma {where}"
    ),
    "refuge-recovery": lambda rng, where: f"Refuge Recovery {where}",
    "lifering": lambda rng, where: f"LifeRing {where}" if rng.random() < 0.5 else f"LifeRing Secular Recovery {where}",
    "women-for-sobriety": lambda rng, where: (
        f"WFS {where} Circle" if rng.random() < 0.5 else f"Women for Sobriety {where}"
    ),
    "sos": lambda rng, where: f"SOS {where}",
    "moderation-management": lambda rng, where: f"Moderation Management {where}",
    "celebrate-recovery": lambda rng, where: f"Celebrate Recovery {where}",
    "cda": lambda rng, where: f"CDA {where} Group",
    "co-anon": lambda rng, where: f"Co-Anon {where} Family Group",
}


class _Builder:
    def __init__(self, seed, count, confirmed_until):
        self.rng = random.Random(seed)
        self.confirmed_until = confirmed_until
        self.count = count
        self.plan = Plan()
        self.meetings = []
        self.venues = {}  # metro key -> list of venue dicts
        self.group_slugs = {}  # program -> set of slugs
        self.meeting_slugs = set()
        self.used_locations = set()

    # -- places -----------------------------------------------------------------------------------

    def regions(self):
        for slug, name, kind, parent, tz in REGIONS:
            self.plan.regions.append({"slug": slug, "name": name, "kind": kind, "parent": parent, "timezone": tz})
            for metro in METROS:
                if metro.region == slug:
                    for area in metro.areas:
                        if area.neighbourhood:
                            self.plan.regions.append(
                                {
                                    "slug": area_region_slug(metro, area),
                                    "name": area.name,
                                    "kind": "neighbourhood",
                                    "parent": slug,
                                    "timezone": metro.tz,
                                }
                            )

    def venue_pool(self):
        total = max(40, min(340, round(self.count * 0.15)))
        for metro in METROS:
            wanted = max(3, round(total * metro.weight))
            pool, names = [], set()
            # Every area gets one venue first (most weighted first), then the rest by weight.
            areas = list(metro.areas)
            picks = areas[:wanted] + [
                _weighted(self.rng, [(a, a.weight) for a in areas]) for _ in range(wanted - len(areas))
            ]
            for area in picks:
                pool.append(self._venue(metro, area, names))
            self.venues[metro.key] = pool

    def _venue(self, metro, area, names):
        rng = self.rng
        if metro.country == "AU":
            fixed, templated = VENUE_AU, VENUE_AREA_AU
        elif metro.country == "GB":
            fixed, templated = VENUE_UK, VENUE_AREA_UK
        else:
            fixed, templated = VENUE_US, VENUE_AREA_US
        while True:
            if rng.random() < 0.3:
                name = rng.choice(templated).format(area=area.name)
            else:
                name = rng.choice(fixed)
            if name not in names:
                names.add(name)
                break
        street = rng.choice(area.streets)
        low, high = area.numbers
        if area.queens:
            address = f"{rng.randint(low, high)}-{rng.randint(1, 60):02d} {street}"
        else:
            address = f"{rng.randint(low, high)} {street}"
        postcode = rng.choice(area.postcodes)
        if metro.country == "GB":
            postcode = (
                f"{postcode} {rng.randint(1, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
                f"{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
            )
        lat, lon = _jitter(rng, area.lat, area.lon, area.radius_km)
        city = area.city or metro.city
        state_zip = " ".join(part for part in (metro.state, postcode) if part)
        notes_pool = LOCATION_NOTES_US if metro.country == "US" else LOCATION_NOTES_INTL
        return {
            "key": (name, address, city, postcode),
            "name": name,
            "address": address,
            "city": city,
            "state": metro.state,
            "postal_code": postcode,
            "country": metro.country,
            "formatted_address": ", ".join(part for part in (address, city, state_zip, metro.country) if part),
            "latitude": lat,
            "longitude": lon,
            "approximate": False,
            "timezone": metro.tz,
            "region": area_region_slug(metro, area),
            "notes": rng.choice(notes_pool) if rng.random() < 0.4 else "",
            # Not fields: used while planning.
            "_accessible": rng.random() < 0.6,
            "_area": area,
        }

    def _pick_venue(self, metro_key, area_names=None):
        pool = self.venues[metro_key]
        if area_names:
            pool = [venue for venue in pool if venue["_area"].name in area_names] or pool
        return pool[self.rng.randrange(len(pool))]

    # -- groups and meetings ------------------------------------------------------------------------

    def group_name(self, program, *, start, flags, area_name, spanish, french):
        rng = self.rng
        if french:
            return rng.choice(FRENCH_NAMES)
        if "alateen" in flags:
            return f"{rng.choice(AL_ANON_NAMES)} Alateen"
        if spanish and program.slug in ("aa", "na", "ca", "al-anon"):
            name = rng.choice(SPANISH_NAMES)
            return f"{name} Al-Anon" if program.slug == "al-anon" else name
        if program.slug in TWELVE_STEP_STYLE:
            return self._twelve_step_name(program.slug, start=start, flags=flags, area_name=area_name)
        name_for = PLACE_NAMES.get(program.slug)
        where = area_name or "Online"
        return name_for(rng, where) if name_for else f"{program.slug.upper()} {where}"

    def _twelve_step_name(self, slug, *, start, flags, area_name):
        """A twelve-step group's name: after its audience, its time of day, its area or a classic name."""
        rng = self.rng
        base = self._audience_name(flags)
        if base is None:
            roll = rng.random()
            pool = (
                CMA_NAMES
                if slug == "cma"
                else (NA_NAMES + TWELVE_STEP_NAMES[:10] if slug == "na" else TWELVE_STEP_NAMES)
            )
            if roll < 0.55:
                base = rng.choice(pool)
            elif roll < 0.8:
                base = rng.choice(TIME_NAMES[_time_of_day(start)])
            elif area_name:
                base = f"{area_name} {rng.choice(['Group', 'Fellowship', 'Serenity Group'])}"
            else:
                base = rng.choice(pool)
        if slug in PROGRAM_NAME_FORMS:
            return PROGRAM_NAME_FORMS[slug](rng, base, area_name)
        if rng.random() < 0.35 and not base.endswith("Group"):
            return f"{base} Group"
        return base

    def _audience_name(self, flags):
        for flag, names in AUDIENCE_NAMES:
            if flag in flags:
                return self.rng.choice(names)
        return None

    def _days(self, program, k, forced=None):
        if forced is not None:
            return list(forced)
        if k == 7:
            return list(range(7))
        if k == 6:
            return [1, 2, 3, 4, 5, 6]
        if k == 5:
            return [1, 2, 3, 4, 5]
        if program.slug == "celebrate-recovery":
            weights = [0.3, 1, 1, 0.5, 1, 1, 0.3]
        else:
            weights = [0.8, 1, 1, 1, 1, 1, 0.8]
        days = []
        while len(days) < k:
            day = self.rng.choices(range(7), weights=weights)[0]
            if day not in days:
                days.append(day)
        return sorted(days)

    def _group_flags(self, program, spanish_area):
        """Audience and language types shared by a group's meetings."""
        rng = self.rng
        flags = list(program.extra_types)
        roll = rng.random()
        if "women" not in flags:
            if roll < program.women:
                flags.append("women")
            elif roll < program.women + program.men:
                flags.append("men")
        if rng.random() < program.lgbtq:
            flags.append("lgbtq")
        if rng.random() < program.young:
            flags.append("young-people")
        if program.secular and rng.random() < program.secular:
            flags.append("secular")
        if program.alateen and rng.random() < program.alateen:
            flags.append("alateen")
        spanish_chance = program.spanish + (0.3 if spanish_area and program.spanish else 0)
        if rng.random() < spanish_chance:
            flags.append("spanish")
            if rng.random() < 0.3:
                flags.append("english")  # bilingual
        return flags

    def cluster(
        self,
        program,
        *,
        quota,
        metro_key=None,
        attendance=None,
        days=None,
        start=None,
        zone=None,
        area_names=None,
        flags=None,
        name=None,
        with_group=None,
        french=False,
    ):
        """One group's weekly meetings (same place, name and time); returns how many were made.

        Each step draws from the one random generator in a fixed order, so a seed always gives the same data.
        """
        rng = self.rng
        attendance = attendance or self._attendance(program)
        venue, metro_key, zone = self._where(program, attendance, metro_key, zone, area_names)
        if days is None:
            days = self._days(program, min(_weighted(rng, program.days), quota))
        else:
            days = list(days)[:quota]
        if start is None:
            start = _time(_weighted(rng, program.times))
        duration = 90 if rng.random() < program.long_share else 60
        flags = self._cluster_flags(program, venue, attendance, zone, flags, french)
        if name is None:
            name = self._cluster_name(program, venue, start, flags, french)
        shared = self._shared_facts(program, venue)
        if with_group is None:
            with_group = rng.random() < (0.9 if program.open_share is not None or program.family else 0.35)
        group_key = self._group(program, name, venue, metro_key, attendance) if with_group else None
        conference = self._conference(zone) if attendance != "in_person" else None
        for day in days:
            # In this order, as each draws in turn: the day's types, its name, notes and date of confirmation.
            types = self._day_types(program, flags, shared, venue)
            meeting = {
                "program": program.slug,
                "group": group_key,
                "name": self._day_name(name, days, day),
                "attendance": attendance,
                "weekday": day,
                "start_time": start,
                "end_time": _add_minutes(start, duration),
                "timezone": zone,
                "location": venue["key"] if venue else None,
                "conference_url": "",
                "conference_url_notes": "",
                "conference_phone": "",
                "conference_phone_notes": "",
                "join_on_request": False,
                "status": shared["status"],
                "types": types,
            }
            meeting["notes"] = self._day_notes(shared, venue, attendance)
            meeting["last_verified"] = (
                None
                if rng.random() < 0.05
                else self.confirmed_until - dt.timedelta(days=rng.randint(0, CONFIRMED_SPAN_DAYS))
            )
            if conference:
                meeting.update(conference)
            if venue:
                self.used_locations.add(venue["key"])
            self.meetings.append(meeting)
        return len(days)

    def _attendance(self, program):
        roll = self.rng.random()
        if roll < program.online:
            return "online"
        return "hybrid" if roll < program.online + program.hybrid else "in_person"

    def _where(self, program, attendance, metro_key, zone, area_names):
        """(venue, metro key, zone): a venue in one of the program's metro areas, or only a zone online."""
        if attendance == "online":
            return None, metro_key, zone or _weighted(self.rng, program.online_zones or ONLINE_ZONES)
        if metro_key is None:
            metro_key = _weighted(self.rng, [(key, METRO_BY_KEY[key].weight) for key in program.metros])
        return self._pick_venue(metro_key, area_names), metro_key, METRO_BY_KEY[metro_key].tz

    def _cluster_flags(self, program, venue, attendance, zone, flags, french):
        spanish_area = bool(venue and venue["_area"].spanish) or (
            attendance == "online" and zone in (NY, CHI, LA_TZ, DEN) and self.rng.random() < 0.1
        )
        if flags is None:
            flags = self._group_flags(program, spanish_area)
        if french:
            flags = [f for f in flags if f not in ("spanish", "english")] + ["french"]
        return flags

    def _cluster_name(self, program, venue, start, flags, french):
        area_name = venue["_area"].name if venue else ""
        name = self.group_name(
            program, start=start, flags=flags, area_name=area_name, spanish="spanish" in flags, french=french
        )
        if "women" in flags and program.slug in ("smart-recovery", "recovery-dharma"):
            name = f"{name} for Women"
        return name

    def _shared_facts(self, program, venue):
        """What every meeting of a group shares: open or closed, welcomes, access, whether it meets now."""
        rng = self.rng
        open_closed = None
        if program.open_share is not None:
            open_closed = "open" if rng.random() < program.open_share else "closed"
        return {
            "open_closed": open_closed,
            "medication": rng.random() < program.medication,
            "verification": (not program.family) and rng.random() < program.verification,
            "child": rng.random() < program.child,
            "wheelchair": bool(venue and venue["_accessible"] and rng.random() < 0.85),
            "status": "temporarily_closed" if rng.random() < 0.025 else "active",
        }

    def _day_types(self, program, flags, shared, venue):
        rng = self.rng
        types = list(flags)
        if shared["open_closed"]:
            types.append(shared["open_closed"])
        types.append(_weighted(rng, program.formats))
        for key, code in SHARED_TYPES:
            if shared[key]:
                types.append(code)
        if rng.random() < 0.05 and not program.family:
            types.append("newcomer")
        if rng.random() < 0.01 and venue and venue["country"] == "US":
            types.append("american-sign-language")
        return tuple(sorted(set(types)))

    def _day_name(self, name, days, day):
        if len(days) > 1 and "Daily" not in name and self.rng.random() < 0.3:
            spanish = name.startswith(tuple(SPANISH_NAMES))
            return f"{name} – {(DAY_NAMES_ES if spanish else DAY_NAMES)[day]}"
        return name

    def _day_notes(self, shared, venue, attendance):
        rng = self.rng
        notes = []
        if rng.random() < 0.2:
            notes.append(rng.choice(MEETING_NOTES))
        if shared["verification"] and rng.random() < 0.5:
            notes.append(VERIFICATION_NOTE)
        if shared["child"] and rng.random() < 0.5:
            notes.append(CHILD_NOTE)
        if attendance != "in_person" and rng.random() < 0.25:
            notes.append(rng.choice(ONLINE_NOTES))
        if shared["status"] == "temporarily_closed":
            notes.append(rng.choice(CLOSED_NOTES if venue else CLOSED_NOTES_ONLINE))
        return " ".join(notes)

    def _conference(self, zone):
        rng = self.rng
        if rng.random() < 0.03:
            return {"join_on_request": True, "conference_url_notes": "E-mail the group for the link."}
        meeting_id = str(rng.randint(10**9, 10**10 - 1))
        spaced = f"{meeting_id[:3]} {meeting_id[3:6]} {meeting_id[6:]}"
        passcode = str(rng.randint(100000, 999999))
        result = {
            "conference_url": f"https://zoom.us/j/{meeting_id}",
            "conference_url_notes": f"Meeting ID {spaced}, passcode {passcode}",
        }
        if rng.random() < 0.4:
            result["conference_phone"] = f"{DIAL_IN[zone]},,{meeting_id}#"
            result["conference_phone_notes"] = f"Meeting ID {spaced}, passcode {passcode}"
        return result

    def _group(self, program, name, venue, metro_key, attendance):
        rng = self.rng
        where = venue["_area"].name if venue else "online"
        base = slugify(f"{name} {where}") if where.lower() not in name.lower() else slugify(name)
        base = base[:200]
        slugs = self.group_slugs.setdefault(program.slug, set())
        slug, n = base, 2
        while slug in slugs:
            slug, n = f"{base}-{n}", n + 1
        slugs.add(slug)
        metro = METRO_BY_KEY[metro_key] if metro_key else None
        slug_words = "-".join(slugify(name).split("-")[:3])
        roles = ROLES_TWELVE if program.open_share is not None or program.family else ROLES_TOOLS
        role = rng.choice(roles)
        phone = ""
        if rng.random() < 0.3:
            country = metro.country if metro else "US"
            if country == "AU":
                phone = f"0491 570 {rng.choice(['006', '156', '157', '158', '159', '110', '313', '737'])}"
            elif country == "GB":
                phone = f"020 7946 0{rng.randint(0, 999):03d}"
            else:
                phone = f"({rng.choice(['215', '412', '212', '312', '303', '213'])}) 555-01{rng.randint(0, 99):02d}"
        self.plan.groups.append(
            {
                "program": program.slug,
                "slug": slug,
                "name": name,
                "region": venue["region"] if venue else None,
                "contact_role": role,
                "contact_email": f"{ROLE_MAIL.get(role, slugify(role))}.{slug_words}@example.org"
                if rng.random() < 0.6
                else "",
                "contact_phone": phone,
                "website": "",
                "notes": "Meets online." if attendance == "online" else "",
            }
        )
        return (program.slug, slug)

    # -- the demo searches ---------------------------------------------------------------------------

    def women_tuesday_philadelphia(self):
        """Women's meetings on Tuesday evening near ZIP 19104, whatever the count."""
        made = 0
        plans = [
            ("aa", ["University City"], [2, 4], "19:00", "in_person"),
            ("na", ["Center City"], [2], "18:30", "in_person"),
            ("women-for-sobriety", ["University City", "West Philadelphia"], [2], "18:00", "hybrid"),
            ("aa", ["West Philadelphia", "Center City"], [0, 2], "19:30", "in_person"),
        ]
        for slug, areas, days, start, attendance in plans:
            program = PROGRAM_PLANS[slug]
            flags = ["women"] + (["secular"] if slug == "women-for-sobriety" else [])
            made += self.cluster(
                program,
                quota=len(days),
                metro_key="philadelphia",
                attendance=attendance,
                days=days,
                start=_time(start),
                area_names=areas,
                flags=flags,
            )
        return made

    def online_medication_friendly(self, clusters):
        """Daily online SMART or MARA meetings whose starts are spread evenly over the day in UTC (one every
        45 minutes at full size), so that "online, medication-friendly, starting in the next 2 hours" finds
        something at any moment. Only northern-hemisphere zones are used: their clocks change together, so
        summer time shifts the whole pattern instead of opening gaps in it."""
        made = 0
        for index in range(clusters):
            utc_minute = index * 24 * 60 // clusters
            instant = dt.datetime.combine(REFERENCE_DATE, dt.time(utc_minute // 60, utc_minute % 60), tzinfo=dt.UTC)
            candidates = []
            for zone, weight in [(NY, 5), (CHI, 3), (DEN, 1), (LA_TZ, 3), (LON, 1.5)]:
                local = instant.astimezone(zoneinfo.ZoneInfo(zone))
                if 6 <= local.hour <= 22:
                    candidates.append(((zone, local.time()), weight))
            zone, start = _weighted(self.rng, candidates)
            slug = "mara" if zone == NY and self.rng.random() < 0.4 else "smart-recovery"
            program = PROGRAM_PLANS[slug]
            label = {"morning": "Morning", "midday": "Midday", "evening": "Evening", "late": "Late"}[
                _time_of_day(start)
            ]
            if slug == "mara":
                name = f"MARA Online Daily {label} Support"
            else:
                name = f"SMART Recovery Online Daily {label} Check-in"
            made += self.cluster(
                program,
                quota=7,
                attendance="online",
                days=range(7),
                start=start,
                zone=zone,
                flags=["secular"] if slug == "smart-recovery" else [],
                name=name,
                with_group=False,
            )
        return made

    # -- everything ------------------------------------------------------------------------------------

    def build(self):
        rng = self.rng
        self.regions()
        self.venue_pool()
        coverage = max(1, min(32, self.count // 60))
        reserved = self.women_tuesday_philadelphia()
        reserved += self.online_medication_friendly(coverage)
        remaining = self.count - reserved
        # Meetings per program: proportional, at least one each (largest remainder).
        total_share = sum(p.share for p in PROGRAMS)
        floor = 1 if remaining >= len(PROGRAMS) else 0
        spare = remaining - floor * len(PROGRAMS)
        exact = [spare * p.share / total_share for p in PROGRAMS]
        quotas = [floor + int(x) for x in exact]
        order = sorted(range(len(PROGRAMS)), key=lambda i: (-(exact[i] - int(exact[i])), i))
        for i in order[: remaining - sum(quotas)]:
            quotas[i] += 1
        for program, quota in zip(PROGRAMS, quotas, strict=True):
            left = quota
            while left > 0:
                french = program.slug in ("aa", "na") and rng.random() < 0.015
                if french:
                    left -= self.cluster(program, quota=left, attendance="online", zone=PAR, french=True)
                else:
                    left -= self.cluster(program, quota=left)
        # Keys, slugs and the locations that are used.
        for number, meeting in enumerate(self.meetings, start=1):
            meeting["external_key"] = f"demo-{number:05d}"
            meeting["slug"] = self._meeting_slug(meeting["name"])
        self.plan.meetings = self.meetings
        for metro in METROS:
            for venue in self.venues[metro.key]:
                if venue["key"] in self.used_locations:
                    self.plan.locations.append({k: v for k, v in venue.items() if not k.startswith("_")})
        return self.plan

    def _meeting_slug(self, name):
        base = slugify(name)[:200] or "meeting"
        while True:
            suffix = "".join(self.rng.choice("abcdefghjkmnpqrstuvwxyz23456789") for _ in range(5))
            slug = f"{base}-{suffix}"
            if slug not in self.meeting_slugs:
                self.meeting_slugs.add(slug)
                return slug


def build_plan(*, seed=DEFAULT_SEED, count=DEFAULT_COUNT, today=None):
    """The demo directory as plain data; the same seed, count and day always give the same plan (`today`: the
    day it is seeded, whose past 18 months hold the "last confirmed" dates; the local date by default)."""
    if count < MIN_COUNT:
        raise ValueError(f"count must be at least {MIN_COUNT}, not {count}.")
    return _Builder(seed, count, today or timezone.localdate()).build()


# ---------------------------------------------------------------------------------------------------
# Writing the plan
# ---------------------------------------------------------------------------------------------------

REGION_FIELDS = ("name", "kind", "parent_id", "timezone")
LOCATION_FIELDS = (
    "name",
    "address",
    "city",
    "state",
    "postal_code",
    "country",
    "formatted_address",
    "latitude",
    "longitude",
    "approximate",
    "timezone",
    "region_id",
    "notes",
)
GROUP_FIELDS = ("name", "region_id", "contact_role", "contact_email", "contact_phone", "website", "notes")
CLOCK_FIELDS = ("utc_start", "utc_offset", "duration_minutes")  # derived from the fields below by set_clocks()
MEETING_FIELDS = (
    "program_id",
    "group_id",
    "name",
    "slug",
    "attendance",
    "weekday",
    "start_time",
    "end_time",
    "timezone",
    "location_id",
    "conference_url",
    "conference_url_notes",
    "conference_phone",
    "conference_phone_notes",
    "join_on_request",
    "notes",
    "status",
    "last_verified",
    "source",
    "external_key",
)
BATCH = 500
# Objects are checked with full_clean(validate_constraints=False): fields, foreign keys, clean() and uniqueness
# are validated in Python, while the model's CheckConstraints (one query each per object through Q.check(),
# which would make a first run take half a minute) are enforced by the database on the bulk insert, inside
# the transaction, so a violation still rolls the whole build back.


@dataclass
class Tally:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0

    def __str__(self):
        text = f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"
        return text + (f", {self.removed} removed" if self.removed else "")


@dataclass
class SeedResult:
    seed: int
    count: int
    regions: Tally = field(default_factory=Tally)
    locations: Tally = field(default_factory=Tally)
    groups: Tally = field(default_factory=Tally)
    meetings: Tally = field(default_factory=Tally)
    type_links_changed: int = 0
    warnings: list = field(default_factory=list)

    @property
    def changed(self):
        return (
            any(
                t.created or t.updated or t.removed for t in (self.regions, self.locations, self.groups, self.meetings)
            )
            or self.type_links_changed > 0
        )

    def summary(self):
        return (
            f"Demo data (seed {self.seed}): meetings {self.meetings}; locations {self.locations}; "
            f"groups {self.groups}; regions {self.regions}; types changed on {self.type_links_changed} meetings."
        )


def _differs(obj, values):
    return any(getattr(obj, name) != value for name, value in values.items())


def _assign(obj, values):
    for name, value in values.items():
        setattr(obj, name, value)


def _chunks(items, size=BATCH):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]


def demo_seed(*, seed=DEFAULT_SEED, count=DEFAULT_COUNT, stdout=None, fixtures=None, today=None):
    """Load the fixtures and write the demo directory for `seed`; a second run changes nothing.

    `fixtures` overrides the fixture files to load (the project's programs and meeting types by default).
    Returns a SeedResult; writes its one-line summary to `stdout` when given.
    """
    from groups.models import Program

    plan = build_plan(seed=seed, count=count, today=today)
    result = SeedResult(seed=seed, count=count)
    reason = history_reason(seed)
    with transaction.atomic():
        call_command("loaddata", *[str(path) for path in (fixtures or fixture_paths())], verbosity=0)
        # loaddata saves raw, which simple_history does not record: a program's first version is written here.
        history_fill_in(Program, reason="Loaded from the fixtures")
        regions = _write_regions(plan, result)
        locations = _write_locations(plan, regions, result, reason=reason)
        groups, programs = _write_groups(plan, regions, result, reason=reason)
        _write_meetings(plan, programs, groups, locations, result, reason=reason)
    forget_demo_state()
    if stdout is not None:
        for warning in result.warnings:
            stdout.write(f"Warning: {warning}")
        stdout.write(result.summary())
    return result


def _write_regions(plan, result):
    from meetings.models import Region

    existing = {region.slug: region for region in Region.objects.filter(slug__in=[r["slug"] for r in plan.regions])}
    by_slug = {}
    for row in plan.regions:  # parents come first
        values = {
            "name": row["name"],
            "kind": row["kind"],
            "timezone": row["timezone"],
            "parent_id": by_slug[row["parent"]].pk if row["parent"] else None,
        }
        region = existing.get(row["slug"])
        if region is None:
            region = Region(slug=row["slug"], **values)
            region.full_clean(validate_constraints=False)
            region.save()
            result.regions.created += 1
        elif _differs(region, values):
            _assign(region, values)
            region.full_clean(validate_constraints=False)
            region.save()
            result.regions.updated += 1
        else:
            result.regions.unchanged += 1
        by_slug[row["slug"]] = region
    return by_slug


def history_reason(seed):
    """The change reason of every version the demo data writes (they are in bulk, each with its history)."""
    return f"Demo data (seed {seed})"


def _location_key(location):
    return (location.name, location.address, location.city, location.postal_code)


def _write_locations(plan, regions, result, *, reason):
    from meetings.models import Location

    existing = {}
    for names in _chunks(sorted({row["name"] for row in plan.locations})):
        for location in Location.objects.filter(name__in=names):
            existing.setdefault(_location_key(location), location)
    now = timezone.now()
    to_create, to_update = [], []
    for row in plan.locations:
        values = {name: row[name] for name in LOCATION_FIELDS if name != "region_id"}
        values["region_id"] = regions[row["region"]].pk
        location = existing.get(row["key"])
        if location is None:
            location = Location(**values)
            location.full_clean(validate_constraints=False)
            to_create.append(location)
        elif _differs(location, values):
            _assign(location, values)
            location.updated = now
            location.full_clean(validate_constraints=False)
            to_update.append(location)
        else:
            result.locations.unchanged += 1
    bulk_create_with_history(to_create, Location, batch_size=BATCH, default_change_reason=reason)
    bulk_update_with_history(
        to_update, Location, [*LOCATION_FIELDS, "updated"], batch_size=BATCH, default_change_reason=reason
    )
    result.locations.created += len(to_create)
    result.locations.updated += len(to_update)
    keys = {}
    for names in _chunks(sorted({row["name"] for row in plan.locations})):
        for location in Location.objects.filter(name__in=names).order_by("pk"):
            keys.setdefault(_location_key(location), location)
    return keys


def _write_groups(plan, regions, result, *, reason):
    from groups.models import Group, Program

    programs = {program.slug: program for program in Program.objects.filter(slug__in=DEMO_PROGRAM_SLUGS)}
    missing = [slug for slug in DEMO_PROGRAM_SLUGS if slug not in programs]
    if missing:
        result.warnings.append(f"programs not in the fixtures, their demo meetings skipped: {', '.join(missing)}")
    existing = {
        (group.program_id, group.slug): group
        for group in Group.objects.filter(program__in=programs.values(), slug__in={r["slug"] for r in plan.groups})
    }
    now = timezone.now()
    to_create, to_update = [], []
    for row in plan.groups:
        program = programs.get(row["program"])
        if program is None:
            continue
        values = {name: row[name] for name in GROUP_FIELDS if name != "region_id"}
        values["region_id"] = regions[row["region"]].pk if row["region"] else None
        group = existing.get((program.pk, row["slug"]))
        if group is None:
            group = Group(program=program, slug=row["slug"], **values)
            group.full_clean(validate_constraints=False)
            to_create.append(group)
        elif _differs(group, values):
            _assign(group, values)
            group.updated = now
            group.full_clean(validate_constraints=False)
            to_update.append(group)
        else:
            result.groups.unchanged += 1
    bulk_create_with_history(to_create, Group, batch_size=BATCH, default_change_reason=reason)
    bulk_update_with_history(
        to_update, Group, [*GROUP_FIELDS, "updated"], batch_size=BATCH, default_change_reason=reason
    )
    result.groups.created += len(to_create)
    result.groups.updated += len(to_update)
    groups = {
        (group.program.slug, group.slug): group
        for group in Group.objects.filter(
            program__in=programs.values(), slug__in={r["slug"] for r in plan.groups}
        ).select_related("program")
    }
    return groups, programs


# A planned meeting's own fields, written as planned.
PLANNED_FIELDS = (
    *("name", "attendance", "weekday", "start_time", "end_time", "timezone", "conference_url"),
    *("conference_url_notes", "conference_phone", "conference_phone_notes", "join_on_request", "notes"),
    *("status", "last_verified", "external_key"),
)


def _write_meetings(plan, programs, groups, locations, result, *, reason):
    from meetings.models import Meeting, MeetingType

    type_ids = dict(MeetingType.objects.values_list("code", "pk"))
    wanted_codes = sorted({code for row in plan.meetings for code in row["types"]})
    missing_types = [code for code in wanted_codes if code not in type_ids]
    if missing_types:
        result.warnings.append(f"meeting types not in the fixtures, left off: {', '.join(missing_types)}")
    rows = [row for row in plan.meetings if row["program"] in programs]
    existing = _existing_demo_meetings(rows, result)
    holders = _slug_holders(rows)
    now = timezone.now()
    to_create, to_update, unchanged = [], [], []
    for row in rows:
        location = locations[row["location"]] if row["location"] else None
        group = groups.get(row["group"]) if row["group"] else None
        values = _meeting_values(row, programs, group, location, _free_slug(row, holders))
        meeting = existing.get(row["external_key"])
        if meeting is not None and not _differs(meeting, values):
            unchanged.append(meeting)
            continue
        if meeting is None:
            meeting = Meeting(**values)
            to_create.append(meeting)
        else:
            _assign(meeting, values)
            meeting.updated = now
            to_update.append(meeting)
        meeting.location = location  # cached for clean()
        meeting.full_clean(validate_constraints=False)
    Meeting.objects.set_clocks(to_update + to_create)
    Meeting.objects.bulk_update(to_update, [*MEETING_FIELDS, *CLOCK_FIELDS, "updated"], batch_size=BATCH)
    Meeting.objects.bulk_create(to_create, batch_size=BATCH)
    result.meetings.created = len(to_create)
    result.meetings.updated = len(to_update)
    result.meetings.unchanged = len(unchanged)
    ids, changed = _write_types(rows, type_ids)
    result.type_links_changed = len(changed)

    # A version of each meeting written or given other types, once its types are in place: a new meeting's
    # first version must hold its types, or reverting its first edit would clear them.
    for meeting in to_create:
        meeting.pk = ids[meeting.external_key]
    meetings_history_bulk_create(to_create, reason=reason)
    edited = to_update + [meeting for meeting in unchanged if meeting.pk in changed]
    meetings_history_bulk_create(edited, reason=reason, update=True)


def _existing_demo_meetings(rows, result):
    """{external key: meeting} of the demo meetings this plan keeps; those beyond it (an earlier, larger
    --count) are deleted, so the directory matches the plan."""
    from meetings.models import Meeting

    planned_keys = {row["external_key"] for row in rows}
    existing, stale = {}, []
    for meeting in Meeting.objects.filter(source=DEMO_SOURCE).exclude(external_key=""):
        if meeting.external_key in planned_keys:
            existing[meeting.external_key] = meeting
        else:
            stale.append(meeting.pk)
    for chunk in _chunks(stale):
        Meeting.objects.filter(pk__in=chunk).delete()
    result.meetings.removed = len(stale)
    return existing


def _slug_holders(rows):
    """{slug: (source, external key)} of the meetings that hold the slugs the plan wants."""
    from meetings.models import Meeting

    holders = {}
    for chunk in _chunks([row["slug"] for row in rows]):
        found = Meeting.objects.filter(slug__in=chunk).values_list("slug", "source", "external_key")
        holders.update({slug: (source, key) for slug, source, key in found})
    return holders


def _free_slug(row, holders):
    """The row's slug, or, when some other meeting (imported data, say) holds it, a deterministic suffix."""
    slug, n = row["slug"], 2
    while slug in holders and holders[slug] != (DEMO_SOURCE, row["external_key"]):
        slug = f"{row['slug']}-{n}"
        n += 1
    return slug


def _meeting_values(row, programs, group, location, slug):
    values = {name: row[name] for name in PLANNED_FIELDS}
    values.update(
        program_id=programs[row["program"]].pk,
        group_id=group.pk if group else None,
        slug=slug,
        location_id=location.pk if location else None,
        source=DEMO_SOURCE,
    )
    return values


def _write_types(rows, type_ids):
    """Link each meeting to its planned types, rewriting only the meetings whose set differs (no `updated`
    change); returns ({external key: id}, the ids of the meetings whose types changed)."""
    from meetings.models import Meeting

    ids = dict(Meeting.objects.filter(source=DEMO_SOURCE).values_list("external_key", "pk"))
    Through = Meeting.types.through
    current = {}
    for meeting_id, type_id in Through.objects.filter(meeting__source=DEMO_SOURCE).values_list(
        "meeting_id", "meetingtype_id"
    ):
        current.setdefault(meeting_id, set()).add(type_id)
    changed, links = [], []
    for row in rows:
        meeting_id = ids[row["external_key"]]
        wanted = {type_ids[code] for code in row["types"] if code in type_ids}
        if current.get(meeting_id, set()) != wanted:
            changed.append(meeting_id)
            links.extend(Through(meeting_id=meeting_id, meetingtype_id=type_id) for type_id in sorted(wanted))
    for chunk in _chunks(changed):
        Through.objects.filter(meeting_id__in=chunk).delete()
    Through.objects.bulk_create(links, batch_size=BATCH)
    # Bulk writes send no m2m_changed: bring the rows' own copies of their types (Meeting.type_ids) in step.
    Meeting.objects.filter(source=DEMO_SOURCE).sync_type_ids()
    return ids, set(changed)
