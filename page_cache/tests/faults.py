"""Faults for tests: the shared cache's server gone (as when Redis stops)."""

import contextlib
from unittest import mock

import pytest
import redis.exceptions
from django.core.cache import caches


class UnreachableCache:
    """Every operation fails the way the Redis backend does when Redis is not running."""

    def __getattr__(self, name):
        def fail(*args, **kwargs):
            raise redis.exceptions.ConnectionError("Error 111 connecting to 127.0.0.1:6379.")

        return fail


@contextlib.contextmanager
def shared_cache_down():
    with contextlib.ExitStack() as stack:
        for alias in ("default", "ratelimit", "purges"):
            stack.enter_context(mock.patch.object(caches[alias], "real", UnreachableCache()))
        yield
    for alias in ("default", "ratelimit", "purges"):
        caches[alias].next_attempt = 0  # the next call finds the cache back


@pytest.fixture
def broken_cache():
    with shared_cache_down():
        yield
