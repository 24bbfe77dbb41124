# f-strings are used for log and error messages, never for the SQL itself.
import logging
import sqlite3

log = logging.getLogger(__name__)


class NotFoundError(Exception):
    pass


def get_item(conn: sqlite3.Connection, item_id: int) -> tuple:
    log.info(f"fetching item {item_id}")
    row = conn.execute("SELECT id, name FROM items WHERE id = ?", (item_id,)).fetchone()
    if row is None:
        raise NotFoundError(f"item {item_id} not found")
    return row
