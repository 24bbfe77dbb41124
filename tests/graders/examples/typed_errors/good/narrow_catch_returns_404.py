# Narrow domain error returned as a 404 JSON response.
from fastapi import FastAPI
from fastapi.responses import JSONResponse

from app.services import NotFoundError, get_order

app = FastAPI()


@app.get("/orders/{order_id}")
async def read_order(order_id: int):
    try:
        order = await get_order(order_id)
    except NotFoundError:
        return JSONResponse({"detail": "order not found"}, status_code=404)
    return order
