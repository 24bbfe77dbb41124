# Reads the raw body (to verify a webhook signature) and then validates it with a model.
import hashlib
import hmac
import os

from fastapi import FastAPI, HTTPException, Request
from pydantic import BaseModel

app = FastAPI()


class Event(BaseModel):
    id: str
    type: str
    amount: int


@app.post("/webhooks/payments")
async def webhook(request: Request) -> dict:
    body = await request.body()
    expected = hmac.new(os.environ["WEBHOOK_SECRET"].encode(), body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, request.headers.get("X-Signature", "")):
        raise HTTPException(status_code=401, detail="bad signature")
    event = Event.model_validate_json(body)
    return {"received": event.id}
