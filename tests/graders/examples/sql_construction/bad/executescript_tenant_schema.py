# executescript creates per-tenant tables with the tenant name in the DDL.
import sqlite3


def provision_tenant(conn: sqlite3.Connection, tenant: str) -> None:
    script = f"""
    CREATE TABLE IF NOT EXISTS {tenant}_users (id INTEGER PRIMARY KEY, email TEXT);
    CREATE TABLE IF NOT EXISTS {tenant}_events (id INTEGER PRIMARY KEY, kind TEXT);
    """
    conn.executescript(script)
