# BAD: the filter value is a driver parameter, but the sort direction from the request is an f-string.
from flask import Flask, jsonify, request
import sqlite3

app = Flask(__name__)


@app.get("/tickets")
def tickets():
    status = request.args.get("status", "open")
    direction = request.args.get("dir", "ASC")
    conn = sqlite3.connect("helpdesk.db")
    try:
        rows = conn.execute(
            f"SELECT id, subject, priority FROM tickets WHERE status = ? ORDER BY priority {direction}",
            (status,),
        ).fetchall()
    finally:
        conn.close()
    return jsonify(
        [
            {"id": r[0], "subject": r[1], "priority": r[2]}
            for r in rows
        ]
    )


if __name__ == "__main__":
    app.run(port=5001)
