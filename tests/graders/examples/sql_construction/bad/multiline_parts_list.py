# Query assembled from a list of parts across several lines, then joined.
import sqlite3


def audit_log(conn: sqlite3.Connection, actor: str | None, action: str | None, limit: int = 50):
    parts = ["SELECT ts, actor, action FROM audit"]
    conditions = []
    if actor:
        conditions.append("actor = '%s'" % actor)
    if action:
        conditions.append("action = '{}'".format(action))
    if conditions:
        parts.append("WHERE " + " AND ".join(conditions))
    parts.append("ORDER BY ts DESC")
    parts.append("LIMIT %d" % limit)
    return conn.execute("\n".join(parts)).fetchall()
