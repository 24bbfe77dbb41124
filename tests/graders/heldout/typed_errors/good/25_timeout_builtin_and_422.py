# GOOD: TimeoutError for a timed-out poll, pydantic ValidationError answered with 422 (not 200).
import time
from typing import Callable

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ValidationError

app = FastAPI()


class ExportRequest(BaseModel):
    dataset: str
    rows: int


def wait_until(ready: Callable[[], bool], timeout: float, interval: float = 0.1) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        if time.monotonic() > deadline:
            raise TimeoutError(f"condition not met within {timeout:.1f}s")
        time.sleep(interval)


@app.post("/exports")
async def create_export(payload: dict) -> JSONResponse:
    try:
        req = ExportRequest.model_validate(payload)
    except ValidationError as exc:
        return JSONResponse(status_code=422, content={"detail": exc.errors()})
    return JSONResponse(status_code=202, content={"dataset": req.dataset, "rows": req.rows})
