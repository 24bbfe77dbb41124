# Flask view answers (body, 200) with an error message after a broad catch.
from flask import Blueprint, request

from app.reports import build_report

bp = Blueprint("reports", __name__)


@bp.get("/reports/<int:report_id>")
def report(report_id: int):
    try:
        return build_report(report_id, fmt=request.args.get("format", "json"))
    except Exception as exc:
        return {"error": f"could not build report: {exc}"}, 200
