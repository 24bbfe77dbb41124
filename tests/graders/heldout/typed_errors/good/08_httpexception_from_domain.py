# GOOD: router translates a typed repository error into HTTPException with `from exc`.
from fastapi import APIRouter, HTTPException
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from app.db import get_session
from app.models import Invoice

router = APIRouter()


class RepositoryUnavailable(RuntimeError):
    pass


def load_invoice(session: Session, invoice_id: int) -> Invoice | None:
    try:
        return session.scalar(select(Invoice).where(Invoice.id == invoice_id))
    except SQLAlchemyError as exc:
        raise RepositoryUnavailable("invoice store unavailable") from exc


@router.get("/invoices/{invoice_id}")
def get_invoice(invoice_id: int):
    session: Session = get_session()
    try:
        invoice = load_invoice(session, invoice_id)
    except RepositoryUnavailable as exc:
        raise HTTPException(status_code=503, detail=str(exc)) from exc
    finally:
        session.close()
    if invoice is None:
        raise HTTPException(status_code=404, detail="invoice not found")
    return {"id": invoice.id, "total": str(invoice.total)}
