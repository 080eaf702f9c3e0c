"""The client behind the rate limit and the login lockout, and the counter itself."""

from django.test import RequestFactory

from volunteers.ratelimit import client_ip, client_key, ratelimit_take


def request_from(remote_addr, forwarded=None):
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote_addr, **headers)


def test_it_trusts_only_remote_addr_without_proxies(settings):
    settings.TRUSTED_PROXY_COUNT = 0

    assert client_ip(request_from("10.0.0.2", "203.0.113.9")) == "10.0.0.2"


def test_it_takes_the_address_the_trusted_proxy_saw(settings):
    settings.TRUSTED_PROXY_COUNT = 1

    # The client may put anything at the left; the proxy appends the address it really saw.
    assert client_ip(request_from("10.0.0.2", "1.2.3.4, 203.0.113.9")) == "203.0.113.9"
    assert client_ip(request_from("10.0.0.2")) == "10.0.0.2"


def test_it_never_keys_the_cache_by_the_address_itself():
    key = client_key(request_from("203.0.113.9"))

    assert "203.0.113.9" not in key
    assert key == client_key(request_from("203.0.113.9"))
    assert key != client_key(request_from("203.0.113.10"))


def test_it_counts_each_client_and_bucket_apart():
    alice, bob = request_from("203.0.113.9"), request_from("198.51.100.7")

    assert [ratelimit_take(request=alice, bucket="t", limit=2) for _ in range(3)] == [True, True, False]
    assert ratelimit_take(request=bob, bucket="t", limit=2)
    assert ratelimit_take(request=alice, bucket="other", limit=2)
