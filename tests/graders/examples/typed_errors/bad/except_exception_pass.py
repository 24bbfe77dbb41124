# Broad except Exception: pass around a cache write.
import json

import redis

cache = redis.Redis()


def cache_profile(user_id: int, profile: dict) -> None:
    try:
        cache.set(f"profile:{user_id}", json.dumps(profile), ex=300)
    except Exception:
        pass
