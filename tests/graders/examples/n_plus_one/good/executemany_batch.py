# Computes balances in SQL and writes them back in one executemany batch.
def refresh_balances(conn) -> int:
    with conn.cursor() as cur:
        cur.execute(
            "SELECT a.id, COALESCE(SUM(l.amount), 0) FROM accounts a "
            "LEFT JOIN ledger l ON l.account_id = a.id WHERE a.needs_refresh GROUP BY a.id"
        )
        balances = cur.fetchall()
        cur.executemany("UPDATE accounts SET balance = %s WHERE id = %s", [(b, i) for i, b in balances])
    conn.commit()
    return len(balances)
