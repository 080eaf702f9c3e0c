"""Lighthouse (mobile) on the first screens a visitor meets: /, a place search and a meeting's page.

    npm ci --prefix bench/lighthouse                 # once: the pinned lighthouse package (not in CI)
    .venv/bin/python bench/lighthouse_bench.py       # about two minutes; --no-write to leave docs alone

Seeds the demo directory (2,000 meetings) into a throwaway SQLite database, collects the static files as
production does (whitenoise's compressed manifest), serves the site with gunicorn (gunicorn.conf.py) on
loopback, and runs Lighthouse's mobile preset (a throttled mid-range phone) three times per page with Debian's
Chromium, keeping each category's median. Targets: performance >= 95, accessibility 100, best practices >= 95.
Replaces its own section of docs/performance.md. A benchmark, not a test.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate_bench import ROOT, bench_env, machine, machine_lines, manage, write_section  # noqa: E402
from search_bench import free_port, start_gunicorn, stop_gunicorn  # noqa: E402

LIGHTHOUSE = ROOT / "bench" / "lighthouse" / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CATEGORIES = ("performance", "accessibility", "best-practices")
TARGETS = {"performance": 95, "accessibility": 100, "best-practices": 95}
PAGES = [("/ (the first screen)", "/"), ("a place search", "/?near=19104"), ("a meeting's page", "/meetings/{slug}/")]


def lighthouse(url, out):
    command = [
        str(LIGHTHOUSE),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={out}",
        f"--only-categories={','.join(CATEGORIES)}",
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu --no-first-run --disable-background-networking",
    ]
    for attempt in range(2):
        # Chromium now and then fails to start on a loaded machine: one more try, then its error.
        done = subprocess.run(command, env=os.environ | {"CHROME_PATH": CHROMIUM}, capture_output=True, text=True)
        if done.returncode == 0:
            break
        if attempt:
            raise SystemExit(f"lighthouse failed on {url}:\n{done.stderr[-2000:]}")
    report = json.loads(Path(out).read_text())
    scores = {name: round(report["categories"][name]["score"] * 100) for name in CATEGORIES}
    audits = report["audits"]
    scores["lcp_ms"] = round(audits["largest-contentful-paint"]["numericValue"])
    scores["transfer_kb"] = round(audits["total-byte-weight"]["numericValue"] / 1024, 1)
    scores["requests"] = len(audits["network-requests"]["details"]["items"])
    return scores


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    if not LIGHTHOUSE.exists():
        raise SystemExit("Lighthouse is not installed: npm ci --prefix bench/lighthouse")
    info = machine()
    with tempfile.TemporaryDirectory() as folder:
        env = bench_env(DATABASE_URL=f"sqlite:///{folder}/lighthouse.sqlite3", STATIC_MANIFEST="true")
        os.environ.update({"DATABASE_URL": env["DATABASE_URL"], "STATIC_MANIFEST": "true"})
        manage("migrate", "--noinput", env=env)
        manage("seed_demo", "--count", "2000", env=env)
        manage("collectstatic", "--noinput", env=env)
        slug = (
            subprocess.run(
                [sys.executable, "manage.py", "shell", "-c", _ONLINE_SLUG],
                cwd=ROOT,
                env=env,
                check=True,
                capture_output=True,
                text=True,
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        port = free_port()
        server, log = start_gunicorn(port, "60")
        rows = []
        try:
            for label, path in PAGES:
                runs = [
                    lighthouse(f"http://127.0.0.1:{port}{path.format(slug=slug)}", f"{folder}/lh.json")
                    for _ in range(args.runs)
                ]
                median = {key: statistics.median(run[key] for run in runs) for key in runs[0]}
                rows.append((label, path.format(slug=slug), median))
                print(f"{label:<24} " + ", ".join(f"{key} {value}" for key, value in median.items()), flush=True)
        finally:
            stop_gunicorn(server, log)
    lines = report_lines(rows, info, args.runs)
    print("\n".join(lines))
    if not args.no_write:
        write_section("lighthouse", "Lighthouse, mobile (bench/lighthouse_bench.py)", lines)


# An online meeting's page: the one whose Join button must be on the first screen.
_ONLINE_SLUG = (
    "from meetings.models import Meeting; "
    "print(Meeting.objects.listed().filter(attendance='online').order_by('pk').first().slug)"
)


def report_lines(rows, info, runs):
    lines = [
        *machine_lines(info, "bench/lighthouse_bench.py"),
        f"- Lighthouse 12.8.2, mobile preset, median of {runs} runs; Debian's Chromium",
        "",
    ]
    lines += [
        "| page | performance | accessibility | best practices | LCP | transferred | requests |",
        "|---|---|---|---|---|---|---|",
    ]
    for label, path, score in rows:
        lines.append(
            f"| {label} (`{path}`) | {score['performance']:.0f} | {score['accessibility']:.0f} | "
            f"{score['best-practices']:.0f} | {score['lcp_ms']:.0f} ms | {score['transfer_kb']} kB | "
            f"{score['requests']:.0f} |"
        )
    lines.append("")
    for name, target in TARGETS.items():
        worst = min(score[name] for _, _, score in rows)
        lines.append(
            f"- {name} ≥ {target} on every page: {'met' if worst >= target else 'not met'} (lowest {worst:.0f})"
        )
    return lines


if __name__ == "__main__":
    main()
