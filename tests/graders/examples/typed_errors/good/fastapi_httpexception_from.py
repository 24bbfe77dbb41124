# FastAPI endpoint translates a domain error into HTTPException with from.
from fastapi import FastAPI, HTTPException, status

from app.services import NotFoundError, get_order

app = FastAPI()


@app.get("/orders/{order_id}")
async def read_order(order_id: int):
    try:
        return await get_order(order_id)
    except NotFoundError as exc:
        raise HTTPException(status_code=status.HTTP_404_NOT_FOUND, detail=str(exc)) from exc
