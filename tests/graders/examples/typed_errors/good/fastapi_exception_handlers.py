# FastAPI maps domain errors to status codes with exception handlers.
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse


class DomainError(Exception):
    status_code = 400


class NotFoundError(DomainError):
    status_code = 404


class ConflictError(DomainError):
    status_code = 409


app = FastAPI()


@app.exception_handler(DomainError)
async def domain_error_handler(request: Request, exc: DomainError) -> JSONResponse:
    return JSONResponse(status_code=exc.status_code, content={"detail": str(exc)})


@app.get("/orders/{order_id}")
async def read_order(order_id: int):
    if order_id <= 0:
        raise NotFoundError(f"order {order_id} not found")
    return {"id": order_id}
