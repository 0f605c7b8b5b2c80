"""A cache backend that keeps the site serving when the shared cache (Redis, or the file cache's
folder) fails.

Why a wrapping backend rather than try/except around each call: the page cache, the rate limits,
Wagtail's rendition cache and anything added later all reach the cache through
`django.core.cache.caches`; wrapping the backend once covers every caller, and a forgotten
caller cannot bring pages down again.

While the real backend raises errors (CACHE_ERRORS: it is unreachable, or Redis answers with an
error, as it does when it is out of memory or a read-only replica), every call goes to a
per-process LocMemCache instead: pages still render and are kept briefly per worker, counters
count per worker. The real backend is retried at most every RETRY_SECONDS, so an outage costs
one failed attempt per worker every few seconds, not one per request, and the fault is logged
once when it starts and once when it ends.

Configure with the real backend's settings under OPTIONS["BACKEND"] (settings/base.py's
`fail_soft`); `is_degraded` and `check()` let the page cache and /healthz see the state.

AtomicFileCache is the file cache for one node. Django's FileBasedCache.add() is has_key() then
set(), and incr() is get() then set(): two workers can both "add" the same key, or both write
the same increment. The page cache relies on add() as a lock (one renderer per page, one
re-render at a time per node) and the rate limits on incr() to count; with the plain file cache,
a publish during a surge let every worker re-render at once, which is what the lock exists to
prevent. Here both run under an exclusive lock on a file in the cache folder, as Redis' SET NX
and INCR are atomic.
"""

import contextlib
import logging
import math
import os
import pickle
import tempfile
import threading
import time
import zlib

from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.core.cache.backends.filebased import FileBasedCache
from django.core.cache.backends.locmem import LocMemCache
from django.core.files import locks
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

RETRY_SECONDS = 5


def _cache_errors():
    errors = [OSError, EOFError]
    try:
        import redis.exceptions
    except ImportError:  # only the Redis backend needs it
        pass
    else:
        # Not only connection errors: an OOM or READONLY answer (ResponseError) is just as
        # much a cache that cannot be used, and must not turn pages and sign-ups into 500s.
        errors.append(redis.exceptions.RedisError)
    return tuple(errors)


CACHE_ERRORS = _cache_errors()


class FailSoftCache(BaseCache):
    def __init__(self, location, params):
        options = dict(params.get("OPTIONS", {}))
        real_params = {**params, "OPTIONS": options.pop("REAL_OPTIONS", {})}
        super().__init__(real_params)
        backend = import_string(options["BACKEND"])
        self.real = backend(location, real_params)
        fallback = import_string(
            options.get("FALLBACK", "django.core.cache.backends.locmem.LocMemCache")
        )
        self.fallback = fallback(f"fail-soft-{id(self)}", real_params)
        self.alias = options.get("ALIAS", location)
        self.down_since = None
        self.next_attempt = 0.0
        self.lock = threading.Lock()

    @property
    def is_degraded(self):
        return self.down_since is not None

    def check(self):
        """Ask the real backend directly (for /healthz): True when it stores and answers (a
        Redis out of memory or read-only still answers reads)."""
        try:
            self.real.set("fail-soft:check", 1, timeout=60)
            self.real.get("fail-soft:check")
        except CACHE_ERRORS:
            return False
        return True

    def _call(self, name, *args, **kwargs):
        if self.down_since is not None and time.monotonic() < self.next_attempt:
            return getattr(self.fallback, name)(*args, **kwargs)
        try:
            result = getattr(self.real, name)(*args, **kwargs)
        except CACHE_ERRORS as error:
            self._went_down(error)
            return getattr(self.fallback, name)(*args, **kwargs)
        if self.down_since is not None:
            self._came_back()
        return result

    def _went_down(self, error):
        with self.lock:
            self.next_attempt = time.monotonic() + RETRY_SECONDS
            if self.down_since is None:
                self.down_since = time.monotonic()
                logger.error(
                    "Cache %r unavailable (%s: %s); serving from per-process memory until it "
                    "answers again",
                    self.alias,
                    type(error).__name__,
                    error,
                )

    def _came_back(self):
        with self.lock:
            if self.down_since is None:
                return
            outage = time.monotonic() - self.down_since
            self.down_since = None
            # Values written meanwhile lived in one process only; the shared copies are current.
            self.fallback.clear()
        logger.warning("Cache %r answers again after %.0f s", self.alias, outage)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", key, value, timeout=timeout, version=version)

    def get(self, key, default=None, version=None):
        return self._call("get", key, default=default, version=version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", key, value, timeout=timeout, version=version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", key, timeout=timeout, version=version)

    def delete(self, key, version=None):
        return self._call("delete", key, version=version)

    def get_many(self, keys, version=None):
        return self._call("get_many", keys, version=version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", data, timeout=timeout, version=version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", keys, version=version)

    def has_key(self, key, version=None):
        return self._call("has_key", key, version=version)

    def incr(self, key, delta=1, version=None):
        return self._call("incr", key, delta=delta, version=version)

    def decr(self, key, delta=1, version=None):
        return self._call("decr", key, delta=delta, version=version)

    def clear(self):
        self.fallback.clear()
        return self._call("clear")

    def close(self, **kwargs):
        with contextlib.suppress(CACHE_ERRORS):
            self.real.close(**kwargs)


class AtomicFileCache(FileBasedCache):
    """FileBasedCache whose add() and incr() are atomic across the processes sharing the folder,
    and whose writes don't slow down as the folder fills.

    Django's set() lists the whole folder on every write to see whether it holds MAX_ENTRIES
    files yet (_cull): 0.4 ms per write with 50 files, 1.6 ms with 1,000, and a render after a
    publish writes a dozen entries (the page and its kept pieces). Here each process looks at
    most every CULL_CHECK_SECONDS; meanwhile the folder may exceed MAX_ENTRIES by what is
    written in that second, a few renders' worth."""

    CULL_CHECK_SECONDS = 1.0

    def __init__(self, dir, params):
        super().__init__(dir, params)
        self.next_cull_check = 0.0

    def _cull(self):
        now = time.monotonic()
        if now < self.next_cull_check:
            return
        self.next_cull_check = now + self.CULL_CHECK_SECONDS
        super()._cull()

    @contextlib.contextmanager
    def _exclusive(self):
        self._createdir()  # the folder can be deleted at any time
        with open(os.path.join(self._dir, "atomic.lock"), "ab") as lock_file:
            locks.lock(lock_file, locks.LOCK_EX)
            try:
                yield
            finally:
                locks.unlock(lock_file)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        if self.has_key(key, version):
            return False  # as it would under the lock: a taken lock is the common case
        with self._exclusive():
            return super().add(key, value, timeout=timeout, version=version)

    def incr(self, key, delta=1, version=None):
        """Like Redis' INCR, the entry keeps its expiry. Django's file cache writes the new value
        with the default timeout (300 s from now), so a rate-limit counter lasted 300 s after a
        client's last request, not to the end of its window: a client at its limit could
        sign up again halfway through a 10-minute window."""
        name = self._key_to_file(key, version)
        with self._exclusive():
            try:
                with open(name, "rb") as file:
                    expiry = pickle.load(file)  # noqa: S301 (our own files, as Django's get())
                    value = pickle.loads(zlib.decompress(file.read()))  # noqa: S301
            except (FileNotFoundError, EOFError):
                value = expiry = None
            if value is None or (expiry is not None and expiry <= time.time()):
                raise ValueError(f"Key '{key}' not found")
            value += delta
            descriptor, temporary = tempfile.mkstemp(dir=self._dir)
            with open(descriptor, "wb") as file:
                file.write(pickle.dumps(expiry, self.pickle_protocol))
                file.write(zlib.compress(pickle.dumps(value, self.pickle_protocol)))
            os.replace(temporary, name)  # readers see the old file or the new one, never half
            return value


class CounterFileCache(AtomicFileCache):
    """The file cache for rate-limit counters (the "ratelimit" alias): a counter is never removed
    before it expires. Django culls a full file cache at random, so with its 300 entries, 400
    other addresses posting once each freed clients that had reached their limit. Here a full
    folder only sheds expired counters; the live ones are bounded by the clients seen in one
    window, however many there are. A sweep reads every file, so it runs at most every
    SWEEP_SECONDS per process, and not before the earliest expiry it saw last time."""

    SWEEP_SECONDS = 60.0

    def __init__(self, dir, params):
        super().__init__(dir, params)
        self.next_expiry = 0.0

    def _cull(self):
        now = time.monotonic()
        if now < self.next_cull_check or time.time() < self.next_expiry:
            return
        self.next_cull_check = now + self.SWEEP_SECONDS
        filelist = self._list_cache_files()
        if len(filelist) < self._max_entries:
            return
        earliest = math.inf
        for name in filelist:
            with contextlib.suppress(OSError, EOFError, pickle.UnpicklingError):
                with open(name, "rb") as file:
                    expiry = pickle.load(file)  # noqa: S301 (our own files, as Django's get())
                if expiry is None:
                    continue
                if expiry <= time.time():
                    self._delete(name)
                else:
                    earliest = min(earliest, expiry)
        # Nothing left to wait for: the next sweep may come at any time.
        self.next_expiry = earliest if earliest < math.inf else 0.0


class CounterMemoryCache(LocMemCache):
    """The local-memory cache for rate-limit counters (development, tests): like
    CounterFileCache, a full cache sheds only expired counters, never a live one."""

    def __init__(self, name, params):
        super().__init__(name, params)
        self.next_expiry = 0.0

    def _cull(self):
        now = time.time()
        if now < self.next_expiry:
            return
        earliest = math.inf
        for key, expiry in list(self._expire_info.items()):
            if expiry is None:
                continue
            if expiry <= now:
                self._delete(key)
            else:
                earliest = min(earliest, expiry)
        self.next_expiry = earliest if earliest < math.inf else 0.0
