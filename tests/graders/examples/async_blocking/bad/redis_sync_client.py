# Rate limiter middleware uses the synchronous redis client in async code.
import redis
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.responses import JSONResponse

r = redis.Redis(host="localhost", port=6379)


class RateLimit(BaseHTTPMiddleware):
    async def dispatch(self, request, call_next):
        key = f"rl:{request.client.host}"
        count = r.incr(key)
        if count == 1:
            r.expire(key, 60)
        if count > 100:
            return JSONResponse({"detail": "too many requests"}, status_code=429)
        return await call_next(request)
