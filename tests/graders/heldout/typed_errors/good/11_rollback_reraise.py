# GOOD: `except Exception:` rolls back the transaction and re-raises; nothing is swallowed.
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager


class ItemNotInBin(LookupError):
    pass


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Cursor]:
    cur = conn.cursor()
    cur.execute("BEGIN")
    try:
        yield cur
        conn.commit()
    except Exception:
        conn.rollback()
        raise
    finally:
        cur.close()


def move_item(conn: sqlite3.Connection, item_id: int, from_bin: int, to_bin: int) -> None:
    with transaction(conn) as cur:
        cur.execute("DELETE FROM bin_items WHERE bin_id = ? AND item_id = ?", (from_bin, item_id))
        if cur.rowcount != 1:
            raise ItemNotInBin(f"item {item_id} not in bin {from_bin}")
        cur.execute("INSERT INTO bin_items (bin_id, item_id) VALUES (?, ?)", (to_bin, item_id))
