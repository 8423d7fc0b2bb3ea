"""Each pytest-xdist worker's cache is a Redis database of its own (tests/conftest.py)."""

from tests.conftest import _per_worker_redis_cache

REDIS = "django.core.cache.backends.redis.RedisCache"
BASE = {"default": {"BACKEND": REDIS, "LOCATION": "redis://127.0.0.1:6379/12"}}


def _location(caches: dict) -> str:
    return caches["default"]["LOCATION"]


def test_each_worker_gets_a_database_of_its_own():
    gw0 = _per_worker_redis_cache(BASE, redis_url=_location(BASE), worker="gw0")
    gw1 = _per_worker_redis_cache(BASE, redis_url=_location(BASE), worker="gw1")
    assert _location(gw0) == "redis://127.0.0.1:6379/13"
    assert _location(gw1) == "redis://127.0.0.1:6379/14"


def test_applied_twice_it_gives_the_same_database():
    # The demo tests' package override applies it, then every test's fixture again: counted
    # from the caches given, gw0's demo tests used (and cleared) gw1's database.
    for worker in ("gw0", "gw1"):
        once = _per_worker_redis_cache(BASE, redis_url=_location(BASE), worker=worker)
        twice = _per_worker_redis_cache(once, redis_url=_location(BASE), worker=worker)
        assert twice == once


def test_without_xdist_or_redis_the_caches_stay():
    assert _per_worker_redis_cache(BASE, redis_url=_location(BASE), worker="") == BASE
    local = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert _per_worker_redis_cache(local, worker="gw1") == local
