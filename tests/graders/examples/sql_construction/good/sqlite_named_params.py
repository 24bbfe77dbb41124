# sqlite3 named :placeholders with a dict of parameters.
import sqlite3


def transfer(conn: sqlite3.Connection, src: int, dst: int, amount: int) -> None:
    with conn:
        conn.execute(
            "UPDATE accounts SET balance = balance - :amount WHERE id = :src",
            {"amount": amount, "src": src},
        )
        conn.execute(
            "UPDATE accounts SET balance = balance + :amount WHERE id = :dst",
            {"amount": amount, "dst": dst},
        )
