"""The slowest anonymous request we can construct: hostile requests timed on a large directory on PostgreSQL.

    .venv/bin/python bench/hostile_bench.py                        # 250,000 meetings (about 15 minutes)
    .venv/bin/python bench/hostile_bench.py --baseline-code /tmp/main   # and main's code, on the same data, first
    .venv/bin/python bench/hostile_bench.py --size 25000 --runs 1 --no-write   # a quick try

Generates meetings with `generate_meetings` in a throwaway PostgreSQL (scripts/with-postgres, in the shape
of docs/deploy.md), then sends each request below through Django's test Client as an anonymous visitor,
with DEBUG off, the page cache off and the settings a deployment has by default (so also the public
statement timeout, where the code has one). The requests: every list parameter of every public interface at
its cap (and every one at once), many keyword words, deep pages, the widest radius, every BMLT switcher.
Each is sent once to warm up (its SQL statements and joins are counted then), then timed `--runs` times
(once if slower than 3 s). With `--baseline-code`, the same requests are first timed with the code of
another checkout (e.g. `git archive main | tar -x -C /tmp/main`) against the same database, for a before
and after. So that a run ends, no statement may run longer than `--ceiling-seconds` (120; gunicorn
would have killed the worker after 30): one that does is counted at the ceiling, marked "cut". The
whole-directory answers (every meeting as a feed or as BMLT results, a legitimate request)
are timed beside them and reported apart. Prints the figures and replaces its section of docs/performance.md.
A benchmark, not a test.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate_bench import (  # noqa: E402 -- the script's own folder is put on the path just above
    BENCH_ENV,
    PYTHON,
    RESULTS_DIR,
    ROOT,
    machine,
    machine_lines,
    manage,
    on_postgres,
    save_results,
    write_section,
)
from search_bench import PG_SERVER_OPTIONS, SLOW_SECONDS  # noqa: E402

BMLT = "/client_interface/json/?switcher="
# The caps of interop.bmlt.MAX_VALUES and search.filters, for code that has none (main before
# them): the same lists are sent to both.
CAPS = {
    "meeting_ids": 1000,
    "weekdays": 7,
    "venue_types": 3,
    "formats": 100,
    "services": 200,
    "format_ids": 200,
    "key_strings": 200,
    "data_field_key": 100,
    "sort_keys": 20,
    "meeting_key_value": 100,
    "program": 30,
    "type": 20,
    "day": 8,
}
RARE_WORDS = "zq xv qz vx zzq qqz xvv vxx"  # eight words, each matching nothing: every index is asked
COMMON_WORDS = "a e i o u s t r"  # eight words, each matching most meetings


def hostile_requests(data):
    """[(label, path)]: the requests to time, from `data` (ids, slugs and codes of the generated directory)."""
    types, regions, slugs, codes = data["type_ids"], data["region_ids"], data["program_slugs"], data["type_codes"]
    offset = 1_000_000  # interop.bmlt.REGION_ID_OFFSET
    ids = ",".join(str(pk) for pk in data["meeting_ids"][: CAPS["meeting_ids"]])
    formats = ",".join(str(pk) for pk in types[: CAPS["formats"]])
    excluded = ",".join(f"-{pk}" for pk in types[: CAPS["formats"]])
    # The top of the region tree first: each brings all its sub-regions with it.
    services = ",".join([str(pk) for pk in data["program_ids"]] + [str(offset + pk) for pk in regions])
    services = ",".join(services.split(",")[: CAPS["services"]])
    keys = ",".join((data["semantic_keys"] * 10)[: CAPS["data_field_key"]])
    every_day = ",".join(str(day) for day in range(1, CAPS["weekdays"] + 1))
    search_lists = "&".join(
        [f"program={slug}" for slug in (slugs * 2)[: CAPS["program"]]]
        + [f"type={code}" for code in codes[: CAPS["type"]]]
        + ["day=today"]
        + [f"day={day}" for day in range(7)]
    )
    last_page = max(1, data["meetings"] // 25 - 5)
    referral = "-".join(str(pk) for pk in data["meeting_ids"][:30])
    return [
        ("BMLT: formats, every one (AND)", f"{BMLT}GetSearchResults&formats={formats}"),
        ("BMLT: formats, every one (AND), a page", f"{BMLT}GetSearchResults&formats={formats}&page_size=10"),
        (
            "BMLT: formats, every one (OR), a page",
            f"{BMLT}GetSearchResults&formats={formats}&formats_comparison_operator=OR&page_size=10",
        ),
        ("BMLT: formats, every one excluded", f"{BMLT}GetSearchResults&formats={excluded}"),
        ("BMLT: formats, every one excluded, a page", f"{BMLT}GetSearchResults&formats={excluded}&page_size=10"),
        ("BMLT: meeting_ids at the cap", f"{BMLT}GetSearchResults&meeting_ids={ids}"),
        ("BMLT: services at the cap (whole countries)", f"{BMLT}GetSearchResults&services={services}&page_size=10"),
        ("BMLT: every weekday excluded", f"{BMLT}GetSearchResults&weekdays=-{every_day.replace(',', ',-')}"),
        ("BMLT: SearchString, eight rare words", f"{BMLT}GetSearchResults&SearchString={RARE_WORDS}"),
        (
            "BMLT: SearchString, eight common words, a page",
            f"{BMLT}GetSearchResults&SearchString={COMMON_WORDS}&page_size=10",
        ),
        (
            "BMLT: SearchString, 200 characters matching nothing",
            f"{BMLT}GetSearchResults&SearchString={'qzxv' * 50}",
        ),
        ("BMLT: deepest page", f"{BMLT}GetSearchResults&page_size=1000&page_num=1000000"),
        (
            "BMLT: widest radius, by distance, a deep page",
            f"{BMLT}GetSearchResults&lat_val=40&long_val=-90&geo_width_km=20000&sort_results_by_distance=1"
            "&page_size=1000&page_num=200",
        ),
        (
            "BMLT: the 1,000 nearest to mid-ocean",
            f"{BMLT}GetSearchResults&lat_val=0&long_val=-150&geo_width=-1000",
        ),
        ("BMLT: formats used by every meeting", f"{BMLT}GetSearchResults&get_formats_only=1"),
        ("BMLT: data_field_key at the cap, a page", f"{BMLT}GetSearchResults&data_field_key={keys}&page_size=1000"),
        (
            "BMLT: every list at its cap at once",
            f"{BMLT}GetSearchResults&meeting_ids={ids}&weekdays={every_day}&venue_types=1,2,3&formats={formats}"
            f"&services={services}&data_field_key={keys}",
        ),
        ("BMLT: GetFormats", f"{BMLT}GetFormats"),
        (
            "BMLT: GetFormats, format_ids and key_strings at the cap",
            f"{BMLT}GetFormats&format_ids={','.join(str(pk) for pk in (types * 2)[: CAPS['format_ids']])}"
            f"&key_strings={','.join((codes * 10)[: CAPS['key_strings']])}",
        ),
        ("BMLT: GetServiceBodies (every region)", f"{BMLT}GetServiceBodies"),
        ("BMLT: GetServiceBodies, services at the cap", f"{BMLT}GetServiceBodies&services={services}"),
        ("BMLT: GetServerInfo", f"{BMLT}GetServerInfo"),
        ("BMLT: GetFieldKeys", f"{BMLT}GetFieldKeys"),
        ("BMLT: GetFieldValues, every town", f"{BMLT}GetFieldValues&meeting_key=location_municipality"),
        ("BMLT: GetCoverageArea", f"{BMLT}GetCoverageArea"),
        ("BMLT: GetChanges, every change (its cap)", f"{BMLT}GetChanges"),
        (
            "BMLT: meeting_key on an unindexed field, meeting_key_value at the cap",
            f"{BMLT}GetSearchResults&meeting_key=location_municipality"
            + "".join(f"&meeting_key_value[]=Town+{n}" for n in range(CAPS["meeting_key_value"])),
        ),
        (
            "BMLT: sort_keys at the cap, a deep page",
            f"{BMLT}GetSearchResults&sort_keys={','.join((SORTABLE * 5)[: CAPS['sort_keys']])}"
            "&page_size=1000&page_num=20",
        ),
        ("BMLT: sort_key=town, a page", f"{BMLT}GetSearchResults&sort_key=town&page_size=10"),
        ("BMLT: durations, a page", f"{BMLT}GetSearchResults&MinDurationH=1&MaxDurationH=2&page_size=10"),
        (
            "BMLT: SearchString as an address, the nearest",
            f"{BMLT}GetSearchResults&SearchString=Chicago&StringSearchIsAnAddress=1",
        ),
        ("BMLT: jsonp, a page", "/client_interface/jsonp/?switcher=GetSearchResults&page_size=10&callback=cb"),
        ("search: eight rare words", f"/meetings/?q={RARE_WORDS.replace(' ', '+')}"),
        ("search: eight common words", f"/meetings/?q={COMMON_WORDS.replace(' ', '+')}"),
        ("search: every repeated parameter at its cap", f"/meetings/?{search_lists}"),
        ("search API: every repeated parameter at its cap", f"/api/meetings?{search_lists}"),
        (
            "search: widest radius, by distance, the last page",
            f"/meetings/?near=Chicago&radius=500&sort=distance&page={data['near_pages']}",
        ),
        ("search: the last pages", f"/meetings/?page={last_page}"),
        ("search: the last pages, by day", f"/meetings/?sort=day&page={last_page}"),
        ("referral list: 30 meetings", f"/list/{referral}/"),
        (
            "program finder: every answer",
            "/programs/finder/?who=self&substances=either&basis=any&medication=yes&gender=women&attendance=either",
        ),
        ("compare programs", "/programs/compare/"),
    ]


# Fields sort_keys can order by (interop.bmlt.FIELD_COLUMNS).
SORTABLE = ["location_municipality", "meeting_name", "location_province", "start_time", "duration_time"]

WHOLE_DIRECTORY = [
    ("the whole directory as a feed", "/meetings.json"),
    ("the whole directory as BMLT results", f"{BMLT}GetSearchResults"),
    (
        "the whole directory as crouton asks (JSONP, formats)",
        "/client_interface/jsonp/?switcher=GetSearchResults&get_used_formats&callback=cb",
    ),
    ("the whole directory by the widest radius", f"{BMLT}GetSearchResults&lat_val=40&long_val=-90&geo_width=20000"),
]


# --- The timing phase: runs in the code tree being measured ------------------------------------------------


def directory_data():
    """What the hostile lists are made of, read from the generated directory."""
    from django.test import Client

    from groups.models import Program
    from interop.bmlt import SEMANTIC_KEYS
    from meetings.models import Meeting, MeetingType, Region

    regions = sorted(Region.objects.values_list("pk", "parent_id", "kind"), key=lambda r: (r[1] is not None, r[0]))
    return {
        "meetings": Meeting.objects.listed().count(),
        "meeting_ids": list(Meeting.objects.listed().order_by("pk").values_list("pk", flat=True)[:1000]),
        "type_ids": list(MeetingType.objects.order_by("pk").values_list("pk", flat=True)),
        "type_codes": list(
            MeetingType.objects.exclude(category="language").order_by("pk").values_list("code", flat=True)
        ),
        "region_ids": [pk for pk, _parent, _kind in regions],
        "program_ids": list(Program.objects.order_by("pk").values_list("pk", flat=True)),
        "program_slugs": list(Program.objects.order_by("pk").values_list("slug", flat=True)),
        "semantic_keys": list(SEMANTIC_KEYS),
        "near_pages": Client().get("/api/meetings?near=Chicago&radius=500").json().get("num_pages", 1),
    }


def measure(requests, runs, ceiling_seconds):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(raise_request_exception=False)

    def fetch(path):
        response = client.get(path)
        size = len(b"".join(response.streaming_content) if response.streaming else response.content)
        return response.status_code, size

    rows = []
    for label, path in requests:
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as captured:
            status, size = fetch(path)
        samples = [(time.perf_counter() - started) * 1000]
        # Read now: the next request empties the connection's log of queries.
        statements = [query["sql"] for query in captured.captured_queries]
        if runs and samples[0] < SLOW_SECONDS * 1000:
            samples = []
            for _ in range(runs):
                started = time.perf_counter()
                status, size = fetch(path)
                samples.append((time.perf_counter() - started) * 1000)
        row = {
            "request": label,
            "path": path if len(path) < 160 else path[:150] + f"... ({len(path)} characters)",
            "status": status,
            "bytes": size,
            "median_ms": round(statistics.median(samples), 1),
            "max_ms": round(max(samples), 1),
            "timed": len(samples),
            "queries": len(statements),
            "max_joins": max((sql.upper().count(" JOIN ") for sql in statements), default=0),
            "cut": max(samples) >= ceiling_seconds * 1000,
        }
        rows.append(row)
        print(
            f"    {label[:58]:58} {row['median_ms']:9.1f} ms  HTTP {status}  {row['queries']:3} queries  "
            f"{row['max_joins']:3} joins  {size:>11,} bytes" + ("  CUT at the ceiling" if row["cut"] else ""),
            flush=True,
        )
    return rows


def run_phase(args):
    """Time every request with the code at args.code against the database DATABASE_URL names."""
    code = Path(args.code).resolve()
    os.environ.update(BENCH_ENV)
    os.environ["PAGE_CACHE_SECONDS"] = "0"  # every timed request does its work
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "directory.settings")
    os.chdir(code)
    sys.path.insert(0, str(code))
    import django

    django.setup()
    import logging

    # 400s and 503s are expected here: Django's warnings would only bury the figures.
    logging.getLogger("django.request").setLevel(logging.CRITICAL)
    from django.conf import settings
    from django.db import connection

    # The connection's own default (the public statement timeout, where the code has one, is set over it and
    # reset to this).
    options = connection.settings_dict.setdefault("OPTIONS", {})
    options["options"] = f"-c statement_timeout={int(args.ceiling_seconds * 1000)}"
    data = directory_data()
    requests = hostile_requests(data)
    print(f"  hostile requests ({code}):", flush=True)
    hostile = measure(requests, args.runs, args.ceiling_seconds)
    print(f"  whole-directory answers ({code}), timed once:", flush=True)
    whole = measure(WHOLE_DIRECTORY, 0, args.ceiling_seconds)
    timeout = getattr(settings, "PUBLIC_STATEMENT_TIMEOUT_MS", None)
    with open(args.out, "w") as out:
        json.dump({"code": str(code), "statement_timeout_ms": timeout, "hostile": hostile, "whole": whole}, out)


# --- The whole run ------------------------------------------------------------------------------------------


def slowest(rows):
    return max(rows, key=lambda row: row["median_ms"])


def cell(row):
    """A request's time and status for the tables; one cut off by the ceiling shows as at least that."""
    if row.get("cut"):
        return f"≥ {row['median_ms']:,.0f} ({row['status']}, cut)"
    return f"{row['median_ms']:,.1f} ({row['status']})"


def report(args, info, size, phases):
    ours, before = phases["this code"], phases.get("baseline")
    worst = slowest(ours["hostile"])
    figure = f"slowest hostile anonymous request: {worst['median_ms']:,.0f} ms"
    if before:
        was = slowest(before["hostile"])
        figure += f" (was {'at least ' if was.get('cut') else ''}{was['median_ms']:,.0f} ms on main)"
    command = f".venv/bin/python bench/hostile_bench.py --size {size}" + (
        f" --baseline-code {args.baseline_code}" if args.baseline_code else ""
    )
    lines = [
        f"**{figure}**: {worst['request']} (HTTP {worst['status']})"
        + (f"; on main: {was['request']} (HTTP {was['status']})." if before else "."),
        "",
        *machine_lines(info, command),
        f"- Data: `generate_meetings {size}` (seed 1000) in a throwaway PostgreSQL with `{PG_SERVER_OPTIONS}`; "
        "requests through Django's test Client as an anonymous visitor, DEBUG off, page cache off, "
        f"CONN_MAX_AGE=60; public statement timeout {ours['statement_timeout_ms']} ms (this code's default"
        + (", none on main)." if before else ")."),
        f"- Each request: one warm-up (its statements and joins counted then), then {args.runs} timed (once if "
        "slower than 3 s); the figure is the median"
        + (
            f". Main's code (`git archive main | tar -x -C {args.baseline_code}`) was timed with the same requests "
            "on the same data just before; its column of queries is not shown."
            if before
            else "."
        ),
        "",
        "| request | " + ("main: ms (HTTP) | " if before else "") + "ms (HTTP) | queries | most joins |",
        "|---|" + ("---:|" if before else "") + "---:|---:|---:|",
    ]
    rows_before = {row["request"]: row for row in before["hostile"] + before["whole"]} if before else {}
    for row in sorted(ours["hostile"], key=lambda row: -row["median_ms"]):
        old = rows_before.get(row["request"])
        lines.append(
            f"| {row['request']} | "
            + (f"{cell(old)} | " if old else ("| " if before else ""))
            + f"{cell(row)} | {row['queries']} | {row['max_joins']} |"
        )
    lines += [
        "",
        "The whole directory in one answer (legitimate: BMLT clients and Meeting Guide apps read every meeting; "
        "streamed, so memory stays flat). Its time is Python writing the JSON, statement by statement within the "
        "limit; it is bounded by the size of the directory, not by the request:",
        "",
        "| answer | " + ("main: ms (HTTP) | " if before else "") + "ms (HTTP) | bytes |",
        "|---|" + ("---:|" if before else "") + "---:|---:|",
    ]
    for row in ours["whole"]:
        old = rows_before.get(row["request"])
        lines.append(
            f"| {row['request']} | "
            + (f"{cell(old)} | " if old else ("| " if before else ""))
            + f"{cell(row)} | {row['bytes']:,} |"
        )
    lines += [
        "",
        "Load average at the end: "
        + " ".join(f"{load:.2f}" for load in os.getloadavg())
        + f" on {os.cpu_count()} cores; other work on the machine inflates the figures.",
    ]
    return figure, lines


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=250_000, help="how many meetings to generate")
    parser.add_argument("--runs", type=int, default=3, help="timed requests each, after the warm-up")
    parser.add_argument("--baseline-code", help="a checkout of other code (main) to time first, on the same data")
    parser.add_argument("--ceiling-seconds", type=float, default=120, help="the longest one statement may run")
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/performance.md alone")
    parser.add_argument("--phase", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--code", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        return run_phase(args)
    if not on_postgres():
        # Everything below runs again inside a throwaway PostgreSQL cluster in the production shape.
        command = [str(ROOT / "scripts" / "with-postgres"), PYTHON, *sys.argv]
        env = os.environ | {"PG_SERVER_OPTIONS": PG_SERVER_OPTIONS}
        sys.exit(subprocess.run(command, cwd=ROOT, env=env).returncode)

    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    info = machine()
    print(f"hostile_bench: {info['uname']}; nproc {info['nproc']}; {info['memory']}", flush=True)
    manage("migrate", "--noinput")
    manage("loaddata", "fixtures/programs.json", "fixtures/meeting_types.json")
    started = time.monotonic()
    manage("generate_meetings", str(args.size), "--seed", "1000")
    print(f"  {args.size:,} meetings generated in {time.monotonic() - started:.0f} s", flush=True)
    phases = {}
    trees = [("baseline", args.baseline_code)] if args.baseline_code else []
    for name, code in [*trees, ("this code", str(ROOT))]:
        out = RESULTS_DIR / f"hostile_{name.replace(' ', '_')}.json"
        command = [PYTHON, str(Path(__file__).resolve()), "--phase", "--code", code, "--out", str(out)]
        command += ["--runs", str(args.runs), "--ceiling-seconds", str(args.ceiling_seconds)]
        subprocess.run(command, cwd=code, check=True)
        phases[name] = json.loads(out.read_text())
    figure, lines = report(args, info, args.size, phases)
    print(figure, flush=True)
    save_results("hostile_bench", {"machine": info, "size": args.size, "phases": phases})
    if not args.no_write:
        write_section("hostile_bench", "What one anonymous request may cost (bench/hostile_bench.py)", lines)
        print("Wrote the hostile_bench section of docs/performance.md.")


if __name__ == "__main__":
    main()
