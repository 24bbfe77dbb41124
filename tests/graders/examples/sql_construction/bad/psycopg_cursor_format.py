# psycopg (v3) cursor.execute with str.format for the WHERE value.
import psycopg


def find_invoice(conn: psycopg.Connection, number: str):
    with conn.cursor() as cur:
        cur.execute("SELECT id, number, amount FROM invoices WHERE number = '{}'".format(number))
        return cur.fetchone()
