# Exception handlers registered with add_exception_handler in an app factory.
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse


class NotFoundError(Exception):
    pass


class RateLimitedError(Exception):
    pass


async def not_found(request: Request, exc: Exception) -> JSONResponse:
    return JSONResponse({"detail": str(exc)}, status_code=404)


async def rate_limited(request: Request, exc: Exception) -> JSONResponse:
    return JSONResponse({"detail": "slow down"}, status_code=429, headers={"Retry-After": "30"})


def create_app() -> FastAPI:
    app = FastAPI()
    app.add_exception_handler(NotFoundError, not_found)
    app.add_exception_handler(RateLimitedError, rate_limited)
    return app
