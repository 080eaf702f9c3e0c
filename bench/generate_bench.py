"""Time and peak memory of `generate_meetings` at 25,000 and 250,000 meetings on a throwaway PostgreSQL.

    .venv/bin/python bench/generate_bench.py            # starts PostgreSQL with scripts/with-postgres
    .venv/bin/python bench/generate_bench.py --sizes 2000,5000   # a quick try

Prints the figures and replaces its own section of docs/performance.md (other sections are kept).
A benchmark, not a test: nothing here runs under pytest.
"""

import argparse
import datetime
import json
import os
import platform
import re
import shlex
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv" / "bin" / "python").exists() else sys.executable
PERFORMANCE_MD = ROOT / "docs" / "performance.md"
RESULTS_DIR = ROOT / "bench" / "results"
# Production-like settings for every Django process a benchmark starts: DEBUG off (DEBUG keeps a log of
# queries), plain HTTP on loopback, persistent database connections.
BENCH_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "benchmark-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
    "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
    "SECURE_SSL_REDIRECT": "false",
    "STATIC_MANIFEST": "false",
    "CONN_MAX_AGE": "60",
    "LOG_LEVEL": "ERROR",
    # Each process's own cache, as the search has always been measured (the default before the shared database
    # cache of 2026-12); the load run "shared by the workers" points CACHE_URL at a file cache instead.
    "CACHE_URL": "locmem://",
}


# --- Shared with search_bench.py -------------------------------------------------------------------------


def bench_env(**extra):
    return os.environ | BENCH_ENV | extra


def manage(*args, env=None, check=True):
    """Run manage.py; system checks are skipped so a half-finished app elsewhere in the tree cannot stop a run."""
    command = [PYTHON, "manage.py", *args, "--skip-checks"]
    return subprocess.run(command, cwd=ROOT, env=env or bench_env(), check=check, capture_output=True, text=True)


def on_postgres():
    return os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


def rerun_under_postgres():
    """Start this script again inside scripts/with-postgres (a throwaway cluster torn down afterwards)."""
    command = [str(ROOT / "scripts" / "with-postgres"), PYTHON, *sys.argv]
    sys.exit(subprocess.run(command, cwd=ROOT).returncode)


def machine():
    memory = ""
    try:
        with open("/proc/meminfo") as meminfo:
            kib = int(re.search(r"MemTotal:\s+(\d+)", meminfo.read()).group(1))
        memory = f"{kib / 1024 / 1024:.1f} GiB"
    except (OSError, AttributeError):
        pass
    postgres = ""
    if on_postgres():
        found = subprocess.run(
            "ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1", shell=True, capture_output=True, text=True
        ).stdout.strip()
        if found:
            postgres = subprocess.run(
                [f"{found}/postgres", "--version"], capture_output=True, text=True
            ).stdout.strip()
    return {
        "uname": subprocess.run(["uname", "-a"], capture_output=True, text=True).stdout.strip(),
        "nproc": os.cpu_count(),
        "memory": memory,
        "python": platform.python_version(),
        "postgres": postgres,
        "load": " ".join(f"{load:.2f}" for load in os.getloadavg()),
    }


def machine_lines(info, command):
    lines = [
        f"- Date: {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC",
        f"- Machine: `{info['uname']}`; `nproc` = {info['nproc']}; memory {info['memory']}; "
        f"load average at start {info['load']}",
        f"- Python {info['python']}"
        + (f"; {info['postgres']} (scripts/with-postgres, fsync off)" if info["postgres"] else ""),
        f"- Command: `{command}`",
    ]
    return lines


def write_section(name, title, lines):
    """Replace this script's section of docs/performance.md, keeping every other section as it is."""
    begin, end = f"<!-- BEGIN {name} -->", f"<!-- END {name} -->"
    section = "\n".join([begin, f"## {title}", "", *lines, end])
    text = (
        PERFORMANCE_MD.read_text()
        if PERFORMANCE_MD.exists()
        else (
            "# Performance\n\nMeasured by the scripts in `bench/` (see bench/README.md); each script replaces its own "
            "section below.\n"
        )
    )
    pattern = re.compile(re.escape(begin) + r".*?" + re.escape(end), re.S)
    text = pattern.sub(lambda _: section, text) if pattern.search(text) else text.rstrip("\n") + "\n\n" + section
    PERFORMANCE_MD.write_text(text.rstrip("\n") + "\n")


def save_results(name, data):
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    (RESULTS_DIR / f"{name}.json").write_text(json.dumps(data, indent=2, default=str))


def timed_child(command, env):
    """Run a command; return (seconds, peak RSS in MiB, CPU seconds, output) of that process (from wait4)."""
    started = time.monotonic()
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.monotonic() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise SystemExit(f"{shlex.join(command)} failed ({process.returncode}):\n{output}")
    return seconds, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime, output


def reset_meetings(env):
    """Empty the meeting tables between runs, so each size is timed on an empty database."""
    script = (
        "from django.db import connection\n"
        "with connection.cursor() as c:\n"
        "    c.execute('TRUNCATE meetings_meeting_types, meetings_meeting, meetings_location, meetings_region "
        "RESTART IDENTITY CASCADE')\n"
    )
    subprocess.run([PYTHON, "manage.py", "shell", "-c", script], cwd=ROOT, env=env, check=True, capture_output=True)


# --- This benchmark --------------------------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="25000,250000", help="comma-separated meeting counts")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/performance.md alone")
    args = parser.parse_args()
    if not on_postgres():
        rerun_under_postgres()

    sizes = [int(size) for size in args.sizes.split(",")]
    env = bench_env()
    info = machine()
    print(f"generate_bench: {info['uname']}; nproc {info['nproc']}; {info['memory']}", flush=True)
    manage("migrate", "--noinput", env=env)
    manage("loaddata", "fixtures/programs.json", "fixtures/meeting_types.json", env=env)

    rows = []
    for size in sizes:
        reset_meetings(env)
        command = [PYTHON, "manage.py", "generate_meetings", str(size), "--seed", str(args.seed), "--skip-checks"]
        seconds, rss, cpu, output = timed_child(command, env)
        row = {
            "meetings": size,
            "seconds": round(seconds, 1),
            "cpu_seconds": round(cpu, 1),
            "per_second": round(size / seconds),
            "peak_rss_mib": round(rss),
        }
        # The full-directory feed, streamed in a process of its own: its peak memory must not follow N either.
        export_seconds, export_rss, _, export_output = timed_child([PYTHON, "bench/export_feed.py"], env)
        row |= {
            "export_seconds": round(export_seconds, 1),
            "export_peak_rss_mib": round(export_rss),
            "export_output": export_output.strip().splitlines()[-1] if export_output.strip() else "",
        }
        rows.append(row)
        print(
            f"  {size:>9,} meetings: {seconds:7.1f} s  ({row['per_second']:,} meetings/s)  CPU {cpu:.1f} s  "
            f"peak RSS {rss:,.0f} MiB; feed export {export_seconds:.1f} s, peak RSS {export_rss:,.0f} MiB "
            f"({row['export_output']})",
            flush=True,
        )

    command = ".venv/bin/python bench/generate_bench.py" + (
        f" --sizes {args.sizes}" if args.sizes != "25000,250000" else ""
    )
    lines = [
        *machine_lines(info, command),
        f"- Each size into an emptied database, seed {args.seed}, batches of 5,000 in one transaction each; "
        "time is wall-clock of the whole `manage.py generate_meetings` process (start-up, loading the world's "
        "cities, inserting meetings, locations, regions and type links); peak RSS is that process's maximum "
        "resident memory (`wait4`).",
        "- CPU is user + system time of the generate process alone (PostgreSQL's own work is not in it); it "
        "varies less than wall-clock time when other work shares the machine. Load average at the end: "
        + " ".join(f"{load:.2f}" for load in os.getloadavg())
        + (
            f" (more than {os.cpu_count()} cores: other work was running)."
            if os.getloadavg()[0] > os.cpu_count()
            else "."
        ),
        "",
        "- Feed export: `bench/export_feed.py` streams the whole directory's Meeting Guide feed (`/meetings.json`'s "
        "code) to nowhere in a process of its own; time and peak RSS of that process.",
        "",
        "| meetings | time | meetings/s | CPU (generator process) | peak RSS | feed export | export peak RSS |",
        "|---:|---:|---:|---:|---:|---:|---:|",
        *(
            f"| {row['meetings']:,} | {row['seconds']:.1f} s | {row['per_second']:,} | {row['cpu_seconds']:.1f} s "
            f"| {row['peak_rss_mib']:,} MiB | {row['export_seconds']:.1f} s | {row['export_peak_rss_mib']:,} MiB |"
            for row in rows
        ),
    ]
    if len(rows) > 1:
        lines += [
            "",
            f"Memory grows {rows[-1]['peak_rss_mib'] / rows[0]['peak_rss_mib']:.2f}x for "
            f"{rows[-1]['meetings'] / rows[0]['meetings']:.0f}x the meetings: generation works in chunks, so memory "
            "does not follow N.",
            f"Feed export memory grows {rows[-1]['export_peak_rss_mib'] / rows[0]['export_peak_rss_mib']:.2f}x for "
            f"the same growth: the feed is read and written in batches.",
        ]
    save_results("generate_bench", {"machine": info, "rows": rows})
    if not args.no_write:
        write_section("generate_bench", "Generating meetings (bench/generate_bench.py)", lines)
        print(f"Wrote the generate_bench section of {PERFORMANCE_MD.relative_to(ROOT)}.")


if __name__ == "__main__":
    main()
