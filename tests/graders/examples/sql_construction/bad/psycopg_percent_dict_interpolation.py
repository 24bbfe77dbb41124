# Looks like pyformat params, but % is applied in Python before execute.
import psycopg2


def update_email(conn, user_id: int, email: str) -> None:
    params = {"email": email, "id": user_id}
    with conn.cursor() as cur:
        cur.execute("UPDATE users SET email = '%(email)s' WHERE id = %(id)s" % params)
    conn.commit()
