# Helper returns a text() clause built with .format; caller executes it.
from sqlalchemy import text
from sqlalchemy.orm import Session


def _count_stmt(table: str, status: str):
    return text("SELECT count(*) FROM {} WHERE status = '{}'".format(table, status))


def count_by_status(session: Session, table: str, status: str) -> int:
    return session.execute(_count_stmt(table, status)).scalar_one()
