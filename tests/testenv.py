"""Loaded as a pytest plugin (-p) so it runs before pytest-django reads the settings."""

import os

# Tests run with DEBUG off (as in production) but need a key; set before Django's settings load.
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production-use-0123456789")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
os.environ.setdefault("STATIC_MANIFEST", "false")
# The test client speaks plain HTTP; production redirects to HTTPS (tests/directory/test_security.py checks it).
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
# Tests change meetings and search again at once; the page cache is tested on its own (test_page_cache.py).
os.environ.setdefault("PAGE_CACHE_SECONDS", "0")
# A cache per process, as the tests ran before the shared default: many tests pin their number of queries, which
# the database cache would change. The shared caches are tested on their own (tests/directory/test_shared_cache.py).
os.environ.setdefault("CACHE_URL", "locmem://")
