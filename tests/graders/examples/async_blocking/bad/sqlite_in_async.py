# Async handler runs sqlite3 queries on a module-level connection.
import sqlite3

from fastapi import FastAPI

app = FastAPI()
conn = sqlite3.connect("orders.db", check_same_thread=False)


@app.get("/orders/{order_id}")
async def get_order(order_id: int) -> dict:
    cur = conn.cursor()
    cur.execute("SELECT id, total FROM orders WHERE id = ?", (order_id,))
    row = cur.fetchone()
    return {"id": row[0], "total": row[1]}
