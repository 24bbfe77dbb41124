# FastAPI handler catches everything and answers 200 with an error body.
from fastapi import FastAPI
from pydantic import BaseModel

from app.services import create_order

app = FastAPI()


class OrderIn(BaseModel):
    sku: str
    qty: int


@app.post("/orders")
async def post_order(body: OrderIn):
    try:
        order = await create_order(body.sku, body.qty)
        return {"ok": True, "order": order}
    except Exception as e:
        return {"ok": False, "error": str(e)}
