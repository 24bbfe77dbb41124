# A mapping from exception types to HTTP status codes used by one handler.
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse


class AppError(Exception):
    pass


class NotFound(AppError):
    pass


class PermissionDenied(AppError):
    pass


class Conflict(AppError):
    pass


STATUS_FOR = {NotFound: 404, PermissionDenied: 403, Conflict: 409}

app = FastAPI()


@app.exception_handler(AppError)
async def app_error(request: Request, exc: AppError) -> JSONResponse:
    code = STATUS_FOR.get(type(exc), 400)
    return JSONResponse({"error": type(exc).__name__, "detail": str(exc)}, status_code=code)
