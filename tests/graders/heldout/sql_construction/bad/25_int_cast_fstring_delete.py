# BAD: the id is cast with int() but still formatted into the DELETE text instead of passed as a parameter.
import logging
import sqlite3

from fastapi import APIRouter, HTTPException

router = APIRouter(prefix="/comments")
logger = logging.getLogger(__name__)


def _conn() -> sqlite3.Connection:
    return sqlite3.connect("comments.db")


@router.delete("/{comment_id}", status_code=204)
def delete_comment(comment_id: str) -> None:
    try:
        cid = int(comment_id)
    except ValueError as exc:
        raise HTTPException(status_code=422, detail="comment_id must be an integer") from exc
    conn = _conn()
    try:
        cur = conn.execute(f"DELETE FROM comments WHERE id = {cid}")
        conn.commit()
    finally:
        conn.close()
    if cur.rowcount == 0:
        raise HTTPException(status_code=404, detail="comment not found")
    logger.info("comment deleted", extra={"comment_id": cid})
