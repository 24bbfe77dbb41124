# BAD: Flask route interpolates the path parameter into sqlite3 SQL with an f-string.
import sqlite3

from flask import Flask, abort, jsonify

app = Flask(__name__)
DB_PATH = "app.db"


def get_db() -> sqlite3.Connection:
    conn = sqlite3.connect(DB_PATH)
    conn.row_factory = sqlite3.Row
    return conn


@app.get("/users/<username>")
def get_user(username: str):
    conn = get_db()
    try:
        cur = conn.cursor()
        cur.execute(f"SELECT id, username, email FROM users WHERE username = '{username}'")
        row = cur.fetchone()
    finally:
        conn.close()
    if row is None:
        abort(404)
    return jsonify(dict(row))
