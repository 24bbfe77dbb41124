# SQLAlchemy text() over a string built with += for dynamic filters.
from sqlalchemy import text
from sqlalchemy.engine import Engine


def report(engine: Engine, region: str | None, year: int | None):
    q = "SELECT region, sum(amount) AS total FROM sales WHERE 1=1"
    if region:
        q += " AND region = '%s'" % region
    if year:
        q += f" AND year = {year}"
    q += " GROUP BY region"
    with engine.connect() as conn:
        return conn.execute(text(q)).all()
