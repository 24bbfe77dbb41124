# Dynamic WHERE: constant clauses with placeholders, values collected in params.
import sqlite3


def list_orders(
    conn: sqlite3.Connection, status: str | None, customer: str | None, min_total: float | None
) -> list[tuple]:
    clauses: list[str] = []
    params: list[object] = []
    if status:
        clauses.append("status = ?")
        params.append(status)
    if customer:
        clauses.append("customer = ?")
        params.append(customer)
    if min_total is not None:
        clauses.append("total >= ?")
        params.append(min_total)
    sql = "SELECT id, customer, status, total FROM orders"
    if clauses:
        sql += " WHERE " + " AND ".join(clauses)
    sql += " ORDER BY created_at DESC"
    return conn.execute(sql, params).fetchall()
