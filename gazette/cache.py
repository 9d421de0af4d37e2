"""Django's Redis cache, with one client per connection pool.

Django's ``RedisCacheClient`` builds a new ``redis.Redis`` for every cache
call; each one copies redis-py's table of response callbacks, which cost
more than the round trip to Redis itself for the few small values a page
reads. A client only holds its pool, and the pool is what is shared safely
between threads, so one client per pool will do.
"""

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class PooledClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            pool = self._get_connection_pool(write)
            client = self._clients[index] = self._client(connection_pool=pool)
        return client


class PooledRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = PooledClient
