"""Django's own RedisCache, with one redis-py client per connection pool instead of one per call, and
(``ProcessCopyRedisCache``, for the page cache) a copy in each process of the pages it served.

Django's client builds a new ``redis.Redis`` around its (shared) connection pool for every cache call.
With redis-py 5 and later that constructor fills a table of about 165 response callbacks each time, a
fifth of the cost of serving a cached page or API read (bench/site). A ``redis.Redis`` is safe to share
between threads - it takes a connection from the pool for each command - and its pool notices a fork, so
one per pool and process gives the same behaviour for less. ``clear()`` deletes this cache's keys only
(Django's empties the whole Redis database, which the three caches share). Everything else
(serialisation, pools, reads from replicas) stays Django's.
"""

from __future__ import annotations

import re
import threading
import time
import uuid
from collections import OrderedDict
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class ReusedClient(RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            # Two threads may both build one here: harmless, the last kept is used afterwards.
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client

    def get_sized(self, key: Any, default: Any) -> tuple[Any, int]:
        """The value at ``key`` and the size of its stored form (``default`` and 0 if there is none)."""
        stored = self.get_client(key).get(key)
        if stored is None:
            return default, 0
        return self._serializer.loads(stored), len(stored)


class ReusedClientRedisCache(RedisCache):
    """Settings' ``BACKEND`` for Redis: ``wsis.site.redis_cache.ReusedClientRedisCache``."""

    #: Keys deleted per round trip by ``clear()``.
    CLEAR_BATCH = 1000

    def __init__(self, server: Any, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = ReusedClient

    def clear(self) -> bool:
        """Delete this cache's keys, and only those.

        Django's ``clear()`` is FLUSHDB: the settings keep the three caches in one Redis database, apart by
        their ``KEY_PREFIX``, so clearing the pages (an embargo lifted) also threw away every chart drawing.
        Keys are found with SCAN (which never blocks the
        server as KEYS does) and removed with UNLINK (freed in the background). Without a prefix every key
        of the database is this cache's, as in Django."""
        client = self._cache.get_client(write=True)
        pattern = re.sub(r"([*?\[\]\\])", r"\\\1", self.key_prefix) + ":*" if self.key_prefix else "*"
        batch: list[bytes] = []
        for key in client.scan_iter(match=pattern, count=self.CLEAR_BATCH):
            batch.append(key)
            if len(batch) >= self.CLEAR_BATCH:
                client.unlink(*batch)
                batch.clear()
        if batch:
            client.unlink(*batch)
        return True


class ProcessCopyRedisCache(ReusedClientRedisCache):
    """The Redis cache, plus a copy in this process of the values whose key names their content.

    A cached page's key is a hash of its URL, its language and the state of the data it shows
    (``wsis.apps.public.caching.page_key``): a later value under the same key is the same page, so a worker
    may keep what it read. Reading it again from Redis (a round trip and an unpickling) is a sixth of the
    cost of serving a cached API read or page (bench/site). Only keys starting with one of ``PREFIXES``
    (``OPTIONS``) are copied, at most ``MAX_BYTES`` of them per process, least recently used first out.

    What is cached can still change without its key changing when the cache is cleared on purpose (an
    embargo lifted, a restore): ``clear()`` here forgets this process's copies at once and writes a new
    generation mark into Redis, and every other process, which reads the mark again at most every
    ``CHECK_SECONDS``, then forgets its copies - the same delay as the data state the keys are made from
    (``WSIS_PAGE_STATE_SECONDS``). ``CHECK_SECONDS`` 0 keeps no copies.
    """

    GENERATION_KEY = "process-copies-generation"

    def __init__(self, server: Any, params: dict[str, Any]) -> None:
        options = dict(params.get("OPTIONS", {}))
        self._prefixes = tuple(options.pop("PREFIXES", ()))
        self._max_bytes = int(options.pop("MAX_BYTES", 64 * 2**20))
        self._check_seconds = float(options.pop("CHECK_SECONDS", 1))
        super().__init__(server, {**params, "OPTIONS": options})
        self._copies: OrderedDict[str, tuple[Any, int]] = OrderedDict()
        self._bytes = 0
        self._generation: Any = None
        self._checked_until = 0.0
        self._lock = threading.Lock()

    def _copied(self, key: str) -> bool:
        return self._check_seconds > 0 and key.startswith(self._prefixes)

    def _forget(self) -> None:
        with self._lock:
            self._copies.clear()
            self._bytes = 0

    def _follow_generation(self) -> None:
        now = time.monotonic()
        if now < self._checked_until:
            return
        generation = super().get(self.GENERATION_KEY)
        if generation is None:  # a new Redis, or cleared (or evicted): the first reader marks it
            super().add(self.GENERATION_KEY, uuid.uuid4().hex, None)
            generation = super().get(self.GENERATION_KEY)
        if generation != self._generation:
            self._forget()
            self._generation = generation
        self._checked_until = now + self._check_seconds

    def get(self, key: Any, default: Any = None, version: Any = None) -> Any:
        if not self._copied(key):
            return super().get(key, default, version)
        self._follow_generation()
        full = self.make_and_validate_key(key, version=version)
        with self._lock:
            copy = self._copies.get(full)
            if copy is not None:
                self._copies.move_to_end(full)
                return copy[0]
        value, size = self._cache.get_sized(full, _MISSING)
        if value is _MISSING:
            return default
        if size <= self._max_bytes:
            with self._lock:
                if full not in self._copies:
                    self._copies[full] = (value, size)
                    self._bytes += size
                while self._bytes > self._max_bytes:
                    _, (_, dropped) = self._copies.popitem(last=False)
                    self._bytes -= dropped
        return value

    def _drop(self, key: Any, version: Any) -> None:
        if self._copied(key):
            full = self.make_and_validate_key(key, version=version)
            with self._lock:
                copy = self._copies.pop(full, None)
                if copy is not None:
                    self._bytes -= copy[1]

    def set(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> None:
        self._drop(key, version)
        super().set(key, value, timeout, version)

    def delete(self, key: Any, version: Any = None) -> bool:
        self._drop(key, version)
        return super().delete(key, version)

    def clear(self) -> bool:
        self._forget()
        cleared = super().clear()
        # A new mark now, so that every process forgets its copies even if nobody reads one meanwhile.
        super().set(self.GENERATION_KEY, uuid.uuid4().hex, None)
        self._checked_until = 0.0
        return cleared


_MISSING = object()
