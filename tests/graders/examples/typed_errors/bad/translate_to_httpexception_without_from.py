# FastAPI endpoint turns a domain error into HTTPException without from.
from fastapi import FastAPI, HTTPException

from app.services import NotFoundError, get_order

app = FastAPI()


@app.get("/orders/{order_id}")
async def read_order(order_id: int):
    try:
        return await get_order(order_id)
    except NotFoundError:
        raise HTTPException(status_code=404, detail="order not found")
