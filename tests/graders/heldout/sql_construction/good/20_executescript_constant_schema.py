# GOOD: executescript runs a constant schema script; no runtime data touches it.
import sqlite3
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS tenants (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL DEFAULT (datetime('now'))
);
CREATE TABLE IF NOT EXISTS notes (
    id INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
    body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS notes_tenant ON notes(tenant_id);
"""


def init_db(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path)
    conn.executescript(SCHEMA)
    return conn


def add_tenant(conn: sqlite3.Connection, slug: str) -> int:
    cur = conn.execute("INSERT INTO tenants (slug) VALUES (?)", (slug,))
    conn.commit()
    return int(cur.lastrowid or 0)
