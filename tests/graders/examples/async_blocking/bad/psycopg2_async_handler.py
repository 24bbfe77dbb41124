# Async message consumer writes to Postgres with psycopg2.
import json

import psycopg2


async def handle_message(body: bytes, dsn: str) -> None:
    event = json.loads(body)
    conn = psycopg2.connect(dsn)
    try:
        with conn.cursor() as cur:
            cur.execute("INSERT INTO events (id, payload) VALUES (%s, %s)", (event["id"], body.decode()))
        conn.commit()
    finally:
        conn.close()
