# GOOD: CSV import with executemany into a fixed table; every cell is a bound parameter.
import csv
import sqlite3
from pathlib import Path

INSERT_READING = "INSERT INTO readings (sensor_id, ts, value) VALUES (?, ?, ?)"


def import_csv(conn: sqlite3.Connection, csv_path: Path) -> int:
    """Bulk-load sensor readings from a CSV export."""
    with csv_path.open(newline="") as fh:
        reader = csv.DictReader(fh)
        rows = [(r["sensor_id"], r["ts"], float(r["value"])) for r in reader]
    with conn:
        conn.executemany(INSERT_READING, rows)
    return len(rows)


def main(argv: list[str]) -> None:
    conn = sqlite3.connect("telemetry.db")
    try:
        print(f"imported {import_csv(conn, Path(argv[1]))} rows")
    finally:
        conn.close()


if __name__ == "__main__":
    import sys

    main(sys.argv)
