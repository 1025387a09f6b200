"""Django's own RedisCache, with one redis-py client per connection pool instead of one per call.

Django's client builds a new ``redis.Redis`` around its (shared) connection pool for every cache call.
With redis-py 5 and later that constructor fills a table of about 165 response callbacks each time, a
fifth of the cost of serving a cached page or API read (bench/site). A ``redis.Redis`` is safe to share
between threads - it takes a connection from the pool for each command - and its pool notices a fork, so
one per pool and process gives the same behaviour for less. Everything else (serialisation, pools,
reads from replicas) stays Django's.
"""

from __future__ import annotations

from typing import Any

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


class ReusedClientRedisCache(RedisCache):
    """Settings' ``BACKEND`` for Redis: ``wsis.site.redis_cache.ReusedClientRedisCache``."""

    def __init__(self, server: Any, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = ReusedClient
