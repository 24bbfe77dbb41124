# GOOD: sqlite3.IntegrityError translated to a typed DuplicateEmail with `from exc`; FastAPI maps it to 409.
import sqlite3

from fastapi import FastAPI, HTTPException
from pydantic import BaseModel

app = FastAPI()


class DuplicateEmail(Exception):
    def __init__(self, email: str) -> None:
        super().__init__(f"email already registered: {email}")
        self.email = email


class UserIn(BaseModel):
    email: str
    name: str


def insert_user(conn: sqlite3.Connection, email: str, name: str) -> int:
    try:
        cur = conn.execute("INSERT INTO users (email, name) VALUES (?, ?)", (email, name))
        conn.commit()
    except sqlite3.IntegrityError as exc:
        conn.rollback()
        raise DuplicateEmail(email) from exc
    return int(cur.lastrowid or 0)


@app.post("/users", status_code=201)
def create_user(body: UserIn) -> dict[str, int]:
    conn = sqlite3.connect("users.db")
    try:
        return {"id": insert_user(conn, body.email, body.name)}
    except DuplicateEmail as exc:
        raise HTTPException(status_code=409, detail=str(exc)) from exc
    finally:
        conn.close()
