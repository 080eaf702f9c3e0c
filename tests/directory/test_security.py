"""Security settings: headers on every response, login lockout, and a clean `check --deploy`."""

import os
import re
import secrets
import string
import subprocess
import sys
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.models import User
from django.urls import reverse

from tests.factories import make_meeting

BASE_DIR = Path(__file__).resolve().parents[2]
STRICT_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)


def production_env(**overrides):
    """The environment of a production start: no test defaults, DEBUG off, a long random key."""
    env = {key: value for key, value in os.environ.items() if key not in ("SECURE_SSL_REDIRECT", "STATIC_MANIFEST")}
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    env.update(
        DEBUG="false",
        SECRET_KEY="".join(secrets.choice(alphabet) for _ in range(60)),
        ALLOWED_HOSTS="meetings.example.org",
    )
    env.update(overrides)
    return env


def run_python(code, **env):
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); from django.conf import settings; {code}"],
        cwd=BASE_DIR,
        env=production_env(DJANGO_SETTINGS_MODULE="directory.settings", **env),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_it_passes_check_deploy_under_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_it_redirects_to_https_in_production_unless_a_proxy_does_it():
    default = run_python(
        "print(settings.SECURE_SSL_REDIRECT, settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE)"
    )
    behind_proxy = run_python(
        "print(settings.SECURE_SSL_REDIRECT, settings.SECURE_PROXY_SSL_HEADER)",
        SECURE_SSL_REDIRECT="false",
        SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO,https",
    )

    assert default.stdout.split() == ["True", "True", "True"], default.stderr
    assert behind_proxy.stdout.strip() == "False ('HTTP_X_FORWARDED_PROTO', 'https')", behind_proxy.stderr


def test_it_refuses_a_malformed_proxy_header_setting():
    result = run_python("print(settings.SECURE_PROXY_SSL_HEADER)", SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO")

    assert result.returncode != 0
    assert "SECURE_PROXY_SSL_HEADER must be HEADER,value" in result.stderr


def test_it_sends_hsts_from_the_environment():
    result = run_python("print(settings.SECURE_HSTS_SECONDS)", SECURE_HSTS_SECONDS="600")

    assert result.stdout.strip() == "600", result.stderr


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/about/", "/privacy/", "meeting"])
def test_it_sets_security_headers_on_public_pages(client, path):
    if path == "meeting":
        path = make_meeting().get_absolute_url()

    response = client.get(path)

    assert response.status_code == 200
    assert response["Content-Security-Policy"] == STRICT_CSP
    assert response["Permissions-Policy"] == "geolocation=(self), camera=(), microphone=()"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_it_keeps_the_strict_policy_in_the_admin_which_needs_no_inline_code(admin_client):
    meeting = make_meeting()

    response = admin_client.get(reverse("admin:meetings_meeting_change", args=[meeting.pk]))

    assert response.status_code == 200
    assert response["Content-Security-Policy"] == STRICT_CSP
    html = response.content.decode()
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert scripts
    # Every script is a file ('self'); the admin's data blocks ride on those tags as data- attributes.
    assert all(" src=" in tag for tag in scripts), scripts
    assert not re.search(r"\sstyle=", html)
    assert not re.search(r"\son[a-z]+=", html)


ADMIN_LOGIN = "admin:login"


@pytest.fixture
def volunteer(db):
    return User.objects.create_user("sam", password="correct horse battery", is_staff=True)


def log_in(client, password, username="sam"):
    return client.post(
        reverse(ADMIN_LOGIN), {"username": username, "password": password, "next": "/" + settings.ADMIN_URL}
    )


def test_it_lets_a_volunteer_sign_in_to_the_admin(client, volunteer):
    response = log_in(client, "correct horse battery")

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(volunteer.pk)


def test_it_locks_out_after_repeated_failed_sign_ins(client, volunteer):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert log_in(client, "wrong").status_code == 200

    locked = log_in(client, "wrong")
    even_right = log_in(client, "correct horse battery")

    assert locked.status_code == 429
    assert even_right.status_code == 429
    assert "Sign-in paused" in even_right.content.decode()
    assert "_auth_user_id" not in client.session
    assert AccessAttempt.objects.filter(username="sam").exists()


def test_it_lets_tests_use_client_login_when_they_pass_a_request(client, volunteer):
    from django.http import HttpRequest

    # django-axes must see the request; the test client's login() passes its keyword arguments on.
    assert client.login(request=HttpRequest(), username="sam", password="correct horse battery")


@pytest.mark.django_db
def test_it_redirects_to_https_except_the_health_check(client, settings):
    settings.SECURE_SSL_REDIRECT = True  # Before the client's first request builds the middleware.

    about = client.get("/about/")
    health = client.get("/healthz")

    assert about.status_code == 301
    assert about["Location"] == "https://testserver/about/"
    assert health.status_code == 200
