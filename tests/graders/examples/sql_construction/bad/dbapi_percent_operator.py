# DB-API execute with the % operator doing Python-side interpolation of a name.
import sqlite3


class UserStore:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def find_by_email(self, email: str):
        sql = "SELECT id, email FROM users WHERE email = '%s'" % email
        return self.conn.execute(sql).fetchone()
