# BAD (tricky): bare `except:` even though it rolls back and re-raises; the rule forbids bare except outright.
import sqlite3
from contextlib import contextmanager
from collections.abc import Iterator


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Cursor]:
    cur = conn.cursor()
    cur.execute("BEGIN")
    try:
        yield cur
        conn.commit()
    except:
        conn.rollback()
        raise
    finally:
        cur.close()


def move_item(conn: sqlite3.Connection, item_id: int, from_bin: int, to_bin: int) -> None:
    with transaction(conn) as cur:
        cur.execute("DELETE FROM bin_items WHERE bin_id = ? AND item_id = ?", (from_bin, item_id))
        if cur.rowcount != 1:
            raise LookupError(f"item {item_id} not in bin {from_bin}")
        cur.execute("INSERT INTO bin_items (bin_id, item_id) VALUES (?, ?)", (to_bin, item_id))


if __name__ == "__main__":
    c = sqlite3.connect(":memory:", isolation_level=None)
    c.execute("CREATE TABLE bin_items (bin_id INTEGER, item_id INTEGER)")
