# BAD: contextlib.suppress(BaseException) around cache writes in a request path.
import contextlib
import json
from typing import Any

import redis

from fastapi import FastAPI

app = FastAPI()
cache = redis.Redis(host="127.0.0.1", port=6379)


def load_profile(user_id: int) -> dict[str, Any]:
    return {"id": user_id, "name": f"user-{user_id}"}


@app.get("/profiles/{user_id}")
def profile(user_id: int) -> dict[str, Any]:
    key = f"profile:{user_id}"
    cached = cache.get(key)
    if cached is not None:
        return json.loads(cached)
    data = load_profile(user_id)
    with contextlib.suppress(BaseException):
        cache.setex(key, 300, json.dumps(data))
    return data
