# A module-level template is constant, but .format() fills in a user value.
import sqlite3

USER_BY_NAME = "SELECT id, name, role FROM users WHERE name = '{name}'"


def user_by_name(conn: sqlite3.Connection, name: str):
    return conn.execute(USER_BY_NAME.format(name=name)).fetchone()
