# Recomputes each account balance with a query per account row.
def refresh_balances(conn) -> int:
    with conn.cursor() as cur:
        cur.execute("SELECT id FROM accounts WHERE needs_refresh")
        ids = [r[0] for r in cur.fetchall()]
        for account_id in ids:
            cur.execute("SELECT COALESCE(SUM(amount), 0) FROM ledger WHERE account_id = %s", (account_id,))
            balance = cur.fetchone()[0]
            cur.execute("UPDATE accounts SET balance = %s WHERE id = %s", (balance, account_id))
    conn.commit()
    return len(ids)
