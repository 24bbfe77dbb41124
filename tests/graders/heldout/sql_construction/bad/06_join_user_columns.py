# BAD: client-chosen column names are joined into the SELECT list; no allowlist check.
from flask import Flask, jsonify, request
import sqlite3

app = Flask(__name__)


def db() -> sqlite3.Connection:
    conn = sqlite3.connect("reports.db")
    conn.row_factory = sqlite3.Row
    return conn


@app.get("/export")
def export_columns():
    fields = request.args.get("fields", "id,name").split(",")
    columns = ", ".join(f.strip() for f in fields)
    query = "SELECT " + columns + " FROM customers WHERE active = ?"
    conn = db()
    try:
        rows = conn.execute(query, (1,)).fetchall()
    finally:
        conn.close()
    return jsonify([dict(r) for r in rows])


@app.get("/health")
def health():
    return jsonify(status="ok")
