# BAD: exec_driver_sql gets a string with the partition date formatted in via f-string.
from datetime import date

from sqlalchemy import create_engine
from sqlalchemy.engine import Engine


def make_engine(url: str) -> Engine:
    return create_engine(url, pool_pre_ping=True)


def purge_partition(engine: Engine, day: date, region: str) -> None:
    """Drop events of one region for one day (nightly retention job)."""
    stmt = (
        f"DELETE FROM events "
        f"WHERE event_day = '{day.isoformat()}' AND region = '{region}'"
    )
    with engine.begin() as conn:
        conn.exec_driver_sql(stmt)


def vacuum(engine: Engine) -> None:
    with engine.connect() as conn:
        conn.exec_driver_sql("VACUUM ANALYZE events")


if __name__ == "__main__":
    eng = make_engine("postgresql+psycopg2://localhost/metrics")
    purge_partition(eng, date(2024, 1, 1), "eu-west")
    vacuum(eng)
