# FastAPI: sort field is an Enum and direction a Literal, both validated by the framework.
from enum import Enum
from typing import Literal

from fastapi import FastAPI, Request

app = FastAPI()


class SortField(str, Enum):
    name = "name"
    created = "created_at"


@app.get("/projects")
async def projects(
    request: Request, sort: SortField = SortField.name, order: Literal["asc", "desc"] = "asc"
):
    rows = await request.app.state.pool.fetch(
        f"SELECT id, name FROM projects ORDER BY {sort.value} {order}"
    )
    return [dict(r) for r in rows]
