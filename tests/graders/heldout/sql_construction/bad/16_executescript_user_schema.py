# BAD: executescript runs a script assembled from a tenant name supplied at signup.
import re
import sqlite3

from fastapi import FastAPI
from pydantic import BaseModel

app = FastAPI()


class TenantIn(BaseModel):
    name: str


@app.post("/tenants", status_code=201)
def create_tenant(body: TenantIn) -> dict[str, str]:
    slug = re.sub(r"\s+", "_", body.name.lower())
    script = (
        "BEGIN;\n"
        "CREATE TABLE IF NOT EXISTS " + slug + "_notes (id INTEGER PRIMARY KEY, body TEXT);\n"
        "CREATE TABLE IF NOT EXISTS " + slug + "_tags (id INTEGER PRIMARY KEY, label TEXT);\n"
        "COMMIT;"
    )
    conn = sqlite3.connect("tenants.db")
    try:
        conn.executescript(script)
    finally:
        conn.close()
    return {"tenant": slug}
