import os

from django.conf import settings


def test_it_runs_tests_with_debug_off_like_production():
    assert settings.DEBUG is False


def _manage(*args, env):
    import subprocess
    import sys

    base = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE")}
    return subprocess.run(
        [sys.executable, "manage.py", *args], env=base | env, capture_output=True, text=True, timeout=120
    )


def test_it_runs_management_commands_in_development_mode_on_an_unconfigured_checkout():
    result = _manage("shell", "-c", "from django.conf import settings; print(settings.DEBUG)", env={})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("True")


def test_it_keeps_debug_off_wherever_a_secret_key_is_configured():
    result = _manage(
        "shell", "-c", "from django.conf import settings; print(settings.DEBUG)", env={"SECRET_KEY": "x" * 50}
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("False")
