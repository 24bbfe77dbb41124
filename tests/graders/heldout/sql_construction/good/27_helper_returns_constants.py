# GOOD: a helper picks between literal query strings by an enum; it never builds text from data.
import enum
import sqlite3


class Period(enum.Enum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"


def _stats_query(period: Period) -> str:
    if period is Period.DAY:
        return "SELECT date(ts) AS bucket, count(*) FROM visits WHERE site_id = ? GROUP BY 1"
    if period is Period.WEEK:
        return "SELECT strftime('%Y-%W', ts) AS bucket, count(*) FROM visits WHERE site_id = ? GROUP BY 1"
    return "SELECT strftime('%Y-%m', ts) AS bucket, count(*) FROM visits WHERE site_id = ? GROUP BY 1"


def visit_stats(conn: sqlite3.Connection, site_id: int, period: str) -> list[tuple[str, int]]:
    try:
        p = Period(period)
    except ValueError as exc:
        raise ValueError(f"period must be one of {[x.value for x in Period]}") from exc
    return conn.execute(_stats_query(p), (site_id,)).fetchall()
