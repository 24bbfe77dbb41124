# Several transport errors grouped and translated with from.
import redis


class CacheUnavailableError(Exception):
    pass


class Cache:
    def __init__(self, client: redis.Redis) -> None:
        self.client = client

    def get(self, key: str) -> bytes | None:
        try:
            return self.client.get(key)
        except (redis.ConnectionError, redis.TimeoutError) as exc:
            raise CacheUnavailableError(key) from exc
