"""PUBLIC_STATEMENT_TIMEOUT_MS fails loudly on a value that is not a time limit."""

import os
import subprocess
import sys

import pytest
from django.conf import settings


def test_it_limits_public_statements_to_a_few_seconds_by_default():
    assert settings.PUBLIC_STATEMENT_TIMEOUT_MS == 5000


@pytest.mark.parametrize(("value", "message"), [("-1", "must be 0 (off) or more"), ("5s", "must be a whole number")])
def test_it_refuses_to_start_with_a_bad_value(value, message):
    env = os.environ | {"PUBLIC_STATEMENT_TIMEOUT_MS": value}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], env=env, capture_output=True, text=True, timeout=120
    )

    assert result.returncode != 0
    assert message in result.stderr
