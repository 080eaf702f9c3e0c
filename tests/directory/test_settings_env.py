import logging

import pytest
from django.core.exceptions import ImproperlyConfigured

from directory.logging import JsonFormatter
from directory.settings import cache_from_url, log_formatter, replicas_from_urls


@pytest.mark.parametrize("url", ["", "  "])
def test_it_defaults_to_the_database_cache_that_migrate_creates(url):
    config = cache_from_url(url)
    assert config["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    assert config["LOCATION"] == "many_paths_cache"


def test_the_cache_table_is_created_by_migrate(db):
    from django.db import connection

    assert "many_paths_cache" in connection.introspection.table_names()


def test_it_keeps_a_local_memory_cache_only_when_asked():
    assert cache_from_url("locmem://")["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"


def test_it_reads_a_redis_cache_url():
    config = cache_from_url("redis://cache.internal:6379/1")
    assert config == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://cache.internal:6379/1",
    }


@pytest.mark.parametrize("url", ["rediss://cache.internal:6380/0", "unix:///run/redis/redis.sock?db=2"])
def test_it_reads_redis_over_tls_and_over_a_unix_socket(url):
    assert cache_from_url(url) == {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}


def test_it_reads_a_memcached_cache_url():
    config = cache_from_url("memcached://cache.internal:11211")
    assert config == {
        "BACKEND": "django.core.cache.backends.memcached.PyMemcacheCache",
        "LOCATION": "cache.internal:11211",
    }


def test_it_reads_a_file_cache_url_shared_by_one_servers_workers():
    config = cache_from_url("file:///var/cache/many-paths")
    assert config["BACKEND"] == "django.core.cache.backends.filebased.FileBasedCache"
    assert config["LOCATION"] == "/var/cache/many-paths"


def test_it_reads_several_memcached_servers():
    assert cache_from_url("memcached://a:11211,b:11211")["LOCATION"] == ["a:11211", "b:11211"]


@pytest.mark.parametrize(
    "url",
    [
        "redis//cache:6379",
        "mysql://cache",
        "redis://",
        "redis://cache:port/0",
        "memcached://",
        "memcached://cache",
        "file://relative/folder",
        "unix://relative/redis.sock",
    ],
)
def test_it_fails_loudly_on_a_bad_cache_url(url):
    with pytest.raises(ImproperlyConfigured, match="CACHE_URL"):
        cache_from_url(url)


def test_it_reads_replica_urls_in_order():
    replicas = replicas_from_urls("postgres://app@replica-a/mp, postgres://app@replica-b:5433/mp", conn_max_age=60)
    assert list(replicas) == ["replica1", "replica2"]
    assert replicas["replica1"]["HOST"] == "replica-a"
    assert replicas["replica2"]["PORT"] == 5433
    assert replicas["replica2"]["CONN_MAX_AGE"] == 60
    # Tests must not try to create a database per replica.
    assert replicas["replica1"]["TEST"] == {"MIRROR": "default"}


@pytest.mark.parametrize("value", ["", " , "])
def test_it_has_no_replicas_by_default(value):
    assert replicas_from_urls(value) == {}


@pytest.mark.parametrize(
    "value", ["not-a-url", "mysql://app@db/mp", "sqlite:///replica.db", "postgres://app@replica/"]
)
def test_it_fails_loudly_on_a_bad_replica_url(value):
    with pytest.raises(ImproperlyConfigured, match="DATABASE_REPLICA_URLS entry 1"):
        replicas_from_urls(value)


def test_it_names_the_bad_entry_among_several():
    with pytest.raises(ImproperlyConfigured, match="entry 2"):
        replicas_from_urls("postgres://app@a/mp,foo://b")


@pytest.mark.parametrize(("value", "expected"), [(None, "text"), ("JSON", "json"), ("text", "text")])
def test_it_reads_the_log_format(value, expected):
    assert log_formatter(value) == expected


def test_it_fails_loudly_on_an_unknown_log_format():
    with pytest.raises(ImproperlyConfigured, match="LOG_FORMAT"):
        log_formatter("xml")


def test_it_logs_json_without_the_query_string(rf):
    import json

    record = logging.makeLogRecord(
        {"name": "django.request", "levelname": "WARNING", "msg": "Bad Request: %s", "args": ("/meetings/",)}
    )
    record.request = rf.get("/meetings/", {"near": "Chicago", "type": "women"})
    record.status_code = 400
    line = JsonFormatter().format(record)
    entry = json.loads(line)
    assert entry["message"] == "Bad Request: /meetings/"
    assert entry["path"] == "/meetings/"
    assert entry["status_code"] == 400
    assert "Chicago" not in line and "women" not in line


def test_replicas_bind_parameters_on_the_server_unless_told_not_to():
    url = "postgres://app@replica-a/mp"
    assert replicas_from_urls(url)["replica1"]["OPTIONS"] == {"server_side_binding": True}
    assert replicas_from_urls(url, server_side_binding=False)["replica1"]["OPTIONS"] == {"server_side_binding": False}
