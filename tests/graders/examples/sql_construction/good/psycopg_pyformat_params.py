# psycopg2 with %s placeholders and a params tuple (not Python % formatting).
import psycopg2


def find_invoice(conn, number: str):
    with conn.cursor() as cur:
        cur.execute("SELECT id, number, amount FROM invoices WHERE number = %s", (number,))
        return cur.fetchone()


def update_email(conn, user_id: int, email: str) -> None:
    with conn.cursor() as cur:
        cur.execute(
            "UPDATE users SET email = %(email)s WHERE id = %(id)s",
            {"email": email, "id": user_id},
        )
    conn.commit()
