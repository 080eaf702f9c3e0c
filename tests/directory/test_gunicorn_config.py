"""gunicorn.conf.py: plain sync workers by default, threads only when asked, a bad value refused by name."""

from pathlib import Path

import pytest

CONFIG = Path(__file__).resolve().parents[2] / "gunicorn.conf.py"


def load(monkeypatch, **env):
    for name in ("WEB_CONCURRENCY", "GUNICORN_THREADS", "PORT"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    settings = {"__file__": str(CONFIG)}
    exec(compile(CONFIG.read_text(), str(CONFIG), "exec"), settings)  # noqa: S102 -- the project's own config
    return settings


def test_default_is_one_sync_worker_thread_and_two_workers_per_cpu(monkeypatch):
    settings = load(monkeypatch)
    assert settings["threads"] == 1
    assert settings["worker_class"] == "sync"
    assert settings["workers"] >= 2


def test_threads_from_the_environment_use_threaded_workers(monkeypatch):
    settings = load(monkeypatch, GUNICORN_THREADS="4", WEB_CONCURRENCY="3", PORT="9000")
    assert (settings["threads"], settings["worker_class"], settings["workers"]) == (4, "gthread", 3)
    assert settings["bind"] == ["0.0.0.0:9000"]


@pytest.mark.parametrize("value", ["four", "0", "-2"])
def test_a_bad_thread_count_stops_with_the_variables_name(monkeypatch, value):
    with pytest.raises(SystemExit, match="GUNICORN_THREADS"):
        load(monkeypatch, GUNICORN_THREADS=value)


def test_the_gunicorn_command_reads_the_config_from_any_directory(tmp_path):
    # The `gunicorn` script (unlike `python -m gunicorn`) reads the config before its working directory is on
    # the path: the config's own import of directory.logging must still work, as it does on a server.
    import os
    import subprocess
    import sys

    gunicorn = Path(sys.executable).with_name("gunicorn")
    env = {
        "PATH": os.environ["PATH"],
        "SECRET_KEY": "check-only-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFGHIJ",
        "ALLOWED_HOSTS": "localhost",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    result = subprocess.run(
        [str(gunicorn), "-c", str(CONFIG), "--chdir", str(CONFIG.parent), "--check-config"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr[-2000:]
