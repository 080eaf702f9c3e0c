"""What a fresh server process would otherwise do in its first request, done once before it serves.

Django imports the views (through the URLconf), reads the translation catalogs and compiles the templates
lazily, on the first request that needs them: about 0.9 s of a fresh worker's first search, which is what a
visitor's first visit after a deploy or a worker restart waited for (Lighthouse measured it as the place
search's server response time, docs/performance.md). gunicorn imports the application in its master
(`preload_app`), so the work done here is inherited by every worker it forks. Nothing here opens a database
connection or a file that a fork would share.
"""

from pathlib import Path

from django.conf import settings
from django.template import TemplateDoesNotExist, engines
from django.template.autoreload import get_template_directories
from django.urls import get_resolver, reverse
from django.utils import translation


def warm_up():
    """Import the views, load every language's catalog and URL names, compile the project's own templates."""
    get_resolver().resolve("/")  # imports the URLconf and every view it names
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("Find a recovery meeting")
            reverse("search:page")  # the resolver's table of names, kept per language
    for engine in engines.all():
        for name in project_templates(engine):
            try:
                engine.get_template(name)
            except TemplateDoesNotExist:
                continue


def project_templates(engine):
    """The names of the templates in the project's own folders of this engine (not Django's admin's)."""
    base = Path(settings.BASE_DIR).resolve()
    folders = [
        folder
        for folder in _folders(engine)
        if base in folder.resolve().parents and "site-packages" not in folder.parts  # a virtualenv in the project
    ]
    return sorted({str(path.relative_to(folder)) for folder in folders for path in folder.rglob("*.html")})


def _folders(engine):
    if hasattr(engine, "env"):  # Jinja2: its loader's search path
        return [Path(folder) for folder in engine.env.loader.searchpath]
    return [Path(folder) for folder in get_template_directories()]
