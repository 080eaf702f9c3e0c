"""Settings for Many Paths, read from the environment (see .env.example).

The small env_* readers are kept rather than a settings package: each fails loudly, naming the variable, on a
value it cannot read (DEBUG=ture is an error, not False), in a dozen lines.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name, default=None):
    value = os.environ.get(name, default)
    if value is None:
        raise ImproperlyConfigured(f"The environment variable {name} must be set.")
    return value


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    # Fail loudly: a typo such as DEBUG=ture must not silently mean False.
    lowered = value.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off", ""):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def env_int(name, default):
    value = os.environ.get(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
# A development key is allowed only with DEBUG on, so production cannot start with it by accident.
SECRET_KEY = env_str("SECRET_KEY", "dev-insecure-key-for-local-use-only" if DEBUG else None)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_filters",
    "directory",
    # Shared helpers (time, geo, the one gazetteer); no models.
    "core",
    "groups",
    "meetings",
    # After meetings: its admin extends the meeting admin.
    "interop",
    "search",
    "referrals",
    "demo",
    # Volunteers and security: login lockout, change history, scoped roles and public change requests.
    "axes",
    "simple_history",
    "volunteers",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "directory.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # HTML and JSON compressed here (static files are served precompressed by WhiteNoise, above, and never
    # reach it). BREACH needs a secret in a compressed body beside text the attacker chooses: public pages
    # hold none (the search is a GET form without a CSRF token); where a form has one, Django masks the token
    # anew in every response and this middleware pads each response by a random length (Django 4.2+).
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # After sessions, before CommonMiddleware: /es/... is Spanish from the URL alone (no cookie).
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After authentication: it tells an anonymous visitor's request from a signed-in volunteer's.
    "directory.middleware.PublicStatementTimeoutMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a locked-out login into its lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "directory.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "directory.context_processors.site",
            ],
        },
    },
    # The search's pages (the list, the map, all filters) are Jinja2 (in each app's jinja2/ folder), and so are
    # the header and footer of every page, which Django's templates draw with {% jinja_include %}: Django's
    # engine drew a search page in about twice the time (docs/performance.md).
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "environment": "directory.jinja2.environment",
            "context_processors": ["directory.context_processors.site"],
        },
    },
]

WSGI_APPLICATION = "directory.wsgi.application"

# SQLite for a fresh checkout; PostgreSQL (DATABASE_URL=postgres://...) in CI and production.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("CONN_MAX_AGE", 0),
        conn_health_checks=True,
    )
}
# On PostgreSQL, parameters are sent apart from the SQL (psycopg's server-side binding) rather than written into
# it in Python, and psycopg prepares a statement the connection has run five times, so PostgreSQL stops planning
# the search's statements anew: 1.5-2 ms less per search (docs/performance.md). Turn it off behind PgBouncer in
# transaction pooling mode older than 1.21 (prepared statements are per connection).
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {})["server_side_binding"] = env_bool(
        "DATABASE_SERVER_SIDE_BINDING", True
    )
# On PostgreSQL, no statement of an anonymous public request may run longer than this (milliseconds); one
# that does is cancelled and the visitor gets a 503 "try again" page. So no request can hold a worker for
# long. The admin, signed-in volunteers and management commands (imports) are not limited. 0 turns it off.
# The default leaves room for the longest legitimate statement, the whole directory's feed.
PUBLIC_STATEMENT_TIMEOUT_MS = env_int("PUBLIC_STATEMENT_TIMEOUT_MS", 5000)
if PUBLIC_STATEMENT_TIMEOUT_MS < 0:
    raise ImproperlyConfigured(
        f"PUBLIC_STATEMENT_TIMEOUT_MS must be 0 (off) or more, not {PUBLIC_STATEMENT_TIMEOUT_MS}."
    )

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
# English at /, Spanish under /es/ (i18n_patterns in directory/urls.py); translations in locale/.
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("STATIC_MANIFEST", not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Links without a scheme typed into forms are taken as https (Django 6's default).
FORMS_URLFIELD_ASSUME_HTTPS = True

# The admin lives at a configurable path so it is not where scanners look first.
ADMIN_URL = env_str("ADMIN_URL", "admin/")

# Shown on every page: where to get help now. A deployment outside the US changes these.
# Labels are lazily translated, so Spanish pages (/es/) show them in Spanish. A line whose service answers texts
# too has `text_href` (an sms: link) and `text_label`: some people cannot speak where they are.
HELP_NOW = [
    {
        "label": _("988 Suicide & Crisis Lifeline (US): call 988"),
        "href": "tel:988",
        "text_label": _("text 988"),
        "text_href": "sms:988",
    },
    {"label": _("SAMHSA National Helpline (US): 1-800-662-4357"), "href": "tel:+18006624357"},
    {"label": _("Lifeline (Australia): 13 11 14"), "href": "tel:131114"},
]

SITE_NAME = env_str("SITE_NAME", "Many Paths")

# The search's map view (search/map.html): where its images come from, and whose work they are. Nothing is
# requested from there until the visitor asks for the map; a deployment may serve its own tiles.
MAP_TILE_URL = env_str("MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = env_str("MAP_TILE_ATTRIBUTION", "© OpenStreetMap contributors")
MAP_TILE_ATTRIBUTION_URL = env_str("MAP_TILE_ATTRIBUTION_URL", "https://www.openstreetmap.org/copyright")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Search terms are private: no log line keeps a query string (directory.logging.NoQueryStrings).
    "filters": {"no_query_strings": {"()": "directory.logging.NoQueryStrings"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["no_query_strings"]}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's own console handler (DEBUG only) and its e-mail to ADMINS would write records around the
        # filter; everything goes through the one console handler instead. INFO, as Django's default: DEBUG
        # would log SQL with its parameters, search terms included.
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # The development server's request lines, without their query strings. With no handler at all,
        # Python's last-resort handler printed every 4xx line whole, search terms and all.
        "django.server": {"handlers": ["console"], "propagate": False},
    },
}

# Volunteers and security ------------------------------------------------------------------------------
# Sign-in: django-axes counts failed admin logins and locks out a user name from an address for a while.
AUTHENTICATION_BACKENDS = [
    # First, so a locked-out address is refused before its password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
# One address failing this often, over any user names, is locked for all of them (volunteers/lockout.py).
AXES_ADDRESS_FAILURE_LIMIT = env_int("AXES_ADDRESS_FAILURE_LIMIT", 50)
if not 1 <= AXES_FAILURE_LIMIT <= AXES_ADDRESS_FAILURE_LIMIT:
    raise ImproperlyConfigured("AXES_FAILURE_LIMIT must be at least 1, and AXES_ADDRESS_FAILURE_LIMIT at least that.")
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 30) / 60  # hours
# The pair (user name, address) locks out: a user name alone would let anyone lock the admins out from
# anywhere, and an address alone everyone behind a guesser's address (an office, a library), at 5 failures.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "volunteers.lockout.PairThenAddressHandler"
AXES_RESET_ON_SUCCESS = True
# Behind a proxy the client is the address it appends to X-Forwarded-For (see volunteers.ratelimit).
AXES_CLIENT_IP_CALLABLE = "volunteers.ratelimit.client_ip"
AXES_LOCKOUT_TEMPLATE = "volunteers/locked_out.html"
# How many proxies in front of the site append to X-Forwarded-For; 0 trusts only REMOTE_ADDR.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

# Cookies only over HTTPS in production (public pages set none; the admin and forms do).
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
CSRF_FAILURE_VIEW = "directory.views.csrf_failure"
# The one cookie a visitor can get: csrftoken, set by a page that shows a form (the suggestion forms), and
# gone when the browser closes rather than kept for a year (Django's default), as /privacy/ promises.
CSRF_COOKIE_AGE = None
SESSION_COOKIE_HTTPONLY = True
# Off where a proxy terminates TLS and redirects by itself (SECURE_SSL_REDIRECT=false).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# A load balancer checks health over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# e.g. SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO,https when the proxy sets that header (and strips
# it from clients); unset, Django trusts no header about the scheme.
_proxy_ssl_header = env_list("SECURE_PROXY_SSL_HEADER")
if _proxy_ssl_header and len(_proxy_ssl_header) != 2:
    raise ImproperlyConfigured("SECURE_PROXY_SSL_HEADER must be HEADER,value, e.g. HTTP_X_FORWARDED_PROTO,https.")
SECURE_PROXY_SSL_HEADER = tuple(_proxy_ssl_header) or None
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
if not SECURE_HSTS_PRELOAD:
    # Asking browsers to preload is a commitment a deployment makes on purpose, not a default.
    SILENCED_SYSTEM_CHECKS = ["security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Public change requests: each client (by a hash of its address) may send this many an hour.
SUGGESTIONS_PER_HOUR = env_int("SUGGESTIONS_PER_HOUR", 10)
# Past this many suggestions waiting for review, new ones are refused (503) until volunteers catch up.
CHANGE_REQUESTS_PENDING_MAX = env_int("CHANGE_REQUESTS_PENDING_MAX", 2_000)
# A suggestion form posts a few short fields; anything bigger is refused before it is parsed.
SUGGESTION_MAX_BYTES = 20_000
# Meetings not confirmed for this long are in the admin's "not confirmed" queue and say so publicly.
STALE_AFTER_MONTHS = env_int("STALE_AFTER_MONTHS", 12)
# django-simple-history: a reverted or edited record keeps who did it; importers and generators write the
# versions of what they create in bulk themselves (see volunteers/README.md).
SIMPLE_HISTORY_REVERT_DISABLED = False

# Meeting Guide feed: the service entity responsible for the listings (the spec's entity* fields).
FEED_ENTITY = {
    "entity": env_str("FEED_ENTITY", SITE_NAME),
    "entity_url": env_str("FEED_ENTITY_URL", ""),
    "entity_email": env_str("FEED_ENTITY_EMAIL", ""),
    "entity_location": env_str("FEED_ENTITY_LOCATION", ""),
    "entity_phone": env_str("FEED_ENTITY_PHONE", ""),
    "entity_logo": env_str("FEED_ENTITY_LOGO", ""),
}
# Where a reader reports a wrong listing; may use {slug} and {url}. Empty: the feed leaves feedback_url out.
FEED_FEEDBACK_URL = env_str("FEED_FEEDBACK_URL", "")
# Imports refuse a feed larger than this (read in chunks, never whole) and give up on a silent server.
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 20 * 1024 * 1024)
# The whole fetch of a feed URL (connect, headers, body, redirects) must end within this many seconds.
IMPORT_TIMEOUT_SECONDS = env_int("IMPORT_TIMEOUT_SECONDS", 30)
# Records (one per meeting and weekday) one feed may hold; the largest real intergroup feed has about 5,000.
# A feed past it is refused as soon as the parser counts one too many, before it is expanded in memory.
IMPORT_MAX_RECORDS = env_int("IMPORT_MAX_RECORDS", 10_000)
if IMPORT_MAX_RECORDS < 1 or IMPORT_MAX_BYTES < 1 or IMPORT_TIMEOUT_SECONDS < 1:
    raise ImproperlyConfigured("IMPORT_MAX_RECORDS, IMPORT_MAX_BYTES and IMPORT_TIMEOUT_SECONDS must be at least 1.")
# Feeds are read only from public addresses; these host names or addresses (as written in the feed's URL)
# may be private, loopback or link-local, for tests and for a deployment that reads feeds on its own network.
FEED_PRIVATE_HOSTS = env_list("FEED_PRIVATE_HOSTS")
# sync_sources: feeds fetched at once, and at once from one host (polite to a server that hosts many feeds).
SYNC_WORKERS = env_int("SYNC_WORKERS", 8)
SYNC_PER_HOST = env_int("SYNC_PER_HOST", 2)
# A source failing this long is flagged to its editors (contact_email); this long, it is paused until someone
# looks, as the Meeting Guide app does (72 hours, 14 days).
SOURCE_WARN_AFTER_HOURS = env_int("SOURCE_WARN_AFTER_HOURS", 72)
SOURCE_PAUSE_AFTER_DAYS = env_int("SOURCE_PAUSE_AFTER_DAYS", 14)
if min(SYNC_WORKERS, SYNC_PER_HOST, SOURCE_WARN_AFTER_HOURS, SOURCE_PAUSE_AFTER_DAYS) < 1:
    raise ImproperlyConfigured("SYNC_* and SOURCE_* settings must be at least 1.")
# Mail (the failing-source warnings): SMTP when EMAIL_HOST is set, else written to the log (console).
EMAIL_HOST = env_str("EMAIL_HOST", "")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "webmaster@localhost")

# Production shape: shared cache, read replicas, structured logs (see docs/deploy.md) ------------------


# The embedded shared cache: a table in the app's own database, created by migrate (directory/migrations).
CACHE_TABLE = "many_paths_cache"


def cache_from_url(url):
    """CACHES["default"] from CACHE_URL: empty (the database), redis://host:6379/0, rediss://...,
    unix:///path/redis.sock?db=0, memcached://host:port, file:///folder or locmem://."""
    url = (url or "").strip()
    if not url:
        # Django's database cache: shared by every worker, and by every server on the same database, with no
        # other service to run; its add() is atomic (a primary key), which the rate limit and the page cache's
        # refresh lock rely on. A file cache would be shared by one machine's workers only, and its add() and
        # incr() read then write. Redis is faster: set CACHE_URL where there is one (docs/deploy.md).
        return {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": CACHE_TABLE,
            # Room for a minute of distinct search pages; past it the oldest third is culled.
            "OPTIONS": {"MAX_ENTRIES": 10_000},
        }
    if url == "dummy://":
        return {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    scheme = url.split("://", 1)[0] if "://" in url else ""
    if scheme not in _CACHES_BY_SCHEME:
        raise ImproperlyConfigured(
            f"CACHE_URL {url!r} is not understood; leave it empty (the database), or use redis://host:6379/0, "
            "unix:///path/redis.sock?db=0, memcached://host:11211, file:///folder or locmem://."
        )
    return _CACHES_BY_SCHEME[scheme](url)


def _redis_cache(url):
    # Django's RedisCache, with the `redis` client package (a dependency in pyproject.toml).
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.scheme == "unix":
        # Redis on a unix socket (the same machine): unix:///run/redis/redis.sock?db=0.
        if parts.netloc or not parts.path.startswith("/"):
            raise ImproperlyConfigured(
                f"CACHE_URL {url!r} needs an absolute socket path, e.g. unix:///run/redis.sock."
            )
    elif not parts.hostname:
        raise ImproperlyConfigured(f"CACHE_URL {url!r} has no host; use redis://host:6379/0.")
    try:
        parts.port  # noqa: B018 -- raises on a port that is not a number
    except ValueError:
        raise ImproperlyConfigured(f"CACHE_URL {url!r} has a port that is not a number.") from None
    return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}


def _memcached_cache(url):
    # Needs the `pymemcache` client package (not a dependency: install it where Memcached is used).
    servers = [host.strip() for host in url.split("://", 1)[1].strip("/").split(",") if host.strip()]
    if not servers:
        raise ImproperlyConfigured(f"CACHE_URL {url!r} has no server; use memcached://host:11211.")
    for server in servers:
        host, _, port = server.rpartition(":")
        if not host or not port.isdigit():
            raise ImproperlyConfigured(f"CACHE_URL server {server!r} must be host:port, e.g. cache:11211.")
    location = servers if len(servers) > 1 else servers[0]
    return {"BACKEND": "django.core.cache.backends.memcached.PyMemcacheCache", "LOCATION": location}


def _file_cache(url):
    # A folder on local disk, shared by every worker of one server (not by several servers).
    folder = url[len("file://") :]
    if not folder.startswith("/"):
        raise ImproperlyConfigured(f"CACHE_URL {url!r} needs an absolute folder, e.g. file:///var/cache/mp.")
    return {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": folder,
        "OPTIONS": {"MAX_ENTRIES": 5000},
    }


def _locmem_cache(url):
    # One cache per process: for tests (tests/testenv.py), never for a site with several workers.
    return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": url[9:] or "many-paths"}


_CACHES_BY_SCHEME = {
    "redis": _redis_cache,
    "rediss": _redis_cache,
    "unix": _redis_cache,
    "memcached": _memcached_cache,
    "pymemcache": _memcached_cache,
    "file": _file_cache,
    "locmem": _locmem_cache,
}


def replicas_from_urls(value, *, conn_max_age=0, server_side_binding=True):
    """Extra DATABASES entries ("replica1", ...) from DATABASE_REPLICA_URLS, a comma-separated list of URLs."""
    replicas = {}
    for number, url in enumerate((item.strip() for item in (value or "").split(",") if item.strip()), start=1):
        try:
            config = dj_database_url.parse(url, conn_max_age=conn_max_age, conn_health_checks=True)
        except (ValueError, dj_database_url.UnknownSchemeError) as error:
            raise ImproperlyConfigured(
                f"DATABASE_REPLICA_URLS entry {number} is not a database URL: {error}"
            ) from None
        if config["ENGINE"] != "django.db.backends.postgresql":
            raise ImproperlyConfigured(
                f"DATABASE_REPLICA_URLS entry {number} must be a postgres:// URL (replicas are PostgreSQL standbys)."
            )
        if not config.get("NAME"):
            raise ImproperlyConfigured(f"DATABASE_REPLICA_URLS entry {number} names no database.")
        # Tests use the primary for every alias instead of creating a test database per replica.
        config["TEST"] = {"MIRROR": "default"}
        config["OPTIONS"] = {"server_side_binding": server_side_binding}
        replicas[f"replica{number}"] = config
    return replicas


def log_formatter(value):
    """The console log format from LOG_FORMAT: text (the default) or json."""
    value = (value or "text").strip().lower()
    if value not in ("text", "json"):
        raise ImproperlyConfigured(f"LOG_FORMAT must be text or json, not {value!r}.")
    return value


CACHES = {"default": cache_from_url(os.environ.get("CACHE_URL", ""))}
# Public search pages and API answers are kept this long (within the same minute) for the next visitor
# asking the same thing; 0 turns that off (directory/pagecache.py).
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 60)
# The places file "near" searches read (core/places.py); empty = var/places.sqlite3 in the project.
PLACES_DB = env_str("PLACES_DB", "")
CACHES["default"]["KEY_PREFIX"] = env_str("CACHE_KEY_PREFIX", "many-paths")

_replicas = replicas_from_urls(
    os.environ.get("DATABASE_REPLICA_URLS", ""),
    conn_max_age=DATABASES["default"].get("CONN_MAX_AGE", 0),
    server_side_binding=env_bool("DATABASE_SERVER_SIDE_BINDING", True),
)
DATABASES.update(_replicas)
DATABASE_REPLICAS = list(_replicas)
if DATABASE_REPLICAS:
    DATABASE_ROUTERS = ["directory.routers.ReplicaRouter"]
    # First, so that even the session lookup of a signed-in volunteer reads from the primary.
    MIDDLEWARE.insert(0, "directory.routers.PrimaryForWritersMiddleware")

if log_formatter(os.environ.get("LOG_FORMAT")) == "json":
    LOGGING.setdefault("formatters", {})["json"] = {"()": "directory.logging.JsonFormatter"}
    LOGGING["handlers"]["console"]["formatter"] = "json"
