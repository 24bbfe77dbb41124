# BAD: PATCH handler builds SET col = ? from the JSON payload's keys; values bound, column names are user data.
import sqlite3

from flask import Flask, jsonify, request

app = Flask(__name__)


@app.patch("/profiles/<int:profile_id>")
def patch_profile(profile_id: int):
    payload = request.get_json(force=True) or {}
    if not payload:
        return jsonify(error="empty body"), 400
    assignments = ", ".join(f"{column} = ?" for column in payload)
    values = list(payload.values()) + [profile_id]
    conn = sqlite3.connect("profiles.db")
    try:
        conn.execute(f"UPDATE profiles SET {assignments} WHERE id = ?", values)
        conn.commit()
    finally:
        conn.close()
    return jsonify(updated=list(payload))


@app.get("/profiles/<int:profile_id>")
def get_profile(profile_id: int):
    conn = sqlite3.connect("profiles.db")
    try:
        row = conn.execute("SELECT id, bio FROM profiles WHERE id = ?", (profile_id,)).fetchone()
    finally:
        conn.close()
    return jsonify(id=row[0], bio=row[1]) if row else (jsonify(error="not found"), 404)
