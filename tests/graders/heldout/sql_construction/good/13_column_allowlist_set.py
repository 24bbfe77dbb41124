# GOOD: requested export columns are checked against a constant frozenset before being joined into SELECT.
import sqlite3

from flask import Flask, jsonify, request

app = Flask(__name__)

EXPORTABLE = frozenset({"id", "name", "email", "created_at"})


@app.get("/export")
def export_columns():
    fields = [f.strip() for f in request.args.get("fields", "id,name").split(",")]
    unknown = [f for f in fields if f not in EXPORTABLE]
    if unknown:
        return jsonify(error=f"unknown fields: {unknown}"), 400
    columns = ", ".join(f for f in fields if f in EXPORTABLE)
    conn = sqlite3.connect("reports.db")
    conn.row_factory = sqlite3.Row
    try:
        rows = conn.execute(f"SELECT {columns} FROM customers WHERE active = ?", (1,)).fetchall()
    finally:
        conn.close()
    return jsonify([dict(r) for r in rows])
