# psycopg2.extras.execute_values with a constant template.
from psycopg2.extras import execute_values


def save_events(conn, events: list[tuple[str, str]]) -> None:
    with conn.cursor() as cur:
        execute_values(cur, "INSERT INTO events (kind, payload) VALUES %s", events)
    conn.commit()
