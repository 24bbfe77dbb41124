# BAD: converts any exception into HTTPException(500) inside `except` without `from`, dropping the cause.
from fastapi import APIRouter, HTTPException
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db import get_session
from app.models import Invoice

router = APIRouter()


@router.get("/invoices/{invoice_id}")
def get_invoice(invoice_id: int):
    session: Session = get_session()
    try:
        invoice = session.scalar(select(Invoice).where(Invoice.id == invoice_id))
    except Exception as e:
        raise HTTPException(status_code=500, detail=f"database error: {e}")
    finally:
        session.close()
    if invoice is None:
        raise HTTPException(status_code=404, detail="invoice not found")
    return {"id": invoice.id, "total": str(invoice.total)}
