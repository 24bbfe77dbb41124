# GOOD: exec_driver_sql with a constant string and a params tuple in the driver's paramstyle.
from datetime import date

from sqlalchemy import create_engine
from sqlalchemy.engine import Engine

PURGE = "DELETE FROM events WHERE event_day = %(day)s AND region = %(region)s"


def make_engine(url: str) -> Engine:
    return create_engine(url, pool_pre_ping=True)


def purge_partition(engine: Engine, day: date, region: str) -> int:
    """Drop events of one region for one day (nightly retention job)."""
    with engine.begin() as conn:
        result = conn.exec_driver_sql(PURGE, {"day": day, "region": region})
        return result.rowcount


def vacuum(engine: Engine) -> None:
    with engine.connect() as conn:
        conn.exec_driver_sql("VACUUM ANALYZE events")


if __name__ == "__main__":
    eng = make_engine("postgresql+psycopg2://localhost/metrics")
    print(purge_partition(eng, date(2024, 1, 1), "eu-west"))
    vacuum(eng)
