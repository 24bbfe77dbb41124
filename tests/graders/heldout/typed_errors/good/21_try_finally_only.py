# GOOD: try/finally for cleanup with no except at all; errors propagate unchanged to the caller.
import logging
import sqlite3
import time
from pathlib import Path

logger = logging.getLogger(__name__)


class ReportTooLarge(Exception):
    pass


def build_report(db_path: Path, out_path: Path, max_rows: int = 100_000) -> int:
    conn = sqlite3.connect(db_path)
    started = time.monotonic()
    try:
        rows = conn.execute("SELECT id, name, total FROM sales ORDER BY id").fetchall()
        if len(rows) > max_rows:
            raise ReportTooLarge(f"{len(rows)} rows exceed the {max_rows}-row limit")
        with out_path.open("w", encoding="utf-8") as fh:
            for row in rows:
                fh.write(",".join(str(v) for v in row) + "\n")
        return len(rows)
    finally:
        conn.close()
        logger.info("report built", extra={"seconds": round(time.monotonic() - started, 2)})
