"""Syncing many sources: 500 feeds on a local HTTP server, 250,000 meetings, on PostgreSQL. A benchmark, not a test.

    scripts/with-postgres .venv/bin/python bench/sync_bench.py                       # 500 sources x 500 meetings
    scripts/with-postgres .venv/bin/python bench/sync_bench.py --sources 20 --per-source 200 --no-write  # a try

Writes one Meeting Guide feed per source (bench/interop_bench.py's generator; 2% of each feed repeats meetings of
the previous source at the same place and time, so de-duplication has work to do), serves them from a separate
process (bench/feed_server.py: ETag and If-None-Match, like a real web server), and times `manage.py
sync_sources` as a child process (wall time, CPU time and peak RSS from wait4):
1. the first full sync into an empty directory;
2. a re-sync with every feed unchanged (304 Not Modified);
3. a re-sync with 1% of the meetings changed, spread over every feed (so every feed is read and compared again);
4. `manage.py mark_duplicates` over the whole directory.
Peak memory is also taken for a first sync of a tenth of the sources, to show whether it grows with their number.
"""

import argparse
import datetime as dt
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate_bench import timed_child, write_section  # noqa: E402
from interop_bench import generate_feed  # noqa: E402

TARGETS = {"first": 15 * 60, "unchanged": 60, "changed": 120, "duplicates": 120}


def write_feeds(folder, sources, per_source, *, seed, changed_share=0.0):
    """One feed file per source; returns how many meetings changed."""
    rng = random.Random(seed + 1)
    changed = 0
    previous = None
    for n in range(sources):
        feed = generate_feed(per_source, seed=seed + n)
        for item in feed:
            item["slug"] = f"s{n}-{item['slug']}"
            item["name"] = f"{item['name']} of source {n}"
            item["group"] = f"{item['group']} of source {n}"
        if previous:
            # The same meetings as the previous source lists (another intergroup's copy): same place, time, name.
            for k, twin in enumerate(previous[: max(1, per_source // 50)]):
                feed[k] = dict(twin, slug=f"s{n}-copy-{k}", group="")
        if changed_share:
            for item in rng.sample(feed, max(1, int(per_source * changed_share))):
                item["notes"] = f"Changed at {time.time()}"
                changed += 1
        (folder / f"source-{n}.json").write_text(json.dumps(feed))
        previous = feed
    return changed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=int, default=500)
    parser.add_argument("--per-source", type=int, default=500)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Run it under scripts/with-postgres (DATABASE_URL must point at PostgreSQL).")
    folder = Path(tempfile.mkdtemp(prefix="sync-bench-"))
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "sync-benchmark-only-not-a-secret-0123456789",
        "ALLOWED_HOSTS": "localhost",
        "STATIC_MANIFEST": "false",
        "LOG_LEVEL": "ERROR",
        "FEED_PRIVATE_HOSTS": "127.0.0.1",
        "IMPORT_MAX_RECORDS": str(max(10_000, args.per_source * 2)),
        "PLACES_DB": os.environ.get("PLACES_DB", str(ROOT / "var" / "places.sqlite3")),
    }
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--skip-checks", "-v0"], cwd=ROOT, env=env, check=True)
    for fixture in ("programs.json", "meeting_types.json"):
        subprocess.run([*manage, "loaddata", f"fixtures/{fixture}", "-v0"], cwd=ROOT, env=env, check=True)
    write_feeds(folder, args.sources, args.per_source, seed=7)
    server = subprocess.Popen(
        [sys.executable, str(ROOT / "bench" / "feed_server.py"), str(folder)], stdout=subprocess.PIPE, text=True
    )
    port = int(server.stdout.readline())
    loads = [os.getloadavg()[0]]
    results = {}
    try:
        small = max(1, args.sources // 10)
        create_sources(manage, env, port, args.sources)

        def run(label, *extra):
            seconds, rss, cpu, output = timed_child([*manage, "sync_sources", "--skip-checks", *extra], env)
            loads.append(os.getloadavg()[0])
            results[label] = (seconds, rss, cpu)
            tail = [line for line in output.splitlines() if line.startswith("Duplicates:")]
            print(
                f"{label}: {seconds:.1f} s wall, {cpu:.1f} s CPU, peak RSS {rss:.0f} MB. {' '.join(tail)}", flush=True
            )
            return output

        run("first-tenth", *[f"source-{n}" for n in range(small)])
        run("first")
        run("unchanged")
        changed = write_feeds(folder, args.sources, args.per_source, seed=7, changed_share=0.01)
        run("changed")
        seconds, rss, cpu, output = timed_child([*manage, "mark_duplicates", "--skip-checks"], env)
        results["duplicates"] = (seconds, rss, cpu)
        print(f"duplicates: {seconds:.1f} s wall, peak RSS {rss:.0f} MB. {output.strip()}", flush=True)
        loads.append(os.getloadavg()[0])
        counts = subprocess.run(
            [
                *manage,
                "shell",
                "-c",
                "from meetings.models import Meeting as M; print(M.objects.count(), M.objects.listed().count())",
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()[-2:]  # after the shell's own line about automatic imports
    finally:
        server.terminate()
    report(args, results, loads, changed, counts)


def create_sources(manage, env, port, count):
    code = (
        "from groups.models import Program; from interop.models import DataSource; "
        "p = Program.objects.get(slug='aa'); "
        "DataSource.objects.bulk_create([DataSource(name=f'Source {n}', slug=f'source-{n}', program=p, "
        f"priority=n % 7, url=f'http://127.0.0.1:{port}/source-{{n}}.json') for n in range({count})])"
    )
    subprocess.run([*manage, "shell", "-c", code], cwd=ROOT, env=env, check=True)


def report(args, results, loads, changed, counts):
    uname = subprocess.run(["uname", "-a"], capture_output=True, text=True).stdout.strip()
    total = args.sources * args.per_source
    rows = [
        ("first full sync into an empty directory", "first", "< 15 min"),
        ("re-sync, every feed unchanged (304)", "unchanged", "< 60 s"),
        (f"re-sync, {changed:,} meetings (1%) changed in every feed", "changed", "< 2 min"),
        ("de-duplication over the whole directory", "duplicates", "< 2 min"),
    ]
    title = f"Syncing many sources (bench/sync_bench.py), {args.sources} sources, {total:,} meetings on PostgreSQL"
    lines = [
        f"- Date: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
        f"- Machine: `{uname}`, {os.cpu_count()} CPUs (nproc), Python {platform.python_version()}",
        f"- Command: `scripts/with-postgres .venv/bin/python bench/sync_bench.py --sources {args.sources} "
        f"--per-source {args.per_source}`",
        f"- Load average (1 min) during the run: {min(loads):.1f} to {max(loads):.1f} on {os.cpu_count()} CPUs (other "
        "work shared the machine: wall times include waiting for a CPU).",
        f"- Meetings after the runs: {counts[0]} stored, {counts[1]} listed (the others are hidden as copies).",
        "",
        "| run | wall time | CPU time (sync process) | target | peak RSS of the sync process |",
        "|---|---|---|---|---|",
    ]
    for label, key, target in rows:
        seconds, rss, cpu = results[key]
        met = "met" if seconds < TARGETS[key] else "not met"
        lines.append(f"| {label} | {seconds:.1f} s | {cpu:.1f} s | {target}: {met} | {rss:.0f} MB |")
    tenth = results["first-tenth"]
    lines += [
        "",
        f"Peak RSS of a first sync of {args.sources // 10 or 1} sources: {tenth[1]:.0f} MB; of all {args.sources}: "
        f"{results['first'][1]:.0f} MB (target < 300 MB, not growing with the number of sources).",
        "",
    ]
    print(f"## {title}\n\n" + "\n".join(lines))
    if not args.no_write:
        write_section("sync_bench", title, lines)


if __name__ == "__main__":
    main()
