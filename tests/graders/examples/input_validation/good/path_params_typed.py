# Only typed path parameters; nothing raw enters the endpoint.
from uuid import UUID

from fastapi import FastAPI, HTTPException

from .store import get_invoice

app = FastAPI()


@app.get("/invoices/{invoice_id}")
async def invoice(invoice_id: UUID) -> dict:
    inv = get_invoice(invoice_id)
    if inv is None:
        raise HTTPException(status_code=404, detail="invoice not found")
    return inv
