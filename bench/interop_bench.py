"""Import and export at 10,000 meetings: time and memory. A benchmark, not a test.

    .venv/bin/python bench/interop_bench.py                 # 10,000 meetings on a fresh SQLite file
    .venv/bin/python bench/interop_bench.py --count 2000 --no-write   # a quick try
    DATABASE_URL=postgres://... .venv/bin/python bench/interop_bench.py   # on PostgreSQL (an empty database)

Generates a Meeting Guide feed (in-person, hybrid and online meetings over a pool of shared venues, with
types, regions and time zones), then measures:
1. importing it into an empty directory (parse, validate with full_clean, write);
2. importing the same feed again (nothing changes);
3. exporting the whole directory as the streamed feed (every chunk produced, nothing kept).
Memory: peak RSS of the process after each step (resource.getrusage), and tracemalloc's peak while
exporting 1,000 and all meetings, which shows whether export memory grows with the size of the feed.
Prints the figures and writes its own section of docs/performance.md (other sections are kept).
"""

import argparse
import datetime as dt
import json
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PERFORMANCE_MD = ROOT / "docs" / "performance.md"

CITIES = [
    ("New York", "NY", "10001", "America/New_York", 40.7506, -73.9972),
    ("Philadelphia", "PA", "19104", "America/New_York", 39.9566, -75.1899),
    ("Chicago", "IL", "60641", "America/Chicago", 41.9463, -87.7510),
    ("Houston", "TX", "77002", "America/Chicago", 29.7589, -95.3677),
    ("Denver", "CO", "80202", "America/Denver", 39.7525, -104.9995),
    ("Phoenix", "AZ", "85004", "America/Phoenix", 33.4515, -112.0687),
    ("Los Angeles", "CA", "90012", "America/Los_Angeles", 34.0614, -118.2385),
    ("Seattle", "WA", "98101", "America/Los_Angeles", 47.6101, -122.3344),
]
STREETS = ["Main St", "Oak Ave", "Walnut St", "Market St", "2nd Ave", "Elm St", "Park Blvd", "Church St"]
CODES = ["O", "C", "D", "SP", "ST", "B", "W", "M", "X", "BE", "Y", "LGBTQ", "S", "EN", "MED", "LIT", "TR", "CF"]


def generate_feed(count, *, seed=7):
    rng = random.Random(seed)
    venues = []
    for n in range(max(1, count // 4)):
        city, state, zip_code, zone, lat, lon = rng.choice(CITIES)
        venues.append(
            {
                "location": f"Venue {n}",
                "formatted_address": f"{100 + n} {rng.choice(STREETS)}, {city}, {state} {zip_code}, USA",
                "address": f"{100 + n} {rng.choice(STREETS)}",
                "city": city,
                "state": state,
                "postal_code": zip_code,
                "country": "US",
                "latitude": round(lat + rng.uniform(-0.1, 0.1), 5),
                "longitude": round(lon + rng.uniform(-0.1, 0.1), 5),
                "timezone": zone,
                "regions": [state, city],
            }
        )
    feed = []
    for n in range(count):
        venue = rng.choice(venues)
        kind = rng.random()
        item = {
            "name": f"Meeting {n}",
            "slug": f"bench-{n}",
            "day": rng.randrange(7),
            "time": f"{rng.randrange(6, 22):02d}:{rng.choice(['00', '15', '30', '45'])}",
            "timezone": venue["timezone"],
            "types": sorted(rng.sample(CODES, rng.randrange(1, 5))),
            "notes": "Generated for the import benchmark.",
            "group": f"Group {n // 3}",
            "updated": "2026-01-01 12:00:00",
        }
        item["end_time"] = f"{(int(item['time'][:2]) + 1) % 24:02d}:{item['time'][3:]}"
        if kind < 0.2:
            item["formatted_address"] = venue["city"]
            item["approximate"] = "yes"
            item["conference_url"] = f"https://zoom.us/j/{1000000000 + n}"
        else:
            item.update({key: value for key, value in venue.items() if key != "timezone"})
            item["approximate"] = "no"
            if kind < 0.35:
                item["conference_url"] = f"https://zoom.us/j/{1000000000 + n}"
        feed.append(item)
    return feed


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def machine():
    uname = subprocess.run(["uname", "-a"], capture_output=True, text=True).stdout.strip()
    return uname, os.cpu_count()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--no-write", action="store_true", help="Print only; do not append to docs/performance.md.")
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="interop-bench-")
    if "DATABASE_URL" not in os.environ:
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/bench.sqlite3"
    # DEBUG off: with DEBUG on, Django keeps every query in memory and the memory figures would be wrong.
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("SECRET_KEY", "interop-benchmark-only-not-a-secret-0123456789")
    os.environ.setdefault("ALLOWED_HOSTS", "localhost")
    os.environ.setdefault("STATIC_MANIFEST", "false")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "directory.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from groups.models import Program
    from interop.meeting_guide import feed_chunks
    from interop.sources import feed_import
    from meetings.models import Meeting

    call_command("migrate", verbosity=0)
    call_command("loaddata", ROOT / "fixtures" / "programs.json", verbosity=0)
    call_command("loaddata", ROOT / "fixtures" / "meeting_types.json", verbosity=0)
    program = Program.objects.get(slug="aa")
    data = json.dumps(generate_feed(args.count)).encode()
    results = {}

    loads = [os.getloadavg()[0]]

    def timed(label, function):
        started, cpu = time.perf_counter(), time.process_time()
        value = function()
        results[label] = (time.perf_counter() - started, peak_rss_mb(), time.process_time() - cpu)
        loads.append(os.getloadavg()[0])
        wall, rss, cpu = results[label]
        print(f"{label}: {wall:.2f} s wall, {cpu:.2f} s CPU, peak RSS {rss:.0f} MB", flush=True)
        return value

    first = timed("import", lambda: feed_import(data=data, format="meeting-guide", source="bench", program=program))
    assert first.ok and len(first.created) == args.count, first.lines(limit=5)
    again = timed("re-import", lambda: feed_import(data=data, format="meeting-guide", source="bench", program=program))
    assert again.counts()["unchanged"] == args.count, again.summary()

    def export(meetings):
        return sum(len(chunk) for chunk in feed_chunks(meetings, base_url="https://example.org/"))

    size = timed("export", lambda: export(Meeting.objects.all()))
    memory = {}
    small = Meeting.objects.filter(pk__in=list(Meeting.objects.order_by("pk").values_list("pk", flat=True)[:1000]))
    for label, meetings in (("1,000", small), (f"{args.count:,}", Meeting.objects.all())):
        tracemalloc.start()
        export(meetings)
        memory[label] = tracemalloc.get_traced_memory()[1] / (1024 * 1024)
        tracemalloc.stop()
        print(f"export {label} meetings: tracemalloc peak {memory[label]:.1f} MB", flush=True)

    uname, cpus = machine()
    vendor = connection.vendor
    command = f".venv/bin/python bench/interop_bench.py --count {args.count}"
    if vendor == "postgresql":
        command = f"scripts/with-postgres {command}"
    title = f"Importing and exporting feeds (bench/interop_bench.py), {args.count:,} meetings on {vendor}"
    lines = [
        f"- Date: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
        f"- Machine: `{uname}`, {cpus} CPUs (nproc), Python {platform.python_version()}",
        f"- Database: {vendor} ({settings.DATABASES['default']['NAME']})",
        f"- Command: `{command}`",
        f"- Feed: {len(data) / (1024 * 1024):.1f} MB of Meeting Guide JSON; export produced "
        f"{size / (1024 * 1024):.1f} MB",
        "",
        f"- Load average (1 min) during the run: {min(loads):.1f} to {max(loads):.1f} on {cpus} CPUs. Other work "
        "was running on the machine, so wall time includes waiting for a CPU; CPU time is this process's own.",
        "",
        "| step | wall time | CPU time | target | peak RSS after the step |",
        "|---|---|---|---|---|",
        *(
            f"| {title} | {results[key][0]:.2f} s | {results[key][2]:.2f} s | {target} | {results[key][1]:.0f} MB |"
            for title, key, target in (
                ("import into an empty directory", "import", "< 20 s"),
                ("re-import, unchanged", "re-import", "< 5 s"),
                ("export (streamed feed)", "export", "< 1 s"),
            )
        ),
        "",
        "Export memory (tracemalloc peak while producing the whole feed, nothing kept): "
        + ", ".join(f"{label} meetings {value:.1f} MB" for label, value in memory.items())
        + ". Peak RSS never goes down, so the import's peak (the parsed feed and the run's caches) is what the "
        "later rows show.",
        "",
    ]
    print(f"## {title}\n\n" + "\n".join(lines))
    if not args.no_write:
        # Like the other bench scripts: replace this script's own section, keep every other one.
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from generate_bench import write_section

        write_section(f"interop_bench_{vendor}", title, lines)
        print(f"Wrote its section of {PERFORMANCE_MD}")


if __name__ == "__main__":
    main()
