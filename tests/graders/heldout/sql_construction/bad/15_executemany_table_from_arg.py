# BAD: executemany binds the rows, but the target table name comes from the caller via f-string.
import csv
import sqlite3
from pathlib import Path


def import_csv(conn: sqlite3.Connection, csv_path: Path, table: str) -> int:
    """Bulk-load a CSV export into the named staging table."""
    with csv_path.open(newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        rows = [tuple(r) for r in reader]
    placeholders = ", ".join("?" for _ in header)
    conn.executemany(f"INSERT INTO {table} VALUES ({placeholders})", rows)
    conn.commit()
    return len(rows)


def main(argv: list[str]) -> None:
    conn = sqlite3.connect("staging.db")
    try:
        n = import_csv(conn, Path(argv[1]), argv[2])
        print(f"imported {n} rows")
    finally:
        conn.close()


if __name__ == "__main__":
    import sys

    main(sys.argv)
