# Returns JSONResponse with status_code=200 for failures.
from fastapi import APIRouter
from fastapi.responses import JSONResponse

from app.billing import refund

router = APIRouter()


@router.post("/refunds/{payment_id}")
def create_refund(payment_id: str) -> JSONResponse:
    try:
        refund_id = refund(payment_id)
    except Exception as exc:
        return JSONResponse(status_code=200, content={"status": "error", "message": str(exc)})
    return JSONResponse(content={"status": "ok", "refund_id": refund_id})
