# GOOD: typed domain errors mapped to proper status codes by FastAPI exception handlers.
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse


class DomainError(Exception):
    status_code = 400


class NotFound(DomainError):
    status_code = 404


class Conflict(DomainError):
    status_code = 409


app = FastAPI()
_ACCOUNTS: dict[str, int] = {"alice": 100}


@app.exception_handler(DomainError)
async def domain_error_handler(request: Request, exc: DomainError) -> JSONResponse:
    return JSONResponse(status_code=exc.status_code, content={"error": type(exc).__name__, "detail": str(exc)})


@app.get("/accounts/{name}")
async def get_account(name: str) -> dict[str, int]:
    if name not in _ACCOUNTS:
        raise NotFound(f"account {name!r} does not exist")
    return {"balance": _ACCOUNTS[name]}


@app.post("/accounts/{name}", status_code=201)
async def create_account(name: str) -> dict[str, int]:
    if name in _ACCOUNTS:
        raise Conflict(f"account {name!r} already exists")
    _ACCOUNTS[name] = 0
    return {"balance": 0}
