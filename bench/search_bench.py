"""Search latency (median, p95) at 25,000 and 250,000 generated meetings, and throughput under load.

    .venv/bin/python bench/search_bench.py                       # the full run (about 15 minutes)
    .venv/bin/python bench/search_bench.py --sizes 2000,5000 --wrk-seconds 5 --no-write   # a quick try

Measures, for eight representative searches of /meetings/:
- in-process through Django's test Client, on PostgreSQL (scripts/with-postgres) and on SQLite;
- over HTTP through gunicorn with gunicorn.conf.py on loopback (PostgreSQL only), one request at a time;
- throughput with wrk (32 connections, 2 threads, loopback), 10% of requests invalid, which must get 400.
SQLite at the larger size is measured in-process only. Prints the figures and replaces its own section of
docs/performance.md. A benchmark, not a test.
"""

import argparse
import http.client
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate_bench import (  # noqa: E402 -- the script's own folder is put on the path just above
    BENCH_ENV,
    PERFORMANCE_MD,
    PYTHON,
    RESULTS_DIR,
    ROOT,
    bench_env,
    machine,
    machine_lines,
    manage,
    save_results,
    write_section,
)

SEARCHES = [
    ("keyword", "q=hope"),
    ("near Chicago, 25 km", "near=Chicago&radius=25&unit=km"),
    ("now (next 2 hours)", "now=2"),
    ("today, evening, women", "day=today&time_of_day=evening&type=women"),
    ("online, medication-friendly", "attendance=online&type=medication-friendly"),
    ("secular, medication welcoming", "spiritual_basis=secular&medication=welcoming"),
    ("deep page (page 200)", "page=200"),
    ("empty search", ""),
]
INVALID = [("day=9", "day=9"), ("starts_after=25:99", "starts_after=25:99"), ("radius=-5", "radius=-5")]
SEARCH_PATH = "/meetings/"
API_PATH = "/api/meetings"
# Per search: at least MIN_RUNS timed requests, at most --runs, and no more once TIME_BUDGET seconds are spent.
MIN_RUNS = 3
TIME_BUDGET = 6.0
SLOW_SECONDS = 3.0
MIN_WRK_RESPONSES = 20


def url(query, path=SEARCH_PATH):
    return f"{path}?{query}" if query else path


def summarise(samples_ms):
    ordered = sorted(samples_ms)
    # p95 by linear interpolation between the nearest ranks (with 15 samples it sits near the slowest).
    rank = 0.95 * (len(ordered) - 1)
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    p95 = ordered[low] + (ordered[high] - ordered[low]) * (rank - low)
    return {"runs": len(ordered), "median_ms": round(statistics.median(ordered), 1), "p95_ms": round(p95, 1)}


def time_requests(fetch, runs):
    """Time fetch() repeatedly after one warm-up; returns (summary, status of the last response)."""
    started = time.perf_counter()
    status = fetch()
    # A search that takes seconds is timed once more, not MIN_RUNS times: the run has to end in minutes.
    min_runs = 1 if time.perf_counter() - started > SLOW_SECONDS else MIN_RUNS
    samples, spent = [], 0.0
    while len(samples) < runs and (len(samples) < min_runs or spent < TIME_BUDGET):
        started = time.perf_counter()
        status = fetch()
        elapsed = time.perf_counter() - started
        spent += elapsed
        samples.append(elapsed * 1000)
    return summarise(samples), status


# --- One database: runs inside the process that measures it ----------------------------------------------


def measure_in_process(runs):
    from django.test import Client

    client = Client()
    rows = []
    for label, query in SEARCHES:
        api = client.get(url(query, API_PATH))
        count = api.json().get("count") if api.status_code == 200 else None
        summary, status = time_requests(lambda q=query: client.get(url(q)).status_code, runs)
        rows.append({"search": label, "query": query, "status": status, "results": count, **summary})
        print(
            f"    {label:32} {summary['median_ms']:8.1f} ms median {summary['p95_ms']:8.1f} ms p95  "
            f"HTTP {status}  {count if count is not None else '?'} results",
            flush=True,
        )
    invalid = {label: client.get(url(query)).status_code for label, query in INVALID}
    print(f"    invalid requests: {invalid}", flush=True)
    return rows, invalid


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(port):
    command = [PYTHON, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}"]
    log = open(RESULTS_DIR / "gunicorn.log", "w")  # noqa: SIM115 -- closed with the server
    server = subprocess.Popen(command, cwd=ROOT, env=bench_env(), stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return server, log
        except OSError:
            pass
        if server.poll() is not None:
            break
        time.sleep(0.5)
    server.terminate()
    raise SystemExit(f"gunicorn did not become healthy; see {RESULTS_DIR / 'gunicorn.log'}")


def measure_http(port, runs):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def fetch(path):
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status

    rows = []
    for label, query in SEARCHES:
        summary, status = time_requests(lambda q=query: fetch(url(q)), runs)
        rows.append({"search": label, "query": query, "status": status, **summary})
        print(
            f"    {label:32} {summary['median_ms']:8.1f} ms median {summary['p95_ms']:8.1f} ms p95  HTTP {status}",
            flush=True,
        )
    return rows


WRK_SCRIPT = """
local paths = {PATHS}
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) counts = {} ; n = 0 end
function request()
  n = n + 1
  return wrk.format("GET", paths[(n % #paths) + 1])
end
function response(status, headers, body) counts[status] = (counts[status] or 0) + 1 end
function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("counts")) do total[status] = (total[status] or 0) + count end
  end
  for status, count in pairs(total) do io.write(string.format("status %d %d\\n", status, count)) end
  io.write(string.format("p50 %.2f\\np95 %.2f\\np99 %.2f\\n", latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000))
  io.write(string.format("requests %d\\nseconds %.2f\\n", summary.requests, summary.duration / 1e6))
  local e = summary.errors
  io.write(string.format("errors %d\\n", e.connect + e.read + e.write + e.timeout))
end
"""


def wrk_mix():
    """30 requests, cycled: the eight searches (the cheap ones repeated), and three invalid ones (10%)."""
    valid = [query for _, query in SEARCHES] * 3 + ["q=hope", "", "attendance=online&type=medication-friendly"]
    mix = [url(query) for query in valid[:27]] + [url(query) for _, query in INVALID]
    return mix


def measure_wrk(port, seconds):
    paths = "{" + ", ".join(json.dumps(path) for path in wrk_mix()) + "}"
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT.replace("{PATHS}", paths))
    command = [
        "wrk",
        "-t2",
        "-c32",
        f"-d{seconds}s",
        "--timeout",
        "15s",
        "-s",
        script.name,
        f"http://127.0.0.1:{port}/",
    ]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    os.unlink(script.name)
    statuses = {int(code): int(count) for code, count in re.findall(r"^status (\d+) (\d+)$", output, re.M)}
    values = dict(re.findall(r"^(p50|p95|p99|requests|seconds|errors) ([\d.]+)$", output, re.M))
    requests = int(values["requests"])
    result = {
        "requests": requests,
        "seconds": float(values["seconds"]),
        "per_second": round(requests / float(values["seconds"]), 1),
        "p50_ms": float(values["p50"]),
        "p95_ms": float(values["p95"]),
        "p99_ms": float(values["p99"]),
        "socket_errors": int(values["errors"]),
        "statuses": statuses,
        "invalid_share": round(statuses.get(400, 0) / max(1, sum(statuses.values())), 3),
    }
    print(
        f"    wrk: {result['per_second']} requests/s, p50 {result['p50_ms']} ms, p99 {result['p99_ms']} ms, "
        f"statuses {statuses}, socket errors {result['socket_errors']}",
        flush=True,
    )
    return result


def run_phase(args):
    """Measure one database (the one DATABASE_URL names) at each size; write JSON to args.out."""
    os.environ.update(BENCH_ENV)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "directory.settings")
    sys.path.insert(0, str(ROOT))
    backend = "postgresql" if os.environ["DATABASE_URL"].startswith("postgres") else "sqlite"
    manage("migrate", "--noinput")
    manage("loaddata", "fixtures/programs.json", "fixtures/meeting_types.json")
    import django

    django.setup()
    from django.urls import NoReverseMatch, reverse

    try:
        reverse("meetings:search")
    except NoReverseMatch:
        json.dump({"pending": "The search page (meetings:search) does not exist yet."}, open(args.out, "w"))
        print("    the search page is not there yet: search figures pending", flush=True)
        return
    results, have = [], 0
    for number, size in enumerate(int(size) for size in args.sizes.split(",")):
        started = time.monotonic()
        # Grow the same database: the meetings of the smaller size stay, and more are added with another seed.
        manage("generate_meetings", str(size - have), "--seed", str(1000 + number))
        have = size
        print(f"  {backend}, {size:,} meetings (generated in {time.monotonic() - started:.0f} s)", flush=True)
        print("   in-process (test Client):", flush=True)
        in_process, invalid = measure_in_process(args.runs)
        entry = {"backend": backend, "meetings": size, "in_process": in_process, "invalid": invalid}
        if backend == "postgresql":
            port = free_port()
            server, log = start_gunicorn(port)
            try:
                print("   over HTTP (gunicorn, one request at a time):", flush=True)
                entry["http"] = measure_http(port, args.runs)
                print(f"   wrk, 32 connections, {args.wrk_seconds} s:", flush=True)
                entry["wrk"] = measure_wrk(port, args.wrk_seconds)
            finally:
                server.terminate()
                server.wait(timeout=60)
                log.close()
        results.append(entry)
    with open(args.out, "w") as out:
        json.dump({"results": results}, out)


# --- The whole run ------------------------------------------------------------------------------------------


def table(title, rows_by_size, key):
    lines = [f"**{title}** (milliseconds: median / p95 (timed requests))", ""]
    sizes = list(rows_by_size)
    lines.append("| search | query | " + " | ".join(f"{size:,} meetings" for size in sizes) + " |")
    lines.append("|---|---|" + "---:|" * len(sizes))
    for index, (label, query) in enumerate(SEARCHES):
        cells = []
        for size in sizes:
            row = rows_by_size[size][index]
            cells.append(
                f"{row['median_ms']:,.1f} / {row['p95_ms']:,.1f} ({row['runs']})"
                + ("" if row["status"] == 200 else f" (HTTP {row['status']})")
            )
        lines.append(f"| {label} | `{query or '(none)'}` | " + " | ".join(cells) + " |")
    return lines + [""]


def report(args, info, phases, command):
    lines = [
        *machine_lines(info, command),
        f"- Data: `generate_meetings` (25,000 then 225,000 more into the same database, seeds 1000 and 1001), "
        f"searches of `{SEARCH_PATH}` (the HTML page) with DEBUG off, CONN_MAX_AGE=60, STATIC_MANIFEST=false. "
        f"Each search: one warm-up, then up to {args.runs} timed requests (at least {MIN_RUNS}, stopping after "
        f'{TIME_BUDGET:.0f} s). "now" and "today" depend on the time of the run.',
        f"- gunicorn: `gunicorn -c gunicorn.conf.py --bind 127.0.0.1:PORT` with the config's defaults on this "
        f"machine ({2 * (os.cpu_count() or 1)} workers x 4 threads); wrk, PostgreSQL, gunicorn and the "
        f"benchmark share the same {os.cpu_count()} cores.",
        "",
    ]
    for backend, phase in phases.items():
        if "pending" in phase:
            lines += [f"**{backend}**: pending — {phase['pending']}", ""]
            continue
        results = phase["results"]
        lines += table(
            f"{backend}, in-process (Django test Client)",
            {r["meetings"]: r["in_process"] for r in results},
            "in_process",
        )
        counts = {r["meetings"]: [row["results"] for row in r["in_process"]] for r in results}
        lines += [
            "Results per search (from `/api/meetings`): "
            + "; ".join(f"{size:,}: " + ", ".join(str(count) for count in values) for size, values in counts.items()),
            "",
        ]
        lines += [
            f"Invalid requests ({backend}): "
            + "; ".join(
                f"{r['meetings']:,}: " + ", ".join(f"`{k}` -> {v}" for k, v in r["invalid"].items()) for r in results
            ),
            "",
        ]
        http = {r["meetings"]: r["http"] for r in results if "http" in r}
        if http:
            lines += table(f"{backend}, over HTTP through gunicorn (one request at a time)", http, "http")
        loads = [(r["meetings"], r["wrk"]) for r in results if "wrk" in r]
        if loads:
            lines += [
                f"**Throughput** (wrk, 2 threads, 32 connections, {args.wrk_seconds} s, loopback; 27 of every 30 "
                "requests are the searches above, 3 are invalid and must get 400)",
                "",
                "| meetings | requests/s | p50 | p95 | p99 | statuses | 400 share | socket errors |",
                "|---:|---:|---:|---:|---:|---|---:|---:|",
            ]
            for size, w in loads:
                statuses = ", ".join(f"{code}: {count:,}" for code, count in sorted(w["statuses"].items()))
                # With a handful of answers (the rest timed out after 15 s) wrk's percentiles mean nothing.
                few = sum(w["statuses"].values()) < MIN_WRK_RESPONSES
                latency = (
                    "n/a | n/a | n/a"
                    if few
                    else f"{w['p50_ms']:,.1f} ms | {w['p95_ms']:,.1f} ms | {w['p99_ms']:,.1f} ms"
                )
                lines.append(
                    f"| {size:,} | {w['per_second']:,} | {latency} | {statuses} | {w['invalid_share']:.1%} "
                    f"| {w['socket_errors']} |"
                )
            lines += [
                "",
                "Socket errors are mostly requests that got no answer within wrk's 15 s timeout: the server was "
                "saturated. Percentiles are left out (n/a) when fewer than "
                f"{MIN_WRK_RESPONSES} requests were answered.",
                "",
            ]
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="25000,250000")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--wrk-seconds", type=int, default=30)
    parser.add_argument("--backends", default="postgresql,sqlite")
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/performance.md alone")
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        return run_phase(args)

    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    info = machine()
    info["postgres"] = ""
    print(f"search_bench: {info['uname']}; nproc {info['nproc']}; {info['memory']}", flush=True)
    if subprocess.run(["which", "wrk"], capture_output=True).returncode:
        raise SystemExit("wrk is not installed (apt-get install wrk).")
    common = [
        PYTHON,
        str(Path(__file__).resolve()),
        "--sizes",
        args.sizes,
        "--runs",
        str(args.runs),
        "--wrk-seconds",
        str(args.wrk_seconds),
        "--phase",
    ]
    phases = {}
    started = time.monotonic()
    for backend in args.backends.split(","):
        out = RESULTS_DIR / f"search_{backend}.json"
        if backend == "postgresql":
            print("PostgreSQL:", flush=True)
            command = [str(ROOT / "scripts" / "with-postgres"), *common, backend, "--out", str(out)]
            subprocess.run(command, cwd=ROOT, check=True)
        else:
            print("SQLite:", flush=True)
            with tempfile.TemporaryDirectory() as folder:
                env = os.environ | {"DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3"}
                subprocess.run([*common, backend, "--out", str(out)], cwd=ROOT, env=env, check=True)
        phases[{"postgresql": "PostgreSQL", "sqlite": "SQLite"}[backend]] = json.loads(out.read_text())
    print(f"search_bench: done in {time.monotonic() - started:.0f} s", flush=True)
    found = subprocess.run(
        "ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1", shell=True, capture_output=True, text=True
    ).stdout.strip()
    if found:
        info["postgres"] = subprocess.run(
            [f"{found}/postgres", "--version"], capture_output=True, text=True
        ).stdout.strip()
    defaults = {"sizes": "25000,250000", "runs": 15, "wrk_seconds": 30, "backends": "postgresql,sqlite"}
    flags = " ".join(
        f"--{name.replace('_', '-')} {getattr(args, name)}"
        for name, default in defaults.items()
        if getattr(args, name) != default
    )
    command = f".venv/bin/python bench/search_bench.py {flags}".strip()
    lines = report(args, info, phases, command)
    lines.append(
        f"Whole run: {time.monotonic() - started:.0f} s. Load average at the end: "
        + " ".join(f"{load:.2f}" for load in os.getloadavg())
        + f" on {os.cpu_count()} cores; with other work on the machine, latencies are inflated and vary from run "
        "to run."
    )
    save_results("search_bench", {"machine": info, "phases": phases})
    if not args.no_write:
        write_section("search_bench", "Searching meetings (bench/search_bench.py)", lines)
        print(f"Wrote the search_bench section of {PERFORMANCE_MD.relative_to(ROOT)}.")


if __name__ == "__main__":
    main()
