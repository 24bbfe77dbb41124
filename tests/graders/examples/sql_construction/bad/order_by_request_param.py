# ORDER BY column taken straight from a query parameter (no allowlist).
import sqlite3

from flask import Flask, jsonify, request

app = Flask(__name__)


@app.get("/users")
def users():
    order = request.args.get("order_by", "id")
    conn = sqlite3.connect("app.db")
    try:
        rows = conn.execute(
            "SELECT id, name, email FROM users ORDER BY " + order
        ).fetchall()
    finally:
        conn.close()
    return jsonify(rows)
