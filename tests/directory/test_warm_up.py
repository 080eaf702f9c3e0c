"""A fresh server process compiles its templates and reads its URLconf before its first request, and keeps what it
loaded from the garbage collector."""

import os
import subprocess
import sys

from django.conf import settings
from django.template import engines

from directory.warmup import project_templates, warm_up


def test_it_compiles_every_template_of_the_search_page_before_a_request():
    jinja = engines["jinja2"].env
    loader = engines["django"].engine.template_loaders[0]
    jinja.cache.clear()
    loader.reset()
    warm_up()
    compiled = {name for _, name in jinja.cache.keys()}
    assert {"search/search.html", "search/results.html", "base.html", "site/header.html"} <= compiled
    assert {"base.html", "meetings/meeting_detail.html"} <= set(loader.get_template_cache)


def test_it_leaves_the_admin_templates_of_the_virtualenv_alone():
    names = project_templates(engines["django"])
    assert "meetings/meeting_detail.html" in names
    assert not any(name.startswith("admin/change_list") for name in names)


def test_a_server_process_keeps_what_it_loaded_from_the_garbage_collector():
    # gunicorn imports directory.wsgi in its master: what the app loaded there is frozen (gc.freeze), so a full
    # collection in a worker walks only what requests make (docs/performance.md: a 50-60 ms pause, 7-10 ms).
    script = "import gc, directory.wsgi; print(gc.get_freeze_count())"
    env = os.environ | {"DJANGO_SETTINGS_MODULE": "directory.settings"}
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert int(done.stdout.split()[-1]) > 50_000  # 95,000 objects in December 2026
