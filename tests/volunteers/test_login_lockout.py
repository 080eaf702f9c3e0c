"""Sign-in lockout: a user name from one address after a few failures; a whole address only after many."""

import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"
GUESSER, HOME, OFFICE = "203.0.113.66", "198.51.100.7", "192.0.2.20"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Every refused sign-in hashes a password, and the default hasher is slow on purpose: 50 would take a while.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def sam(db):
    return User.objects.create_user("sam", password=PASSWORD, is_staff=True, is_superuser=True)


@pytest.fixture
def kim(db):
    return User.objects.create_user("kim", password=PASSWORD, is_staff=True)


def sign_in(username, password, address):
    """A real POST to the admin's login form from `address`, by a browser of its own."""
    client = Client()
    response = client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": "/" + settings.ADMIN_URL},
        REMOTE_ADDR=address,
    )
    response.signed_in = "_auth_user_id" in client.session
    return response


def fail(times, address, username="sam"):
    """`times` wrong passwords for `username` from `address`; the status of each answer."""
    return [sign_in(username, "wrong", address).status_code for _ in range(times)]


def test_it_locks_a_user_name_at_an_address_after_five_failures(sam):
    statuses = fail(settings.AXES_FAILURE_LIMIT, GUESSER)

    even_right = sign_in("sam", PASSWORD, GUESSER)

    assert settings.AXES_FAILURE_LIMIT == 5
    assert statuses == [200, 200, 200, 200, 429]
    assert even_right.status_code == 429 and not even_right.signed_in
    assert "Sign-in paused" in even_right.content.decode()


def test_the_user_still_signs_in_from_another_address_while_a_guesser_is_locked_out(sam):
    assert fail(settings.AXES_FAILURE_LIMIT, GUESSER)[-1] == 429

    from_home = sign_in("sam", PASSWORD, HOME)

    assert sign_in("sam", PASSWORD, GUESSER).status_code == 429
    assert from_home.status_code == 302 and from_home.signed_in


def test_others_behind_the_guessers_address_still_sign_in(sam, kim):
    assert fail(settings.AXES_FAILURE_LIMIT, OFFICE)[-1] == 429

    colleague = sign_in("kim", PASSWORD, OFFICE)

    assert colleague.status_code == 302 and colleague.signed_in


def test_it_locks_an_address_guessing_many_user_names_only_after_fifty_failures(kim):
    for n in range(settings.AXES_ADDRESS_FAILURE_LIMIT - 1):
        assert sign_in(f"guess{n}", "wrong", GUESSER).status_code == 200
    just_below = sign_in("kim", PASSWORD, GUESSER)

    assert sign_in("one-more-guess", "wrong", GUESSER).status_code == 429
    at_the_limit = sign_in("kim", PASSWORD, GUESSER)
    elsewhere = sign_in("kim", PASSWORD, HOME)

    assert settings.AXES_ADDRESS_FAILURE_LIMIT == 50
    assert just_below.status_code == 302 and just_below.signed_in
    assert at_the_limit.status_code == 429 and not at_the_limit.signed_in
    assert elsewhere.status_code == 302 and elsewhere.signed_in


@pytest.mark.parametrize(
    "env", [{"AXES_FAILURE_LIMIT": "0"}, {"AXES_FAILURE_LIMIT": "5", "AXES_ADDRESS_FAILURE_LIMIT": "4"}]
)
def test_it_refuses_an_address_limit_below_the_user_name_limit(env):
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=Path(__file__).resolve().parents[2],
        env={"DJANGO_SETTINGS_MODULE": "directory.settings", "DEBUG": "true", "PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode != 0
    assert "AXES_ADDRESS_FAILURE_LIMIT" in result.stderr
