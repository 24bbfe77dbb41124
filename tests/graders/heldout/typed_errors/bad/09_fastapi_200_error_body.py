# BAD: FastAPI handler catches Exception and answers 200 with {"error": ...} instead of an error status.
from fastapi import FastAPI
from pydantic import BaseModel

from app.payments import PaymentGateway

app = FastAPI()
gateway = PaymentGateway(base_url="http://127.0.0.1:8081")


class ChargeIn(BaseModel):
    customer_id: str
    amount_cents: int
    currency: str = "EUR"


@app.post("/charges")
async def create_charge(body: ChargeIn):
    try:
        charge = await gateway.charge(
            customer_id=body.customer_id,
            amount_cents=body.amount_cents,
            currency=body.currency,
        )
        return {"id": charge.id, "status": charge.status}
    except Exception as e:
        return {"error": str(e), "success": False}


@app.get("/health")
async def health():
    return {"status": "ok"}
