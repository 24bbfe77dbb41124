# BAD: psycopg sql.SQL() wraps an f-string that already contains the user's value; composition cannot help.
import psycopg
from psycopg import sql


def rename_label(conn: psycopg.Connection, table: str, old: str, new: str) -> int:
    """Rename a label in a (trusted) table; old/new come from the admin form."""
    query = sql.SQL(f"UPDATE {{}} SET label = '{new}' WHERE label = '{old}'").format(
        sql.Identifier(table)
    )
    with conn.cursor() as cur:
        cur.execute(query)
        count = cur.rowcount
    conn.commit()
    return count


def labels(conn: psycopg.Connection, table: str) -> list[str]:
    query = sql.SQL("SELECT DISTINCT label FROM {} ORDER BY label").format(sql.Identifier(table))
    with conn.cursor() as cur:
        cur.execute(query)
        return [r[0] for r in cur.fetchall()]


if __name__ == "__main__":
    with psycopg.connect("dbname=admin") as c:
        print(rename_label(c, "tags", "old", "new"))
        print(labels(c, "tags"))
