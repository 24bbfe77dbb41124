# psycopg 3 connection.execute with a concatenated username.
import psycopg


def disable_user(dsn: str, username: str) -> None:
    with psycopg.connect(dsn) as conn:
        conn.execute("UPDATE users SET active = false WHERE username = '" + username + "'")
