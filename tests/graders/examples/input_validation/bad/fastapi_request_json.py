# Reads request.json() directly and passes values through unchecked.
from fastapi import FastAPI, Request

from .payments import create_payment

app = FastAPI()


@app.post("/payments")
async def pay(request: Request) -> dict:
    body = await request.json()
    payment = create_payment(amount=body["amount"], currency=body["currency"], idempotency_key=body.get("key"))
    return {"id": payment.id, "status": payment.status}
